package imports

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// shown is what a test compares of a Search Console sighting.
type shown struct {
	Text, Page          string
	Clicks, Impressions int
}

func shownOf(sg []heed.Sighting) []shown {
	var out []shown
	for _, s := range sg {
		out = append(out, shown{s.Text, s.Page, *s.Clicks, *s.Impressions})
	}
	return out
}

// TestSearchConsoleExports: the API's JSON response and a CSV export give each query with the page
// Google showed, its clicks and impressions; a page that is not a web address is left out, a row with
// no query skipped.
func TestSearchConsoleExports(t *testing.T) {
	tests := []struct {
		file string
		want []shown
	}{
		{"rows.json", []shown{
			{"lark battery range", "https://help.larkcycles.example/battery-range", 120, 2400},
			{"lark battery range", "https://help.larkcycles.example/charging", 4, 310},
			{"how to charge a lark", "https://help.larkcycles.example/charging", 88, 1200},
			{"lark refund", "", 0, 5},
		}},
		{"queries.csv", []shown{
			{"lark battery range", "https://help.larkcycles.example/battery-range", 120, 2400},
			{"how to charge a lark", "https://help.larkcycles.example/charging", 88, 1200},
			{"broken", "", 0, 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			spec, _ := crawler.ParseSpec("searchconsole=testdata/searchconsole/" + tt.file)
			src, err := NewSearchConsole(spec, Deps{})
			if err != nil {
				t.Fatal(err)
			}
			got := fetchAll(t, src)
			if diff := cmp.Diff(tt.want, shownOf(got)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			for _, s := range got {
				if s.Kind() != heed.SightingSearchConsole {
					t.Errorf("%q is a %s sighting", s.Text, s.Kind())
				}
			}
		})
	}
}

// TestSearchConsoleAPI: searchAnalytics.query is posted by query and page over the last days, paged by
// startRow, the token from the environment; a 429 is waited out.
func TestSearchConsoleAPI(t *testing.T) {
	var asked atomic.Int32
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.EscapedPath() != "/webmasters/v3/sites/sc-domain%3Alarkcycles.example/searchAnalytics/query" {
			http.Error(w, `{"error":{"code":404}}`, http.StatusNotFound)
			return
		}
		if r.Header.Get("Authorization") != "Bearer ya29.token" {
			http.Error(w, `{"error":{"code":401,"status":"UNAUTHENTICATED"}}`, http.StatusUnauthorized)
			return
		}
		if asked.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, `{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}`, http.StatusTooManyRequests)
			return
		}
		var body map[string]any
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &body)
		bodies = append(bodies, body)
		start := int(body["startRow"].(float64))
		var rows []string
		for i := start; i < min(start+2, 5); i++ {
			rows = append(rows, fmt.Sprintf(`{"keys":["query %d","https://help.larkcycles.example/p%d"],"clicks":%d,"impressions":%d,"ctr":0.1,"position":2}`, i, i, i, 10*i))
		}
		fmt.Fprintf(w, `{"rows":[%s],"responseAggregationType":"byPage"}`, strings.Join(rows, ","))
	}))
	defer srv.Close()
	spec, _ := crawler.ParseSpec("searchconsole=" + srv.URL + ";site=sc-domain:larkcycles.example;row_limit=2;days=7")
	d, _ := apiDeps(t, map[string]string{"HEED_SEARCH_CONSOLE_TOKEN": "ya29.token"}, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	src, err := NewSearchConsole(spec, d)
	if err != nil {
		t.Fatal(err)
	}
	got := shownOf(fetchAll(t, src))
	if len(got) != 5 || got[4] != (shown{"query 4", "https://help.larkcycles.example/p4", 4, 40}) {
		t.Errorf("rows %v, want the 5 rows of three pages", got)
	}
	if len(bodies) != 3 || bodies[0]["startDate"] != "2026-11-23" || bodies[0]["endDate"] != "2026-11-29" ||
		fmt.Sprint(bodies[0]["dimensions"]) != "[query page]" || bodies[2]["startRow"] != 4.0 {
		t.Errorf("queries posted: %v", bodies)
	}
}

func FuzzSearchConsoleFormats(f *testing.F) {
	f.Add([]byte(`{"rows":[{"keys":["a","https://x.example/"],"clicks":1,"impressions":2}]}`))
	f.Add([]byte("query,page,clicks\na,https://x.example/,3\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rows, _ := parseConsoleJSON(strings.NewReader(string(in)))
		more, _ := parseConsoleCSV(strings.NewReader(string(in)), func(int, string) {})
		for _, r := range append(rows, more...) {
			if r.clicks < 0 || r.impressions < 0 || (r.page != "" && !strings.HasPrefix(r.page, "http")) {
				t.Fatalf("row %+v", r)
			}
		}
	})
}

package imports

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// searched is what a test compares of a site-search sighting: the query, searches and results (-1: not
// said).
type searched struct {
	Text     string
	Searches int
	Results  int
}

func searchedOf(sg []heed.Sighting) []searched {
	var out []searched
	for _, s := range sg {
		r := -1
		if s.Results != nil {
			r = *s.Results
		}
		out = append(out, searched{s.Text, *s.Searches, r})
		if s.Source != "sitesearch" || s.Kind() != heed.SightingSiteSearch {
			panic(fmt.Sprintf("sighting of source %q", s.Source))
		}
	}
	return out
}

func fetchAll(t *testing.T, src crawler.Source) []heed.Sighting {
	t.Helper()
	var all []heed.Sighting
	for _, u := range src.Units(nil) {
		got, err := src.Fetch(context.Background(), u)
		if err != nil {
			t.Fatalf("fetch %v: %v", u, err)
		}
		all = append(all, got...)
	}
	return all
}

// TestSiteSearchExports: each export format gives the searches with their counts and results, personal
// data redacted, blank and unreadable entries left out.
func TestSiteSearchExports(t *testing.T) {
	tests := []struct {
		file, options string
		want          []searched
	}{
		{"algolia-top.json", "format=algolia", []searched{
			{"battery range", 1523, 12}, {"refund", 830, 0}, {"charger warranty", 214, 3}, {"order for [email]", 2, 0}}},
		{"algolia-noresults.json", "format=algolia", []searched{
			{"refund", 830, 0}, {"order for [email]", 2, 0}, {"call me [phone]", 1, 0}}},
		{"typesense-nohits.jsonl", "format=typesense;results=none", []searched{
			{"lark roof rack", 41, 0}, {"tyre pressure", 17, 0}, {"email me at [email]", 1, 0}}},
		{"searches.csv", "format=csv", []searched{
			{"battery range", 1523, 12}, {"refund", 830, 0}, {"cargo bike child seat", 77, -1}, {"reset link https://lark.example/reset?[redacted]", 1, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			spec, err := crawler.ParseSpec("sitesearch=testdata/sitesearch/" + tt.file + ";" + tt.options)
			if err != nil {
				t.Fatal(err)
			}
			src, err := NewSiteSearch(spec, Deps{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, searchedOf(fetchAll(t, src))); diff != "" {
				t.Errorf("searches (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSiteSearchBadSpecs(t *testing.T) {
	for _, tt := range []struct{ spec, want string }{
		{"sitesearch", "needs an export file or an API URL"},
		{"sitesearch=testdata/sitesearch/searches.csv", `format ""`},
		{"sitesearch=testdata/sitesearch/nope.csv;format=csv", "does not exist"},
		{"sitesearch=https://analytics.algolia.com;format=algolia", "needs options index and app_id"},
		{"sitesearch=https://ts.example;format=typesense", "needs option collection"},
		{"sitesearch=https://x.example;format=csv", "reads a file"},
		{"sitesearch=testdata/sitesearch/searches.csv;format=csv;pages=0", "pages"},
	} {
		spec, err := crawler.ParseSpec(tt.spec)
		if err == nil {
			_, err = NewSiteSearch(spec, Deps{})
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.spec, err, tt.want)
		}
	}
}

// algoliaStandIn serves the Analytics API's searches and noResults lists from loopback as Algolia does:
// paged by offset and limit, the application id and key checked, one page refused once with 429 and
// Retry-After.
func algoliaStandIn(t *testing.T, top, noResults []string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var limited atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Algolia-Application-Id") != "APPID" || r.Header.Get("X-Algolia-API-Key") != "secret-key" {
			http.Error(w, `{"message":"Invalid credentials","status":403}`, http.StatusForbidden)
			return
		}
		if r.URL.Query().Get("index") != "help_en" {
			http.Error(w, `{"message":"Index does not exist","status":404}`, http.StatusNotFound)
			return
		}
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if offset == limit && limited.Add(1) == 1 { // the second page, the first time
			w.Header().Set("Retry-After", "1")
			http.Error(w, `{"message":"Too many requests","status":429}`, http.StatusTooManyRequests)
			return
		}
		list, field := top, "nbHits"
		if r.URL.Path == "/2/searches/noResults" {
			list, field = noResults, "withFilterCount"
		} else if r.URL.Path != "/2/searches" {
			http.NotFound(w, r)
			return
		}
		var items []string
		for i := offset; i < min(offset+limit, len(list)); i++ {
			hits := 0
			if field == "nbHits" && !strings.HasPrefix(list[i], "none ") {
				hits = 7
			}
			items = append(items, fmt.Sprintf(`{"search":%q,"count":%d,%q:%d}`, list[i], 100-i, field, hits))
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"searches":[%s]}`, strings.Join(items, ","))
	}))
	t.Cleanup(srv.Close)
	return srv, &limited
}

// TestSiteSearchAlgoliaAPI: the top searches and the searches with no results are paged through (five
// and two pages of two), a 429 is waited out, the key comes from the environment and never shows in
// the sightings, and a search that found nothing is counted once, from its own list.
func TestSiteSearchAlgoliaAPI(t *testing.T) {
	top := []string{"battery range", "none refund", "charger warranty", "brake pads", "lark app", "saddle height", "gears", "mudguards", "lights"}
	noRes := []string{"refund", "order of ana@example.com", "roof rack"}
	srv, limited := algoliaStandIn(t, top, noRes)
	spec, _ := crawler.ParseSpec("sitesearch=" + srv.URL + ";format=algolia;index=help_en;app_id=APPID;limit=2")
	env := map[string]string{"HEED_ALGOLIA_API_KEY": "secret-key"}
	d, _ := apiDeps(t, env, time.Now())
	src, err := NewSiteSearch(spec, d)
	if err != nil {
		t.Fatal(err)
	}
	got := fetchAll(t, src)
	want := []searched{
		{"battery range", 100, 7}, {"charger warranty", 98, 7}, {"brake pads", 97, 7}, {"lark app", 96, 7}, {"saddle height", 95, 7},
		{"gears", 94, 7}, {"mudguards", 93, 7}, {"lights", 92, 7},
		{"refund", 100, 0}, {"order of [email]", 99, 0}, {"roof rack", 98, 0},
	}
	if diff := cmp.Diff(want, searchedOf(got)); diff != "" {
		t.Errorf("searches (-want +got):\n%s", diff)
	}
	if limited.Load() < 2 {
		t.Errorf("the rate-limited page was asked %d times, want it asked again after Retry-After", limited.Load())
	}
	for _, s := range got {
		if strings.Contains(s.URL, "secret-key") || strings.Contains(s.Text, "@") {
			t.Errorf("sighting %+v carries the key or an address", s)
		}
	}
	env["HEED_ALGOLIA_API_KEY"] = "wrong"
	if _, err := src.Fetch(context.Background(), src.Units(nil)[0]); err == nil || strings.Contains(err.Error(), "wrong") {
		t.Errorf("a refused key: %v, want an error that does not show the key", err)
	}
}

// TestSiteSearchTypesenseAPI: the analytics collection's export is read with the key from the
// environment.
func TestSiteSearchTypesenseAPI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-TYPESENSE-API-KEY") != "ts-key" || r.URL.Path != "/collections/product_queries/documents/export" {
			http.Error(w, `{"message":"Forbidden"}`, http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, "{\"q\":\"lark roof rack\",\"count\":41}\n{\"q\":\"tyre pressure\",\"count\":17}\n")
	}))
	defer srv.Close()
	spec, _ := crawler.ParseSpec("sitesearch=" + srv.URL + ";format=typesense;collection=product_queries")
	d, _ := apiDeps(t, map[string]string{"HEED_TYPESENSE_API_KEY": "ts-key"}, time.Now())
	src, err := NewSiteSearch(spec, d)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]searched{{"lark roof rack", 41, -1}, {"tyre pressure", 17, -1}}, searchedOf(fetchAll(t, src))); diff != "" {
		t.Errorf("searches (-want +got):\n%s", diff)
	}
}

func FuzzSiteSearchFormats(f *testing.F) {
	f.Add([]byte(`{"searches":[{"search":"a","count":1,"nbHits":0}]}`))
	f.Add([]byte("query,count,results\na,1,0\n\"b\",x,\n"))
	f.Add([]byte(`{"q":"a","count":2}` + "\n{"))
	f.Fuzz(func(t *testing.T, in []byte) {
		skip := func(int, string) {}
		for _, rows := range [][]searchRow{must(parseAlgolia(strings.NewReader(string(in)))), must(parseTypesense(strings.NewReader(string(in)), false, skip)), must(parseSearchCSV(strings.NewReader(string(in)), skip))} {
			for _, r := range rows {
				if r.results < -1 {
					t.Fatalf("row %+v", r)
				}
			}
		}
	})
}

func must(rows []searchRow, _ error) []searchRow { return rows }

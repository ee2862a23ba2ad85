package suggest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

func TestParseOpenSearch(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
		err  error
	}{
		{"firefox shape", `["acme", ["acme router", "acme login"]]`, []string{"acme router", "acme login"}, nil},
		{"with descriptions and urls", `["acme", ["a", "b"], ["d1", "d2"], ["https://x/a", "https://x/b"]]`, []string{"a", "b"}, nil},
		{"extra trailing elements", `["acme", ["a"], [], [], {"google:suggestrelevance": [1]}, ["z"]]`, []string{"a"}, nil},
		{"non-strings skipped", `["acme", ["a", 3, null, {"x": 1}, "", "b"]]`, []string{"a", "b"}, nil},
		{"no completions", `["acme", []]`, []string{}, nil},
		{"surrounding space", "  \n[\"q\", [\"a\"]]\n", []string{"a"}, nil},
		{"only the query", `["acme"]`, nil, crawler.ErrParse},
		{"object", `{"suggestions": []}`, nil, crawler.ErrParse},
		{"second element not an array", `["acme", "a"]`, nil, crawler.ErrParse},
		{"truncated", `["acme", ["a", "b`, nil, crawler.ErrParse},
		{"empty", ``, nil, crawler.ErrParse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOpenSearch([]byte(tt.body))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("error = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			texts := []string{}
			for _, s := range got {
				texts = append(texts, s.Text)
			}
			if diff := cmp.Diff(tt.want, texts); diff != "" {
				t.Errorf("suggestions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDetectBlock(t *testing.T) {
	if err := crawler.DetectBlock([]byte(`<html><body>Our systems have detected unusual traffic from your computer</body></html>`), "x"); !errors.Is(err, crawler.ErrBlocked) {
		t.Errorf("a block page gave %v, want ErrBlocked", err)
	}
	if err := crawler.DetectBlock([]byte(`<!DOCTYPE html><html><body>hello</body></html>`), "x"); !errors.Is(err, crawler.ErrParse) {
		t.Errorf("an HTML page gave %v, want ErrParse", err)
	}
	for _, ok := range []string{`["q", []]`, `<?xml version="1.0"?><toplevel/>`, ``} {
		if err := crawler.DetectBlock([]byte(ok), "x"); err != nil {
			t.Errorf("DetectBlock(%q) = %v", ok, err)
		}
	}
}

func TestExpand(t *testing.T) {
	got := Expand("  Acme   router ", "en", []string{"questions", "comparisons", "prefix:best", "suffix:2026"})
	var texts []string
	for _, q := range got {
		texts = append(texts, q.Expansion+"|"+q.Text)
	}
	want := []string{"|Acme router", "questions|who Acme router", "questions|what Acme router", "questions|when Acme router",
		"questions|where Acme router", "questions|why Acme router", "questions|how Acme router", "questions|which Acme router",
		"questions|can Acme router", "questions|are Acme router", "questions|is Acme router", "questions|does Acme router",
		"questions|will Acme router", "questions|should Acme router", "comparisons|Acme router vs", "comparisons|Acme router versus",
		"comparisons|Acme router or", "comparisons|Acme router and", "comparisons|Acme router like", "prefix|best Acme router", "suffix|Acme router 2026"}
	if diff := cmp.Diff(want, texts); diff != "" {
		t.Errorf("Expand (-want +got):\n%s", diff)
	}
	if n := len(Expand("x", "en", []string{"alphabet"})); n != 1+36 {
		t.Errorf("alphabet expansion gives %d queries, want 37 (seed, a-z, 0-9)", n)
	}
	if n := len(Expand("x", "de-DE", []string{"alphabet"})); n != 1+39 {
		t.Errorf("German alphabet expansion gives %d queries, want 40 (with ä ö ü)", n)
	}
	if Expand("   ", "en", []string{"alphabet"}) != nil {
		t.Error("an empty seed was expanded")
	}
}

func TestOpenSearchSource(t *testing.T) {
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("q")
		queries = append(queries, q)
		w.Header().Set("Content-Type", "application/x-suggestions+json")
		switch {
		case q == "blocked":
			w.Write([]byte("<html>unusual traffic</html>"))
		case strings.HasSuffix(q, " a"):
			w.Write([]byte(`["` + q + `", ["acme router admin", "acme router &amp; modem"]]`))
		default:
			w.Write([]byte(`["` + q + `", ["acme router setup", "acme router reset"]]`))
		}
	}))
	defer srv.Close()
	f, err := crawler.NewFetcher(crawler.FetchConfig{Retries: 0, Delay: time.Millisecond}, nil, crawler.NewMetrics(prometheus.NewRegistry()))
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewOpenSearch(crawler.Spec{Kind: "opensearch", Name: "engine", Base: srv.URL + "/complete?client=firefox&q={q}", Options: map[string]string{"hl": "en-GB"}}, f)
	if err != nil {
		t.Fatal(err)
	}
	units := src.Units([]string{"acme router"})
	if len(units) != 1 {
		t.Fatalf("units without expansion = %d, want 1", len(units))
	}
	got, err := src.Fetch(context.Background(), crawler.Unit{Source: "engine", Seed: "acme router", Expansion: "alphabet", Query: "acme router a"})
	if err != nil {
		t.Fatal(err)
	}
	link := srv.URL + "/complete?client=firefox&q=acme+router+a"
	want := []heed.Sighting{
		{Text: "acme router admin", Source: "opensearch", URL: link, Seed: "acme router", Expansion: "alphabet", Position: 1, Locale: "en-GB"},
		{Text: "acme router & modem", Source: "opensearch", URL: link, Seed: "acme router", Expansion: "alphabet", Position: 2, Locale: "en-GB"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sightings (-want +got):\n%s", diff)
	}
	if _, err := src.Fetch(context.Background(), crawler.Unit{Query: "blocked"}); !errors.Is(err, crawler.ErrBlocked) {
		t.Errorf("a block page gave %v, want ErrBlocked", err)
	}
}

func TestNewOpenSearchNeedsATemplate(t *testing.T) {
	for _, base := range []string{"", "https://x/suggest", "ftp://x/?q={q}", "/relative?q={q}"} {
		if _, err := NewOpenSearch(crawler.Spec{Kind: "opensearch", Base: base}, nil); err == nil {
			t.Errorf("base %q accepted", base)
		}
	}
}

func FuzzParseOpenSearch(f *testing.F) {
	for _, s := range []string{`["q",["a","b"]]`, `["q",[1,2],{},[]]`, `[]`, `[[`, `"x"`, `["q",[null]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := ParseOpenSearch(body)
		if err != nil && !errors.Is(err, crawler.ErrParse) {
			t.Fatalf("error %v is not ErrParse", err)
		}
		for _, s := range got {
			if strings.TrimSpace(s.Text) == "" {
				t.Fatalf("an empty suggestion was returned from %q", body)
			}
		}
	})
}

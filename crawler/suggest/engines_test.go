package suggest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed/crawler"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParsersOnRealShapes(t *testing.T) {
	tests := []struct {
		fixture string
		parse   func([]byte) ([]Suggestion, error)
		want    []Suggestion
	}{
		{"google_firefox.json", ParseOpenSearch, []Suggestion{{Text: "lark e-bike review"}, {Text: "lark e-bike price"}, {Text: "lark e-bike battery"}, {Text: "lark e-bike uk"}}},
		{"google_chrome.json", ParseGoogleChrome, []Suggestion{{"lark e-bike review", 1250}, {"lark e-bike price", 601}, {"lark e-bike battery", 600}}},
		{"google_chrome_mismatch.json", ParseGoogleChrome, []Suggestion{{Text: "lark e-bike review"}, {Text: "lark e-bike price"}}},
		{"google_toolbar.xml", ParseGoogleToolbar, []Suggestion{{Text: "lark e-bike review"}, {Text: "lark e-bike & trailer"}}},
		{"google_toolbar_latin1.xml", ParseGoogleToolbar, []Suggestion{{Text: "lark fahrrad für kinder"}}},
		{"youtube.jsonp", ParseJSONP, []Suggestion{{Text: "lark e-bike review"}, {Text: "lark e-bike unboxing"}, {Text: "lark e-bike vs voltway"}}},
		{"bing.json", ParseOpenSearch, []Suggestion{{Text: "lark e-bike review"}, {Text: "lark e-bike price"}, {Text: "lark e-bike near me"}}},
		{"ddg_phrase.json", ParseDuckDuckGo, []Suggestion{{Text: "lark e-bike review"}, {Text: "lark e-bike price"}}},
		{"ddg_list.json", ParseDuckDuckGo, []Suggestion{{Text: "lark e-bike review"}, {Text: "lark e-bike price"}}},
		{"amazon.json", ParseAmazon, []Suggestion{{Text: "lark e-bike battery"}, {Text: "lark e-bike lock"}}},
		{"wikipedia.json", ParseOpenSearch, []Suggestion{{Text: "Lark"}, {Text: "Lark Rise to Candleford"}, {Text: "Larkhall"}}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			got, err := tt.parse(readFixture(t, tt.fixture))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsersRejectOtherShapes(t *testing.T) {
	parsers := map[string]func([]byte) ([]Suggestion, error){
		"opensearch": ParseOpenSearch, "chrome": ParseGoogleChrome, "toolbar": ParseGoogleToolbar, "jsonp": ParseJSONP,
		"duckduckgo": ParseDuckDuckGo, "amazon": ParseAmazon,
	}
	for name, p := range parsers {
		for _, body := range []string{"", "{", `{"error": "quota"}`, "null", "<html>blocked</html>", `window.google.ac.h(`} {
			if _, err := p([]byte(body)); !errors.Is(err, crawler.ErrParse) {
				t.Errorf("%s(%q) = %v, want ErrParse", name, body, err)
			}
		}
	}
}

// engineServer records the last request and answers with a fixture.
func engineServer(t *testing.T, fixture string, last *url.URL) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*last = *r.URL
		w.Write(readFixture(t, fixture))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func testFetcher(t *testing.T) *crawler.Fetcher {
	f, err := crawler.NewFetcher(crawler.FetchConfig{Retries: 0, Delay: time.Millisecond}, nil, crawler.NewMetrics(prometheus.NewRegistry()))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestEngineSourcesAskTheRealAPIs(t *testing.T) {
	tests := []struct {
		kind    string
		options map[string]string
		fixture string
		path    string
		params  url.Values
		texts   int
		rel     int
		locale  string
	}{
		{"google", map[string]string{"hl": "en-GB", "gl": "gb"}, "google_firefox.json", "/complete/search",
			url.Values{"client": {"firefox"}, "hl": {"en-GB"}, "gl": {"gb"}, "q": {"lark e-bike"}}, 4, 0, "en-GB-GB"},
		{"google", map[string]string{"client": "chrome"}, "google_chrome.json", "/complete/search",
			url.Values{"client": {"chrome"}, "hl": {"en"}, "q": {"lark e-bike"}}, 3, 1250, "en"},
		{"google", map[string]string{"client": "toolbar", "hl": "de"}, "google_toolbar.xml", "/complete/search",
			url.Values{"client": {"toolbar"}, "output": {"toolbar"}, "hl": {"de"}, "q": {"lark e-bike"}}, 2, 0, "de"},
		{"youtube", nil, "youtube.jsonp", "/complete/search",
			url.Values{"client": {"youtube"}, "ds": {"yt"}, "hl": {"en"}, "q": {"lark e-bike"}}, 3, 0, "en"},
		{"bing", map[string]string{"market": "en-GB"}, "bing.json", "/osjson.aspx",
			url.Values{"market": {"en-GB"}, "query": {"lark e-bike"}}, 3, 0, "en-GB"},
		{"duckduckgo", map[string]string{"kl": "uk-en"}, "ddg_phrase.json", "/ac/",
			url.Values{"kl": {"uk-en"}, "q": {"lark e-bike"}}, 2, 0, "uk-en"},
		{"duckduckgo", map[string]string{"type": "list"}, "ddg_list.json", "/ac/",
			url.Values{"kl": {"us-en"}, "type": {"list"}, "q": {"lark e-bike"}}, 2, 0, "us-en"},
		{"amazon", map[string]string{"country": "uk"}, "amazon.json", "/api/2017/suggestions",
			url.Values{"mid": {"A1F83G8C2ARO7P"}, "alias": {"aps"}, "limit": {"11"}, "suggestion-type": {"KEYWORD"}, "prefix": {"lark e-bike"}}, 2, 0, "uk"},
		{"wikipedia", map[string]string{"lang": "en"}, "wikipedia.json", "/w/api.php",
			url.Values{"action": {"opensearch"}, "format": {"json"}, "limit": {"10"}, "search": {"lark e-bike"}}, 3, 0, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+tt.fixture, func(t *testing.T) {
			var last url.URL
			srv := engineServer(t, tt.fixture, &last)
			spec := crawler.Spec{Kind: tt.kind, Base: srv.URL, Options: tt.options}
			src, err := Kinds[tt.kind](spec, testFetcher(t))
			if err != nil {
				t.Fatal(err)
			}
			got, err := src.Fetch(context.Background(), crawler.Unit{Seed: "lark e-bike", Query: "lark e-bike"})
			if err != nil {
				t.Fatal(err)
			}
			if last.Path != tt.path {
				t.Errorf("path = %s, want %s", last.Path, tt.path)
			}
			if diff := cmp.Diff(tt.params, last.Query()); diff != "" {
				t.Errorf("parameters (-want +got):\n%s", diff)
			}
			if len(got) != tt.texts || got[0].Relevance != tt.rel || got[0].Locale != tt.locale || got[0].Source != tt.kind || got[0].Position != 1 {
				t.Errorf("sightings = %+v; want %d, first relevance %d, locale %q, source %s", got, tt.texts, tt.rel, tt.locale, tt.kind)
			}
		})
	}
}

func TestEngineOptionsAreChecked(t *testing.T) {
	bad := []crawler.Spec{
		{Kind: "google", Options: map[string]string{"client": "netscape"}},
		{Kind: "amazon", Options: map[string]string{"country": "xx"}},
		{Kind: "wikipedia", Options: map[string]string{"lang": "en.evil.example/"}},
		{Kind: "bing", Base: "ftp://x"},
	}
	for _, spec := range bad {
		if _, err := Kinds[spec.Kind](spec, nil); err == nil {
			t.Errorf("%+v accepted", spec)
		}
	}
}

func TestBlockPagesAreRecognised(t *testing.T) {
	var last url.URL
	srv := engineServer(t, "block.html", &last)
	src, err := NewGoogle(crawler.Spec{Kind: "google", Base: srv.URL}, testFetcher(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Fetch(context.Background(), crawler.Unit{Query: "x"}); !errors.Is(err, crawler.ErrBlocked) {
		t.Errorf("Google's unusual-traffic page gave %v, want ErrBlocked", err)
	}
}

func TestRecursion(t *testing.T) {
	answers := map[string][]string{
		"acme":        {"acme router", "acme modem"},
		"acme router": {"acme router setup", "acme modem"},
		"acme modem":  {"acme modem lights"},
	}
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("q")
		asked = append(asked, q)
		if q == "acme modem lights" {
			http.Error(w, "boom", 500)
			return
		}
		b, _ := json.Marshal([]any{q, answers[q]})
		w.Write(b)
	}))
	defer srv.Close()
	src, err := NewOpenSearch(crawler.Spec{Kind: "opensearch", Base: srv.URL + "/?q={q}", Expand: []string{"depth:2"}}, testFetcher(t))
	if err != nil {
		t.Fatal(err)
	}
	units := src.Units([]string{"acme"})
	if len(units) != 2 || units[1].Expansion != "recursion" {
		t.Fatalf("units = %+v, want the bare seed and one recursion unit", units)
	}
	got, err := src.Fetch(context.Background(), units[1])
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, s := range got {
		texts = append(texts, s.Text)
	}
	// Depth 2: the seed's suggestions are asked (level 1), then theirs (level 2); each query once, the
	// failing one skipped.
	if diff := cmp.Diff([]string{"acme router setup", "acme modem", "acme modem lights"}, texts); diff != "" {
		t.Errorf("recursion sightings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"acme", "acme router", "acme modem", "acme router setup", "acme modem lights"}, asked); diff != "" {
		t.Errorf("queries (-want +got):\n%s", diff)
	}
}

func fuzzParser(f *testing.F, p func([]byte) ([]Suggestion, error), fixtures ...string) {
	for _, name := range fixtures {
		f.Add(readFixture(f, name))
	}
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := p(body)
		if err != nil && !errors.Is(err, crawler.ErrParse) {
			t.Fatalf("error %v is not ErrParse", err)
		}
		for _, s := range got {
			if s.Text == "" {
				t.Fatal("an empty suggestion")
			}
		}
	})
}

func FuzzParseGoogleChrome(f *testing.F) {
	fuzzParser(f, ParseGoogleChrome, "google_chrome.json", "google_chrome_mismatch.json")
}
func FuzzParseGoogleToolbar(f *testing.F) {
	fuzzParser(f, ParseGoogleToolbar, "google_toolbar.xml", "google_toolbar_latin1.xml")
}
func FuzzParseJSONP(f *testing.F) { fuzzParser(f, ParseJSONP, "youtube.jsonp") }
func FuzzParseDuckDuckGo(f *testing.F) {
	fuzzParser(f, ParseDuckDuckGo, "ddg_phrase.json", "ddg_list.json")
}
func FuzzParseAmazon(f *testing.F) { fuzzParser(f, ParseAmazon, "amazon.json") }

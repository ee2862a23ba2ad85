package forum

import (
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seServer answers like the API: gzip always, the page's fixture, or an error fixture.
func seServer(t *testing.T, pages map[string]string, seen *[]string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*seen = append(*seen, r.URL.Path+"?"+r.URL.RawQuery)
		name, ok := pages[r.URL.Query().Get("q")+"/"+r.URL.Query().Get("page")]
		status := 200
		if !ok {
			name, status = "se_throttle.json", 400
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		zw := gzip.NewWriter(w)
		zw.Write(fixture(t, name))
		zw.Close()
	}))
}

func newSE(t *testing.T, base string, opts map[string]string) (*StackExchange, *crawler.Fetcher) {
	t.Helper()
	f, err := crawler.NewFetcher(crawler.FetchConfig{Retries: 0, Delay: time.Millisecond}, nil, crawler.NewMetrics(prometheus.NewRegistry()))
	if err != nil {
		t.Fatal(err)
	}
	o := map[string]string{"site": "bicycles"}
	for k, v := range opts {
		o[k] = v
	}
	s, err := NewStackExchange(crawler.Spec{Kind: "stackexchange", Base: base, Options: o}, f)
	if err != nil {
		t.Fatal(err)
	}
	return s, f
}

func TestStackExchangePagesAndBacksOff(t *testing.T) {
	var seen []string
	srv := seServer(t, map[string]string{"lark/1": "se_search_page1.json", "lark/2": "se_search_page2.json"}, &seen)
	defer srv.Close()
	se, _ := newSE(t, srv.URL, map[string]string{"tagged": "e-bike;battery", "pagesize": "2"})
	start := time.Now()
	got, err := se.Fetch(context.Background(), crawler.Unit{Source: "stackexchange", Seed: "lark", Query: "lark"})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 2*time.Second {
		t.Errorf("page 2 was fetched %v after page 1, before the 2 s backoff the API asked for", d)
	}
	if len(seen) != 2 || !strings.Contains(seen[0], "/2.3/search/advanced?") || !strings.Contains(seen[0], "tagged=e-bike%3Bbattery") ||
		!strings.Contains(seen[0], "site=bicycles") || !strings.Contains(seen[1], "page=2") {
		t.Errorf("requests = %v", seen)
	}
	i := func(n int) *int { return &n }
	b := func(v bool) *bool { return &v }
	tm := func(s int64) *time.Time { x := time.Unix(s, 0).UTC(); return &x }
	want := []heed.Sighting{
		{Text: "Why won't my Lark battery charge past 80%?", Source: "stackexchange", URL: "https://bicycles.stackexchange.com/questions/171234/why-won-t-my-lark-battery-charge",
			Seed: "lark", Position: 1, Score: i(5), Answers: i(2), Views: i(1320), Answered: b(true), Accepted: b(true), Created: tm(1757000000)},
		{Text: `<script>alert("xss")</script> Lark Fold hinge creaks`, Source: "stackexchange", URL: "https://bicycles.stackexchange.com/questions/171300/x",
			Seed: "lark", Position: 2, Score: i(-1), Answers: i(0), Views: i(20), Answered: b(false), Accepted: b(false), Created: tm(1757200000)},
		{Text: "Lark Trail brakes squeal & rub", Source: "stackexchange", URL: "https://bicycles.stackexchange.com/questions/171400/y",
			Seed: "lark", Position: 1, Score: i(2), Answers: i(1), Views: i(88), Answered: b(true), Accepted: b(false), Created: tm(1757300000)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sightings (-want +got):\n%s", diff)
	}
}

func TestStackExchangeThrottle(t *testing.T) {
	var seen []string
	srv := seServer(t, nil, &seen)
	defer srv.Close()
	se, _ := newSE(t, srv.URL, nil)
	_, err := se.Fetch(context.Background(), crawler.Unit{Query: "anything"})
	if !errors.Is(err, crawler.ErrRateLimited) || !strings.Contains(err.Error(), "throttle_violation") {
		t.Errorf("a throttle error gave %v, want ErrRateLimited naming throttle_violation", err)
	}
}

func TestStackExchangeStopsAtThePageLimit(t *testing.T) {
	var seen []string
	srv := seServer(t, map[string]string{"lark/1": "se_search_page2.json"}, &seen)
	defer srv.Close()
	// Page 1 says has_more false, so one request; and pages=1 would stop anyway.
	se, _ := newSE(t, srv.URL, map[string]string{"pages": "1"})
	if _, err := se.Fetch(context.Background(), crawler.Unit{Query: "lark"}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 {
		t.Errorf("%d requests, want 1", len(seen))
	}
}

func TestStackExchangeUnits(t *testing.T) {
	se, _ := newSE(t, "", nil)
	if got := se.Units([]string{"a", " ", "b c"}); len(got) != 2 || got[1].Query != "b c" {
		t.Errorf("search units = %+v", got)
	}
	lst, _ := newSE(t, "", map[string]string{"method": "unanswered"})
	if got := lst.Units([]string{"a", "b"}); len(got) != 1 || got[0].Query != "" {
		t.Errorf("unanswered listing units = %+v, want one without a seed", got)
	}
	if !strings.HasPrefix(se.pageURL("x", 1), "https://api.stackexchange.com/2.3/search/advanced?") {
		t.Errorf("default endpoint = %s", se.pageURL("x", 1))
	}
}

func TestNewStackExchangeChecksOptions(t *testing.T) {
	bad := []map[string]string{{}, {"site": "x", "method": "hot"}, {"site": "x", "sort": "random"}, {"site": "x", "pages": "0"}, {"site": "x", "pagesize": "101"}}
	for _, o := range bad {
		if _, err := NewStackExchange(crawler.Spec{Kind: "stackexchange", Options: o}, nil); err == nil {
			t.Errorf("options %v accepted", o)
		}
	}
}

func TestParseStackExchange(t *testing.T) {
	w, err := ParseStackExchange(fixture(t, "se_search_page1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Items) != 2 || w.Bad != 1 || !w.HasMore || w.Backoff != 2 || w.QuotaRemaining != 297 {
		t.Errorf("wrapper = %+v; want 2 items, 1 bad, has_more, backoff 2, quota 297", w)
	}
	if _, err := ParseStackExchange([]byte("<html>")); !errors.Is(err, crawler.ErrParse) {
		t.Errorf("HTML gave %v, want ErrParse", err)
	}
}

func FuzzParseStackExchange(f *testing.F) {
	for _, name := range []string{"se_search_page1.json", "se_search_page2.json", "se_throttle.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"items":[1,"x",null,{}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := ParseStackExchange(body)
		if err != nil {
			if !errors.Is(err, crawler.ErrParse) {
				t.Fatalf("error %v is not ErrParse", err)
			}
			return
		}
		for i, q := range w.Items {
			_ = q.sighting(crawler.Unit{}, i+1)
		}
	})
}

package forum

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

func fetcher(t *testing.T) *crawler.Fetcher {
	f, err := crawler.NewFetcher(crawler.FetchConfig{Retries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		Delay: time.Millisecond, MaxRetryAfter: 5 * time.Second}, nil, crawler.NewMetrics(prometheus.NewRegistry()))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// routes serves fixtures by path and query; it records every request.
type routes struct {
	mu   sync.Mutex
	seen []string
	fn   func(w http.ResponseWriter, r *http.Request) string
}

func (rt *routes) server(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt.mu.Lock()
		rt.seen = append(rt.seen, r.URL.RequestURI())
		rt.mu.Unlock()
		if name := rt.fn(w, r); name != "" {
			w.Write(fixture(t, name))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func texts(ss []heed.Sighting) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Text)
	}
	return out
}

func TestRedditSearchPagesWithAfter(t *testing.T) {
	rt := &routes{fn: func(w http.ResponseWriter, r *http.Request) string {
		if r.URL.Query().Get("after") == "t3_1abc2" {
			w.Header().Set("X-Ratelimit-Remaining", "0")
			w.Header().Set("X-Ratelimit-Reset", "1")
			return "reddit_search_page2.json"
		}
		return "reddit_search_page1.json"
	}}
	srv := rt.server(t)
	src, err := NewReddit(crawler.Spec{Kind: "reddit", Base: srv.URL, Options: map[string]string{"sub": "ebikes"}}, fetcher(t))
	if err != nil {
		t.Fatal(err)
	}
	units := src.Units([]string{"lark"})
	got, err := src.Fetch(context.Background(), units[0])
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Lark Commuter battery stuck at 80% & won't charge", "Anyone fitted a child seat to a Lark Cargo?", "Lark vs Voltway for a 20 km commute?"}
	if diff := cmp.Diff(want, texts(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	first := rt.seen[0]
	for _, p := range []string{"/r/ebikes/search.json?", "q=lark", "restrict_sr=1", "sort=new", "t=week", "raw_json=1", "limit=100"} {
		if !strings.Contains(first, p) {
			t.Errorf("first request %s lacks %s", first, p)
		}
	}
	if len(rt.seen) != 2 || !strings.Contains(rt.seen[1], "after=t3_1abc2") {
		t.Errorf("requests = %v, want a second page with after", rt.seen)
	}
	g := got[0]
	if *g.Score != 41 || *g.Answers != 17 || !*g.Answered || g.Created.Unix() != 1757001234 ||
		g.URL != "https://www.reddit.com/r/ebikes/comments/1abc1/lark_commuter_battery_stuck_at_80/" {
		t.Errorf("evidence = %+v", g)
	}
	if *got[1].Answered {
		t.Error("a post without comments counted as answered")
	}
	// The listing said no request remains for a second: the next fetch to the host waits.
	start := time.Now()
	src.Fetch(context.Background(), crawler.Unit{Query: "again"})
	if d := time.Since(start); d < 800*time.Millisecond {
		t.Errorf("a fetch after X-Ratelimit-Remaining 0 waited only %v", d)
	}
}

func TestRedditUnits(t *testing.T) {
	sub, _ := NewReddit(crawler.Spec{Kind: "reddit", Options: map[string]string{"sub": "ebikes"}}, nil)
	if u := sub.Units(nil); len(u) != 1 || !strings.Contains(sub.pageURL(u[0].Query, ""), "/r/ebikes/new.json?") {
		t.Errorf("a subreddit without seeds: %v %s", u, sub.pageURL("", ""))
	}
	all, _ := NewReddit(crawler.Spec{Kind: "reddit"}, nil)
	if u := all.Units([]string{"a", "b"}); len(u) != 2 || !strings.Contains(all.pageURL("a", ""), "/search.json?") {
		t.Errorf("site-wide search units: %v", u)
	}
	for _, o := range []map[string]string{{"sub": "a/b"}, {"method": "new"}, {"sort": "random"}, {"t": "decade"}, {"limit": "500"}} {
		if _, err := NewReddit(crawler.Spec{Kind: "reddit", Options: o}, nil); err == nil {
			t.Errorf("options %v accepted", o)
		}
	}
}

func TestDiscourseLatestFollowsMoreTopicsURL(t *testing.T) {
	rt := &routes{fn: func(w http.ResponseWriter, r *http.Request) string {
		if r.URL.Path != "/forum/latest.json" {
			http.NotFound(w, r)
			return ""
		}
		if r.URL.Query().Get("page") == "1" {
			return "discourse_latest_page1.json"
		}
		return "discourse_latest_page0.json"
	}}
	srv := rt.server(t)
	src, err := NewDiscourse(crawler.Spec{Kind: "discourse", Base: srv.URL + "/forum/"}, fetcher(t), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	units := src.Units(nil)
	if len(units) != 1 {
		t.Fatalf("units = %v, want latest once", units)
	}
	got, err := src.Fetch(context.Background(), units[0])
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Lark app won't pair after the update", "Battery recycling in the UK?", "Cargo bike &amp; trailer: legal in the UK?"}
	if diff := cmp.Diff(want, texts(got)); diff != "" {
		t.Errorf("(-want +got):\n%s\nrequests %v", diff, rt.seen)
	}
	if rt.seen[1] != "/forum/latest.json?no_definitions=true&page=1" {
		t.Errorf("second request = %s", rt.seen[1])
	}
	g := got[0]
	if *g.Views != 532 || *g.Answers != 2 || !*g.Accepted || *g.Score != 7 || g.URL != srv.URL+"/forum/t/lark-app-wont-pair-after-the-update/101" {
		t.Errorf("evidence = %+v", g)
	}
}

func TestDiscourseSearchAndRateLimit(t *testing.T) {
	var limited sync.Once
	rt := &routes{fn: func(w http.ResponseWriter, r *http.Request) string {
		hit := false
		limited.Do(func() { hit = true })
		if hit {
			w.WriteHeader(http.StatusTooManyRequests)
			return "discourse_rate_limit.json"
		}
		return "discourse_search.json"
	}}
	srv := rt.server(t)
	f, err := crawler.NewFetcher(crawler.FetchConfig{Retries: 0, Delay: time.Millisecond, MaxRetryAfter: 5 * time.Second}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewDiscourse(crawler.Spec{Kind: "discourse", Base: srv.URL}, f, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got, err := src.Fetch(context.Background(), crawler.Unit{Seed: "lark fold", Query: "lark fold"})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 900*time.Millisecond {
		t.Error("the 429's wait_seconds was not waited out")
	}
	if diff := cmp.Diff([]string{"Lark Fold hinge creaks", "Lark Trail range on steep climbs"}, texts(got)); diff != "" {
		t.Errorf("search topics in the order their posts were found (-want +got):\n%s", diff)
	}
	if len(rt.seen) != 2 || !strings.HasPrefix(rt.seen[1], "/search.json?") || !strings.Contains(rt.seen[1], "q=lark+fold") {
		t.Errorf("requests = %v", rt.seen)
	}
}

func TestFeeds(t *testing.T) {
	tests := []struct {
		fixture string
		want    []string
		links   []string
	}{
		{"rss.xml", []string{"Lark Commuter belt slipping & squeaking", "Is the <b>Lark Fold</b> OK on the Tube?"},
			[]string{"https://owners.example/t/belt-slipping/55", "https://owners.example/t/fold-tube/56"}},
		{"atom.xml", []string{"Lark Cargo max load with two kids?"}, []string{"/q/1"}},
		{"rdf_latin1.xml", []string{"Gepäckträger für Lark Cargo"}, []string{"https://forum.example.de/t/1"}},
	}
	for _, tt := range tests {
		items, err := ParseFeed(fixture(t, tt.fixture))
		if err != nil {
			t.Fatalf("%s: %v", tt.fixture, err)
		}
		var got, links []string
		for _, it := range items {
			got, links = append(got, it.Title), append(links, it.Link)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s titles (-want +got):\n%s", tt.fixture, diff)
		}
		if diff := cmp.Diff(tt.links, links); diff != "" {
			t.Errorf("%s links (-want +got):\n%s", tt.fixture, diff)
		}
	}
	for _, bad := range []string{"", "<html><body>x</body></html>", "{}", "<rss><channel><item><title>x"} {
		if items, err := ParseFeed([]byte(bad)); err == nil && len(items) > 0 && bad != "<rss><channel><item><title>x" {
			t.Errorf("ParseFeed(%q) = %v", bad, items)
		}
	}
}

func TestFeedSourceObeysRobotsAndRevalidates(t *testing.T) {
	var full int
	rt := &routes{fn: func(w http.ResponseWriter, r *http.Request) string {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
			return ""
		case "/private/feed.xml":
			t.Error("a feed robots.txt disallows was fetched")
			return ""
		}
		if r.Header.Get("If-None-Match") == `"f1"` {
			w.WriteHeader(http.StatusNotModified)
			return ""
		}
		full++
		w.Header().Set("ETag", `"f1"`)
		return "atom.xml"
	}}
	srv := rt.server(t)
	dir := t.TempDir()
	f, err := crawler.NewFetcher(crawler.FetchConfig{Retries: 0, Delay: time.Millisecond, CacheDir: dir}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := NewFeed(crawler.Spec{Kind: "feed", Base: srv.URL + "/feed.xml"}, f)
	for range 2 {
		got, err := src.Fetch(context.Background(), src.Units(nil)[0])
		if err != nil || len(got) != 1 || got[0].URL != srv.URL+"/q/1" || *got[0].Answers != 0 || got[0].Created == nil {
			t.Fatalf("feed = %+v, %v", got, err)
		}
	}
	if full != 1 {
		t.Errorf("the unchanged feed was downloaded %d times, want once", full)
	}
	private, _ := NewFeed(crawler.Spec{Kind: "feed", Base: srv.URL + "/private/feed.xml"}, f)
	if _, err := private.Fetch(context.Background(), private.Units(nil)[0]); !errors.Is(err, crawler.ErrRobots) {
		t.Errorf("a disallowed feed gave %v, want ErrRobots", err)
	}
	search, _ := NewFeed(crawler.Spec{Kind: "feed", Base: srv.URL + "/search.rss?q={q}"}, f)
	if u := search.Units([]string{"a b"}); len(u) != 1 || u[0].Query != "a b" {
		t.Errorf("a search feed's units = %v", u)
	}
}

func TestHTMLForumWithSelectors(t *testing.T) {
	rt := &routes{fn: func(w http.ResponseWriter, r *http.Request) string {
		if r.URL.Path == "/robots.txt" {
			return ""
		}
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Query().Get("page") == "2" {
			return "forum_page2.html"
		}
		return "forum_page1.html"
	}}
	srv := rt.server(t)
	src, err := NewHTMLForum(crawler.Spec{Kind: "html", Base: srv.URL + "/questions", Options: map[string]string{
		"item": "li.question", "title": "a.title", "votes": ".votes", "answers": ".answers", "views": ".views", "date": "time", "next": "a.next"}}, fetcher(t))
	if err != nil {
		t.Fatal(err)
	}
	got, err := src.Fetch(context.Background(), src.Units(nil)[0])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Lark battery rattles in its cradle", "Best lock for a <Lark> Cargo?", "Lark Trail suspension setup"}, texts(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	g := got[0]
	if g.URL != srv.URL+"/q/11/lark-battery-rattles" || *g.Score != 14 || *g.Answers != 2 || *g.Views != 1200 || g.Created == nil || !*g.Answered {
		t.Errorf("first = %+v", g)
	}
	if *got[1].Score != -1 || *got[1].Answered || got[1].URL != "https://forum.example/q/12" {
		t.Errorf("second = %+v", got[1])
	}
	if len(rt.seen) != 3 { // robots.txt, page 1, page 2; the next link off the host is not followed
		t.Errorf("requests = %v", rt.seen)
	}
	if _, err := NewHTMLForum(crawler.Spec{Kind: "html", Base: srv.URL, Options: map[string]string{"item": "li[["}}, nil); err == nil {
		t.Error("a broken selector was accepted")
	}
	if _, err := NewHTMLForum(crawler.Spec{Kind: "html", Base: srv.URL}, nil); err == nil {
		t.Error("html without an item selector was accepted")
	}
}

func FuzzParseRedditListing(f *testing.F) {
	for _, n := range []string{"reddit_search_page1.json", "reddit_search_page2.json"} {
		f.Add(fixture(f, n))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := ParseRedditListing(b); err != nil && !errors.Is(err, crawler.ErrParse) {
			t.Fatal(err)
		}
	})
}

func FuzzParseDiscourse(f *testing.F) {
	for _, n := range []string{"discourse_latest_page0.json", "discourse_search.json", "discourse_rate_limit.json"} {
		f.Add(fixture(f, n))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := ParseDiscourseLatest(b); err != nil && !errors.Is(err, crawler.ErrParse) {
			t.Fatal(err)
		}
		if _, err := ParseDiscourseSearch(b); err != nil && !errors.Is(err, crawler.ErrParse) {
			t.Fatal(err)
		}
		DiscourseWait(b)
	})
}

func FuzzParseFeed(f *testing.F) {
	for _, n := range []string{"rss.xml", "atom.xml", "rdf_latin1.xml"} {
		f.Add(fixture(f, n))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := ParseFeed(b)
		if err != nil && !errors.Is(err, crawler.ErrParse) {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.Title == "" {
				t.Fatal("an item without a title")
			}
		}
	})
}

func FuzzParseHTMLForum(f *testing.F) {
	for _, n := range []string{"forum_page1.html", "forum_page2.html"} {
		f.Add(fixture(f, n))
	}
	base, _ := url.Parse("https://forum.example/questions")
	sel := HTMLSelectors{Item: "li.question", Title: "a.title", Votes: ".votes", Answers: ".answers", Views: ".views", Date: "time", Next: "a.next"}
	f.Fuzz(func(t *testing.T, b []byte) {
		items, next, err := ParseHTMLForum(base, b, sel)
		if err != nil {
			return
		}
		if next != "" && !strings.HasPrefix(next, "http") {
			t.Fatalf("next %q is not an http(s) URL", next)
		}
		for _, it := range items {
			if it.Title == "" {
				t.Fatal("an item without a title")
			}
		}
	})
}

func FuzzRedditWait(f *testing.F) {
	f.Add("0", "12.5")
	f.Add("NaN", "Inf")
	f.Fuzz(func(t *testing.T, rem, reset string) {
		if d, ok := RedditWait(map[string][]string{"X-Ratelimit-Remaining": {rem}, "X-Ratelimit-Reset": {reset}}); ok && (d <= 0 || d > 24*time.Hour) {
			t.Fatalf("RedditWait(%q, %q) = %v", rem, reset, d)
		}
	})
}

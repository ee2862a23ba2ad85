package main

import (
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fixtureOf reads a captured-shape fixture of a source package.
func fixtureOf(t *testing.T, pkg, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "crawler", pkg, "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loopback serves one source's API from a handler, recording the paths asked.
type loopback struct {
	mu   sync.Mutex
	asks []string
	srv  *httptest.Server
}

func serve(t *testing.T, h func(w http.ResponseWriter, r *http.Request)) *loopback {
	l := &loopback{}
	l.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.asks = append(l.asks, r.URL.RequestURI())
		l.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(l.srv.Close)
	return l
}

func (l *loopback) asked(prefix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, a := range l.asks {
		if strings.HasPrefix(a, prefix) {
			n++
		}
	}
	return n
}

// TestCrawlEveryKind crawls every source kind from loopback servers answering in the real shapes:
// every item is collected, every kind of paging followed, robots.txt obeyed, a 429 with Retry-After
// waited out, and malformed bodies and block pages counted and skipped without losing the rest.
func TestCrawlEveryKind(t *testing.T) {
	t.Setenv("HEED_ZENDESK_TOKEN", "zd-token")
	s := serveEveryKind(t)
	kw := writeFile(t, t.TempDir(), "kw.txt", "lark login\nlark fold weight\n")
	start := time.Now()
	code, out, errs := heedRun(t, "", s.crawlArgs(kw)...)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	bySource := sightingsBySource(jsonLines(t, out))
	want := map[string]int{
		// 4 units (bare, prefix, suffix y, suffix z); y and z fail; the first call is a 429 waited out.
		"google": 2, "google-chrome": 3 * 2, "google-toolbar": 2 * 4, "youtube": 3 * 4, "bing": 3 * 4, "duckduckgo": 2 * 4,
		"amazon": 2 * 4, "wikipedia": 3 * 4,
		"stackexchange": 3, "reddit": 3, "discourse": 3, "feed": 2, "html": 3, "requests": 2,
		"helpdesk": 6,
	}
	if fmt.Sprint(want) != fmt.Sprint(bySource) {
		t.Errorf("sightings by source:\n got %v\nwant %v", bySource, want)
	}
	if time.Since(start) < 900*time.Millisecond {
		t.Error("the 429 with Retry-After: 1 was not waited out")
	}
	if s.google.asked("/complete/search") < 5 {
		t.Errorf("google was asked %d times", s.google.asked("/complete/search"))
	}
	if s.se.asked("/2.3/search/advanced") != 2 || s.reddit.asked("/r/ebikes/search.json") != 2 || s.discourse.asked("/latest.json") != 2 ||
		s.forumSite.asked("/questions") != 2 || s.zendesk.asked("/api/v2/incremental/tickets/cursor.json") != 2 {
		t.Errorf("paging: stackexchange %v, reddit %v, discourse %v, html %v, zendesk %v", s.se.asks, s.reddit.asks, s.discourse.asks, s.forumSite.asks, s.zendesk.asks)
	}
	if s.forumSite.asked("/members/") != 0 {
		t.Error("robots.txt was not obeyed")
	}
	for _, want := range []string{"reason=blocked", "reason=parse", "reason=robots", "units 40, 35 ok, 5 failed"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr does not mention %q:\n%s", want, errs)
		}
	}
}

// everyKind is a loopback server for each source kind TestCrawlEveryKind crawls.
type everyKind struct {
	google, youtube, bing, ddg, amazon, wiki, toolbar *loopback // suggestions
	se, reddit, discourse, forumSite                  *loopback // forums
	zendesk                                           *loopback // help desks
}

func serveEveryKind(t *testing.T) *everyKind {
	s := &everyKind{}
	s.serveSuggestions(t)
	s.serveForums(t)
	s.serveHelpDesk(t)
	return s
}

// serveHelpDesk serves Zendesk's incremental ticket export in two pages (the fixture, then a cursor
// page), to the agent's token only.
func (s *everyKind) serveHelpDesk(t *testing.T) {
	s.zendesk = serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte("agent@lark.example/token:zd-token")) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.URL.Query().Get("cursor") == "c2" {
			fmt.Fprint(w, `{"tickets":[{"id":9,"subject":"Lark helmet sizes","status":"open","via":{"channel":"web"}}],"after_cursor":null,"end_of_stream":true}`)
			return
		}
		page := strings.Replace(string(fixtureOf(t, "imports", "helpdesk/zendesk.json")), `"after_cursor": null`, `"after_cursor": "c2"`, 1)
		fmt.Fprint(w, strings.Replace(page, `"end_of_stream": true`, `"end_of_stream": false`, 1))
	})
}

// serveSuggestions serves the suggestion sources. Google answers its first call with a 429 and
// Retry-After, blocks the expansion ending in z and truncates the one ending in y.
func (s *everyKind) serveSuggestions(t *testing.T) {
	var googleCalls atomic.Int32
	s.google = serve(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("q")
		switch {
		case googleCalls.Add(1) == 1:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		case strings.HasSuffix(q, " z"):
			w.Write(fixtureOf(t, "suggest", "block.html")) // blocked on one expansion: skipped, the rest kept
		case strings.HasSuffix(q, " y"):
			w.Write([]byte(`["lark e-bike y", ["trunc`)) // truncated body
		case r.URL.Query().Get("client") == "chrome":
			w.Write(fixtureOf(t, "suggest", "google_chrome.json"))
		default:
			w.Write([]byte(fmt.Sprintf(`[%q, [%q]]`, q, q+" suggestion")))
		}
	})
	s.youtube = serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fixtureOf(t, "suggest", "youtube.jsonp")) })
	s.bing = serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fixtureOf(t, "suggest", "bing.json")) })
	s.ddg = serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fixtureOf(t, "suggest", "ddg_phrase.json")) })
	s.amazon = serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fixtureOf(t, "suggest", "amazon.json")) })
	s.wiki = serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fixtureOf(t, "suggest", "wikipedia.json")) })
	s.toolbar = serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fixtureOf(t, "suggest", "google_toolbar.xml")) })
}

// serveForums serves the forum sources, each with two pages (Stack Exchange gzipped), and a site with a
// robots.txt that disallows /members/, an RSS feed and an HTML question list.
func (s *everyKind) serveForums(t *testing.T) {
	s.se = serve(t, func(w http.ResponseWriter, r *http.Request) {
		name := "se_search_page1.json"
		if r.URL.Query().Get("page") == "2" {
			name = "se_search_page2.json"
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write([]byte(strings.Replace(string(fixtureOf(t, "forum", name)), `"backoff":2`, `"backoff":0`, 1)))
		zw.Close()
	})
	s.reddit = serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("after") != "" {
			w.Write(fixtureOf(t, "forum", "reddit_search_page2.json"))
			return
		}
		w.Write(fixtureOf(t, "forum", "reddit_search_page1.json"))
	})
	s.discourse = serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "1" {
			w.Write(fixtureOf(t, "forum", "discourse_latest_page1.json"))
			return
		}
		w.Write(fixtureOf(t, "forum", "discourse_latest_page0.json"))
	})
	s.forumSite = serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /members/\n")
		case r.URL.Path == "/feed.xml":
			w.Write(fixtureOf(t, "forum", "rss.xml"))
		case r.URL.Path == "/members/feed.xml":
			t.Error("a feed robots.txt disallows was fetched")
		case r.URL.Path == "/questions" && r.URL.Query().Get("page") == "2":
			w.Write(fixtureOf(t, "forum", "forum_page2.html")) // its next link leaves the host: not followed
		case r.URL.Path == "/questions":
			w.Write(fixtureOf(t, "forum", "forum_page1.html"))
		default:
			http.NotFound(w, r)
		}
	})
}

// crawlArgs are heed crawl's arguments for a crawl of every server, and of the keyword file kw.
func (s *everyKind) crawlArgs(kw string) []string {
	return []string{"crawl", "--seed", "lark e-bike", "--expand", "prefix:best,suffix:y,suffix:z", "--delay", "1ms", "--workers", "4",
		"--source", "google=" + s.google.srv.URL,
		"--source", "google=" + s.google.srv.URL + ";client=chrome;name=google-chrome",
		"--source", "google=" + s.toolbar.srv.URL + ";client=toolbar;name=google-toolbar",
		"--source", "youtube=" + s.youtube.srv.URL,
		"--source", "bing=" + s.bing.srv.URL + ";market=en-GB",
		"--source", "duckduckgo=" + s.ddg.srv.URL,
		"--source", "amazon=" + s.amazon.srv.URL + ";country=uk",
		"--source", "wikipedia=" + s.wiki.srv.URL,
		"--source", "stackexchange=" + s.se.srv.URL + ";site=bicycles;pagesize=2",
		"--source", "reddit=" + s.reddit.srv.URL + ";sub=ebikes",
		"--source", "discourse=" + s.discourse.srv.URL + ";method=latest",
		"--source", "feed=" + s.forumSite.srv.URL + "/feed.xml",
		"--source", "feed=" + s.forumSite.srv.URL + "/members/feed.xml;name=private-feed",
		"--source", "html=" + s.forumSite.srv.URL + "/questions;item=li.question;title=a.title;votes=.votes;answers=.answers;next=a.next",
		"--source", "requests=" + kw,
		"--source", "helpdesk=" + s.zendesk.srv.URL + ";format=zendesk;email=agent@lark.example",
	}
}

// sightingsBySource counts the sightings of each source, by its name when it has one.
func sightingsBySource(lines []map[string]any) map[string]int {
	bySource := map[string]int{}
	for _, l := range lines {
		name := l["source"].(string)
		if n, ok := l["source_name"].(string); ok {
			name = n
		}
		bySource[name]++
	}
	return bySource
}

// TestCrawlWithoutSeeds: a source that asks per seed, given no seed, is a usage error that says what to
// add, not an empty crawl that exits 0; a source read once needs none.
func TestCrawlWithoutSeeds(t *testing.T) {
	kw := writeFile(t, t.TempDir(), "kw.txt", "lark battery\n")
	tests := []struct {
		args []string
		code int
		errs string
	}{
		{[]string{"crawl", "--source", "google=http://127.0.0.1:1"}, exitUsage, "source google asks per seed, and no --seed is given"},
		{[]string{"crawl", "--source", "bing=http://127.0.0.1:1", "--source", "requests=" + kw}, exitUsage, "source bing asks per seed"},
		{[]string{"crawl", "--source", "requests=" + kw}, exitOK, "1 sightings"},
	}
	for _, tt := range tests {
		code, _, errs := heedRun(t, "", tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.errs) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s", tt.args, code, tt.code, tt.errs, errs)
		}
	}
}

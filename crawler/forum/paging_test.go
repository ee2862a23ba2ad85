package forum

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed/crawler"
)

// countingFetcher is a fetcher whose metrics go to a registry, and its warnings to a buffer, the test reads.
func countingFetcher(t *testing.T) (*crawler.Fetcher, *prometheus.Registry, *syncBuffer) {
	t.Helper()
	reg := prometheus.NewRegistry()
	logs := &syncBuffer{}
	f, err := crawler.NewFetcher(crawler.FetchConfig{Retries: 0, Delay: time.Millisecond, MaxRetryAfter: 5 * time.Second},
		slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})), crawler.NewMetrics(reg))
	if err != nil {
		t.Fatal(err)
	}
	return f, reg, logs
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// counter reads the counter name{labels} from reg; 0 when it was never set.
func counter(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue metrics
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

// seItems is a Stack Exchange API page holding questions with the given titles.
func seItems(backoff int, hasMore bool, titles ...string) string {
	var items []string
	for i, title := range titles {
		items = append(items, fmt.Sprintf(`{"question_id":%d,"title":%q,"link":"https://q.example/%d"}`, 100+i, title, 100+i))
	}
	extra := ""
	if backoff > 0 {
		extra = fmt.Sprintf(`,"backoff":%d`, backoff)
	}
	return fmt.Sprintf(`{"items":[%s],"has_more":%t,"quota_max":300,"quota_remaining":200%s}`, strings.Join(items, ","), hasMore, extra)
}

func discourseLatest(more string, titles ...string) string {
	var topics []string
	for i, title := range titles {
		topics = append(topics, fmt.Sprintf(`{"id":%d,"title":%q,"slug":"t%d"}`, 100+i, title, i))
	}
	m := ""
	if more != "" {
		m = fmt.Sprintf(`,"more_topics_url":%q`, more)
	}
	return fmt.Sprintf(`{"topic_list":{"topics":[%s]%s}}`, strings.Join(topics, ","), m)
}

func redditListing(after string, titles ...string) string {
	var children []string
	for i, title := range titles {
		children = append(children, fmt.Sprintf(`{"kind":"t3","data":{"id":"p%d","title":%q,"permalink":"/r/x/comments/p%d/"}}`, i, title, i))
	}
	a := "null"
	if after != "" {
		a = fmt.Sprintf("%q", after)
	}
	return fmt.Sprintf(`{"kind":"Listing","data":{"after":%s,"children":[%s]}}`, a, strings.Join(children, ","))
}

// laterPageFailure is a paging source whose later page fails, and what it must still return.
type laterPageFailure struct {
	name string
	// serve answers one request; it writes the status and headers itself and returns the body.
	serve func(w http.ResponseWriter, r *http.Request) string
	// source builds the source against the server.
	source func(base string, f *crawler.Fetcher) (crawler.Source, error)
	unit   crawler.Unit
	want   []string
	reason string // the counted reason of the failed page
	never  string // a request that must not be made
}

// stackExchangeAt and redditAt build the sources of several laterPageFailures against a test server.
func stackExchangeAt(base string, f *crawler.Fetcher) (crawler.Source, error) {
	return NewStackExchange(crawler.Spec{Kind: "stackexchange", Name: "se", Base: base, Options: map[string]string{"site": "bicycles"}}, f)
}

func redditAt(base string, f *crawler.Fetcher) (crawler.Source, error) {
	return NewReddit(crawler.Spec{Kind: "reddit", Name: "sub", Base: base, Options: map[string]string{"sub": "ebikes"}}, f)
}

// laterPageFailures are the cases of TestPagingKeepsEarlierPagesWhenALaterPageFails.
var laterPageFailures = []laterPageFailure{
	{
		name: "discourse 429 with a wait longer than heed waits, on page 3",
		serve: func(w http.ResponseWriter, r *http.Request) string {
			switch r.URL.Query().Get("page") {
			case "0":
				return discourseLatest("/latest?page=1", "d one", "d two")
			case "1":
				return discourseLatest("/latest?page=2", "d three")
			}
			w.Header().Set("Retry-After", "86400")
			w.WriteHeader(http.StatusTooManyRequests)
			return `{"error_type":"rate_limit","extras":{"wait_seconds":86400}}`
		},
		source: func(base string, f *crawler.Fetcher) (crawler.Source, error) {
			return NewDiscourse(crawler.Spec{Kind: "discourse", Name: "forum", Base: base}, f, 5*time.Second)
		},
		want:   []string{"d one", "d two", "d three"},
		reason: "page_rate_limited",
	},
	{
		name: "stackexchange backoff longer than heed waits, on page 2",
		serve: func(w http.ResponseWriter, r *http.Request) string {
			switch r.URL.Query().Get("page") {
			case "1":
				return seItems(0, true, "s one", "s two")
			case "2":
				return seItems(86400, true, "s three")
			}
			return seItems(0, false, "s four: after the backoff, must not be read")
		},
		source: stackExchangeAt,
		unit:   crawler.Unit{Seed: "lark", Query: "lark"},
		want:   []string{"s one", "s two", "s three"},
		reason: "page_rate_limited",
		never:  "page=3",
	},
	{
		name: "stackexchange throttle_violation on page 2",
		serve: func(w http.ResponseWriter, r *http.Request) string {
			if r.URL.Query().Get("page") == "1" {
				return seItems(0, true, "s one")
			}
			w.WriteHeader(http.StatusBadRequest)
			return `{"error_id":502,"error_name":"throttle_violation","error_message":"too many requests"}`
		},
		source: stackExchangeAt,
		unit:   crawler.Unit{Seed: "lark", Query: "lark"},
		want:   []string{"s one"},
		reason: "page_rate_limited",
	},
	{
		name: "reddit reset longer than heed waits, after page 1",
		serve: func(w http.ResponseWriter, r *http.Request) string {
			if r.URL.Query().Get("after") == "" {
				w.Header().Set("X-Ratelimit-Remaining", "0")
				w.Header().Set("X-Ratelimit-Reset", "3600")
				return redditListing("t3_p1", "r one", "r two")
			}
			return redditListing("", "r three: after the reset, must not be read")
		},
		source: redditAt,
		unit:   crawler.Unit{Seed: "lark", Query: "lark"},
		want:   []string{"r one", "r two"},
		reason: "page_rate_limited",
		never:  "after=",
	},
	{
		name: "reddit 5xx on page 2",
		serve: func(w http.ResponseWriter, r *http.Request) string {
			if r.URL.Query().Get("after") == "" {
				return redditListing("t3_p1", "r one")
			}
			w.WriteHeader(http.StatusBadGateway)
			return "bad gateway"
		},
		source: redditAt,
		unit:   crawler.Unit{Seed: "lark", Query: "lark"},
		want:   []string{"r one"},
		reason: "page_http_5xx",
	},
	{
		name: "html forum 5xx on page 2",
		serve: func(w http.ResponseWriter, r *http.Request) string {
			switch {
			case r.URL.Path == "/robots.txt":
				return ""
			case r.URL.Query().Get("page") == "":
				w.Header().Set("Content-Type", "text/html")
				return `<ul><li class="q"><a href="/q/1">h one</a></li></ul><a class="next" href="/questions?page=2">next</a>`
			}
			w.WriteHeader(http.StatusInternalServerError)
			return "oops"
		},
		source: func(base string, f *crawler.Fetcher) (crawler.Source, error) {
			return NewHTMLForum(crawler.Spec{Kind: "html", Name: "board", Base: base + "/questions", Options: map[string]string{"item": "li.q", "next": "a.next"}}, f)
		},
		want:   []string{"h one"},
		reason: "page_http_5xx",
	},
}

// A paging source keeps the pages it has read when a later page fails: the unit succeeds with them, and
// the failed page is counted by its reason (heed_crawl_items_skipped_total{reason="page_<reason>"}).
// Only a failing first page fails the unit.
func TestPagingKeepsEarlierPagesWhenALaterPageFails(t *testing.T) {
	for _, tt := range laterPageFailures {
		t.Run(tt.name, func(t *testing.T) { checkLaterPageFailure(t, tt) })
	}
}

// checkLaterPageFailure fetches tt's unit from its source against a server answering as tt says, and
// checks the sightings, the counted failed page, its warning and the requests never made.
func checkLaterPageFailure(t *testing.T, tt laterPageFailure) {
	rt := &routes{fn: func(w http.ResponseWriter, r *http.Request) string {
		body := tt.serve(w, r)
		fmt.Fprint(w, body)
		return ""
	}}
	srv := rt.server(t)
	f, reg, logs := countingFetcher(t)
	src, err := tt.source(srv.URL, f)
	if err != nil {
		t.Fatal(err)
	}
	u := tt.unit
	u.Source = src.Name()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	got, err := src.Fetch(ctx, u)
	if err != nil {
		t.Fatalf("Fetch = %v; want the pages read before the failing one, and no error", err)
	}
	if diff := cmp.Diff(tt.want, texts(got)); diff != "" {
		t.Errorf("sightings (-want +got):\n%s\nrequests %v", diff, rt.seen)
	}
	if n := counter(t, reg, "heed_crawl_items_skipped_total", map[string]string{"source": src.Name(), "reason": tt.reason}); n != 1 {
		t.Errorf("heed_crawl_items_skipped_total{source=%q, reason=%q} = %v, want 1 failed page", src.Name(), tt.reason, n)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "reason="+tt.reason) {
		t.Errorf("no warning of the failed page %s in the log:\n%s", tt.reason, logs)
	}
	for _, s := range rt.seen {
		if tt.never != "" && strings.Contains(s, tt.never) {
			t.Errorf("requested %s although the source asked heed to wait longer than it does", s)
		}
	}
}

// A failing first page fails the unit, so that the next run tries it again.
func TestPagingFailsTheUnitWhenTheFirstPageFails(t *testing.T) {
	rt := &routes{fn: func(w http.ResponseWriter, r *http.Request) string {
		w.WriteHeader(http.StatusServiceUnavailable)
		return ""
	}}
	srv := rt.server(t)
	f, _, _ := countingFetcher(t)
	se, _ := NewStackExchange(crawler.Spec{Kind: "stackexchange", Base: srv.URL, Options: map[string]string{"site": "bicycles"}}, f)
	dc, _ := NewDiscourse(crawler.Spec{Kind: "discourse", Base: srv.URL}, f, time.Second)
	rd, _ := NewReddit(crawler.Spec{Kind: "reddit", Base: srv.URL, Options: map[string]string{"sub": "x"}}, f)
	for _, src := range []crawler.Source{se, dc, rd} {
		got, err := src.Fetch(context.Background(), crawler.Unit{Source: src.Name(), Seed: "a", Query: "a"})
		var he *crawler.HTTPError
		if !errors.As(err, &he) || he.Status != http.StatusServiceUnavailable || got != nil {
			t.Errorf("%s: Fetch = %v, %v; want no sightings and the HTTP 503", src.Name(), got, err)
		}
	}
}

// A Stack Exchange backoff pauses the API (its /2.3/ methods), not the other sources on the same host:
// in loopback setups every stand-in shares one host and port.
func TestStackExchangeBackoffPausesOnlyTheAPI(t *testing.T) {
	rt := &routes{fn: func(w http.ResponseWriter, r *http.Request) string {
		switch {
		case strings.HasPrefix(r.URL.Path, "/2.3/"):
			fmt.Fprint(w, seItems(86400, false, "s one"))
		case r.URL.Path == "/forum/latest.json":
			fmt.Fprint(w, discourseLatest("", "d one"))
		default:
			http.NotFound(w, r)
		}
		return ""
	}}
	srv := rt.server(t)
	f, _, _ := countingFetcher(t)
	se, err := NewStackExchange(crawler.Spec{Kind: "stackexchange", Base: srv.URL, Options: map[string]string{"site": "bicycles"}}, f)
	if err != nil {
		t.Fatal(err)
	}
	dc, err := NewDiscourse(crawler.Spec{Kind: "discourse", Base: srv.URL + "/forum"}, f, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := se.Fetch(context.Background(), crawler.Unit{Seed: "a", Query: "a"}); err != nil || len(got) != 1 {
		t.Fatalf("first Stack Exchange fetch = %v, %v", texts(got), err)
	}
	start := time.Now()
	got, err := dc.Fetch(context.Background(), dc.Units(nil)[0])
	if err != nil || len(got) != 1 {
		t.Errorf("Discourse on the same host after a Stack Exchange backoff = %v, %v; want its topic", texts(got), err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Discourse on the same host waited %v for Stack Exchange's backoff", d)
	}
	if _, err := se.Fetch(context.Background(), crawler.Unit{Seed: "b", Query: "b"}); !errors.Is(err, crawler.ErrRateLimited) {
		t.Errorf("Stack Exchange within its day-long backoff gave %v, want ErrRateLimited", err)
	}
}

// A run that ends while a later page is read fails the unit: what was read could not be stored anyway,
// and the unit stays to be done by the run that resumes this one.
func TestPagingFailsTheUnitWhenTheRunEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt := &routes{fn: func(w http.ResponseWriter, r *http.Request) string {
		if r.URL.Query().Get("page") == "1" {
			fmt.Fprint(w, seItems(0, true, "s one"))
			return ""
		}
		cancel()
		<-r.Context().Done()
		return ""
	}}
	srv := rt.server(t)
	f, reg, _ := countingFetcher(t)
	se, _ := NewStackExchange(crawler.Spec{Kind: "stackexchange", Base: srv.URL, Options: map[string]string{"site": "bicycles"}}, f)
	got, err := se.Fetch(ctx, crawler.Unit{Source: se.Name(), Seed: "a", Query: "a"})
	if !errors.Is(err, context.Canceled) || got != nil {
		t.Errorf("Fetch = %v, %v; want no sightings and context.Canceled", texts(got), err)
	}
	if n := counter(t, reg, "heed_crawl_items_skipped_total", map[string]string{"source": se.Name()}); n != 0 {
		t.Errorf("the canceled page was counted as a failed page (%v)", n)
	}
}

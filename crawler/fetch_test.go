package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func testFetcher(t *testing.T, mod func(*FetchConfig)) (*Fetcher, *Metrics) {
	t.Helper()
	cfg := FetchConfig{Timeout: 5 * time.Second, Retries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		MaxRetryAfter: 2 * time.Second, Parallel: 4, Delay: 0, MaxBody: 1 << 20}
	if mod != nil {
		mod(&cfg)
	}
	m := NewMetrics(prometheus.NewRegistry())
	f, err := NewFetcher(cfg, nil, m)
	if err != nil {
		t.Fatal(err)
	}
	return f, m
}

func TestFetchRetriesServerErrors(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	f, m := testFetcher(t, nil)
	resp, err := f.Get(context.Background(), srv.URL+"/x", GetOptions{Source: "s"})
	if err != nil || resp.Status != 200 || string(resp.Body) != "ok" {
		t.Fatalf("Get = %+v, %v; want 200 ok after retries", resp, err)
	}
	if got := testutil.ToFloat64(m.retries.WithLabelValues("s")); got != 2 {
		t.Errorf("retries counted = %v, want 2", got)
	}
}

func TestFetchHonoursRetryAfter(t *testing.T) {
	var calls atomic.Int32
	var first time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		if since := time.Since(first); since < 900*time.Millisecond {
			t.Errorf("retried after %v, before the 1 s Retry-After", since)
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	f, m := testFetcher(t, nil)
	resp, err := f.Get(context.Background(), srv.URL, GetOptions{Source: "s"})
	if err != nil || resp.Status != 200 {
		t.Fatalf("Get = %+v, %v", resp, err)
	}
	if got := testutil.ToFloat64(m.waits.WithLabelValues("s")); got != 1 {
		t.Errorf("rate-limit wait counted = %v s, want 1", got)
	}
}

func TestFetchGivesUpOnPersistent429(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	f, _ := testFetcher(t, nil)
	resp, err := f.Get(context.Background(), srv.URL, GetOptions{Source: "s"})
	if err != nil {
		t.Fatalf("Get: %v; want the last 429 response", err)
	}
	err = CheckStatus(resp)
	if !errors.Is(err, ErrRateLimited) || Reason(err) != "rate_limited" {
		t.Errorf("CheckStatus(429) = %v, reason %s; want rate limited", err, Reason(err))
	}
}

func TestFetchObeysRobotsWhenAsked(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.Write([]byte("User-agent: *\nDisallow: /private\n"))
			return
		}
		w.Write([]byte("page"))
	}))
	defer srv.Close()
	f, _ := testFetcher(t, nil)
	if _, err := f.Get(context.Background(), srv.URL+"/private/x", GetOptions{Robots: true}); !errors.Is(err, ErrRobots) {
		t.Errorf("Get of a disallowed page = %v, want ErrRobots", err)
	}
	if _, err := f.Get(context.Background(), srv.URL+"/public", GetOptions{Robots: true}); err != nil {
		t.Errorf("Get of an allowed page: %v", err)
	}
	if _, err := f.Get(context.Background(), srv.URL+"/private/x", GetOptions{Robots: false}); err != nil {
		t.Errorf("an API fetch (robots not asked) was refused: %v", err)
	}
}

func TestFetchBoundsBodies(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bytes.Repeat([]byte("a"), 50<<20)) // 50 MiB of "a": a gzip bomb of ~50 KiB
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Write(bytes.Repeat([]byte("b"), 3<<20))
		case "/bomb.xml.gz":
			w.Header().Set("Content-Type", "application/gzip")
			w.Write(gz.Bytes())
		case "/bomb-encoded":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz.Bytes())
		}
	}))
	defer srv.Close()
	f, _ := testFetcher(t, func(c *FetchConfig) { c.MaxBody = 1 << 20 })
	for _, p := range []string{"/big", "/bomb.xml.gz", "/bomb-encoded"} {
		resp, err := f.Get(context.Background(), srv.URL+p, GetOptions{})
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("Get(%s) error = %v, want ErrTooLarge", p, err)
		}
		if resp != nil && len(resp.Body) > 1<<20 {
			t.Errorf("Get(%s) kept %d bytes, over the 1 MiB limit", p, len(resp.Body))
		}
	}
}

func TestFetchPauseDelaysTheHost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	f, _ := testFetcher(t, nil)
	host := strings.TrimPrefix(srv.URL, "http://")
	f.Pause(host, 300*time.Millisecond, "s")
	start := time.Now()
	if _, err := f.Get(context.Background(), srv.URL, GetOptions{Source: "s"}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("fetch after a 300 ms pause took %v", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.Pause(host, time.Hour, "s")
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if _, err := f.Get(ctx, srv.URL, GetOptions{Source: "s"}); err == nil {
		t.Error("a fetch waiting out a pause did not stop when its context ended")
	}
}

func TestFetchSendsUserAgent(t *testing.T) {
	var ua string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ua = r.UserAgent() }))
	defer srv.Close()
	t.Setenv("COLLY_USER_AGENT", "overridden-by-env")
	f, _ := testFetcher(t, nil)
	if _, err := f.Get(context.Background(), srv.URL, GetOptions{}); err != nil {
		t.Fatal(err)
	}
	if ua != DefaultUserAgent {
		t.Errorf("User-Agent = %q, want %q (COLLY_* variables must not override heed)", ua, DefaultUserAgent)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{"Thu, 01 Jan 2026 00:00:30 GMT", 30 * time.Second, true},
		{"Wed, 31 Dec 2025 00:00:00 GMT", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{"99999999", 24 * time.Hour, true},
		{"Thu, 01 Jan 2170 00:00:00 GMT", 24 * time.Hour, true},
	}
	for _, tt := range tests {
		h := http.Header{}
		h.Set("Retry-After", tt.v)
		got, ok := RetryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRedact(t *testing.T) {
	got := Redact("https://api.stackexchange.com/2.3/search?q=x&key=SECRET&access_token=T")
	if strings.Contains(got, "SECRET") || strings.Contains(got, "=T") || !strings.Contains(got, "q=x") {
		t.Errorf("Redact = %q", got)
	}
}

func TestFetchRevalidatesWithValidators(t *testing.T) {
	var full, notModified atomic.Int32
	version := "v1"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		etag := `"` + version + `"`
		if r.Header.Get("If-None-Match") == etag {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<p>" + version + "</p>"))
	}))
	defer srv.Close()
	dir := t.TempDir()
	f, m := testFetcher(t, func(c *FetchConfig) { c.CacheDir = dir })
	get := func() *Response {
		resp, err := f.Get(context.Background(), srv.URL+"/page", GetOptions{Source: "site", Revalidate: true})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if r := get(); r.Cached || string(r.Body) != "<p>v1</p>" {
		t.Fatalf("first fetch = %+v", r)
	}
	// A second fetcher (the next run) with the same cache asks, and gets the kept copy back.
	f, m = testFetcher(t, func(c *FetchConfig) { c.CacheDir = dir })
	r := get()
	if !r.Cached || r.Status != 200 || string(r.Body) != "<p>v1</p>" || r.Header.Get("Content-Type") != "text/html" {
		t.Fatalf("revalidated fetch = %+v", r)
	}
	if full.Load() != 1 || notModified.Load() != 1 {
		t.Errorf("server sent %d full responses and %d 304s, want 1 and 1", full.Load(), notModified.Load())
	}
	if got := testutil.ToFloat64(m.cache.WithLabelValues("site", "not_modified")); got != 1 {
		t.Errorf("revalidations counted = %v, want 1", got)
	}
	version = "v2"
	if r := get(); r.Cached || string(r.Body) != "<p>v2</p>" {
		t.Errorf("a changed page came back as %+v", r)
	}
	// Without Revalidate (an API), nothing is asked or kept.
	resp, err := f.Get(context.Background(), srv.URL+"/api", GetOptions{Source: "api"})
	if err != nil || resp.Cached {
		t.Errorf("an API fetch used the cache: %+v %v", resp, err)
	}
}

func TestFetchDefersAHostThatAsksForTooLong(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	f, _ := testFetcher(t, func(c *FetchConfig) { c.MaxRetryAfter = time.Second })
	start := time.Now()
	resp, err := f.Get(context.Background(), srv.URL, GetOptions{Source: "s"})
	if err != nil || resp.Status != 429 {
		t.Fatalf("Get = %+v, %v; want the 429 back", resp, err)
	}
	if d := time.Since(start); d > 500*time.Millisecond || calls.Load() != 1 {
		t.Errorf("a Retry-After of an hour was waited for (%v, %d calls); it must be deferred at once", d, calls.Load())
	}
	// A source's own backoff signal beyond the limit defers the host too.
	host := strings.TrimPrefix(srv.URL, "http://")
	f.Pause(host, time.Hour, "s")
	if _, err := f.Get(context.Background(), srv.URL, GetOptions{Source: "s"}); !errors.Is(err, ErrRateLimited) {
		t.Errorf("a fetch to a deferred host gave %v, want ErrRateLimited", err)
	}
}

func TestPerHostRateLimitHolds(t *testing.T) {
	var mu sync.Mutex
	var inFlight, maxInFlight int
	var starts []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		maxInFlight = max(maxInFlight, inFlight)
		starts = append(starts, time.Now())
		mu.Unlock()
		time.Sleep(10 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	const n, delay = 8, 50 * time.Millisecond
	f, _ := testFetcher(t, func(c *FetchConfig) {
		c.Parallel, c.Delay = 8, 0
		c.Hosts = map[string]HostLimit{host: {Parallel: 1, Delay: delay}}
	})
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.Get(context.Background(), srv.URL, GetOptions{})
		}()
	}
	wg.Wait()
	if maxInFlight != 1 {
		t.Errorf("%d requests were in flight at once to a host limited to 1", maxInFlight)
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < delay {
			t.Errorf("requests %d and %d started %v apart, under the %v delay", i, i+1, gap, delay)
		}
	}
	if total := starts[len(starts)-1].Sub(starts[0]); total < (n-1)*delay {
		t.Errorf("%d requests took %v, faster than %v allows", n, total, (n-1)*delay)
	}
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"120", "Thu, 01 Jan 2026 00:00:30 GMT", "-1", "", "1e9"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		h := http.Header{}
		h.Set("Retry-After", v)
		if d, ok := RetryAfter(h, now); ok && (d < 0 || d > 24*time.Hour) {
			t.Fatalf("RetryAfter(%q) = %v", v, d)
		}
	})
}

// TestNoRetryForAnUnknownHost: a host name that does not resolve is not asked again (a retry only
// delays the error); a resolver's timeout and a refused connection are.
func TestNoRetryForAnUnknownHost(t *testing.T) {
	f, _ := testFetcher(t, nil)
	tests := []struct {
		name  string
		err   error
		retry bool
	}{
		{"no such host", &url.Error{Op: "Get", URL: "http://nohost.invalid/", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "nohost.invalid", IsNotFound: true}}}, false},
		{"resolver timed out", &url.Error{Op: "Get", URL: "http://slow.example/", Err: &net.DNSError{Err: "i/o timeout", Name: "slow.example", IsTimeout: true}}, true},
		{"connection refused", &url.Error{Op: "Get", URL: "http://127.0.0.1:1/", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, true},
	}
	for _, tt := range tests {
		if retry, _ := f.checkRetry(context.Background(), nil, tt.err); retry != tt.retry {
			t.Errorf("%s: retry %v, want %v", tt.name, retry, tt.retry)
		}
	}
}

// TestPostSendsItsBodyOnEveryTry: a POST (Search Console's query) carries its JSON body, and a retry
// after a 429 carries it again.
func TestPostSendsItsBodyOnEveryTry(t *testing.T) {
	var bodies []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.Method+" "+r.Header.Get("Content-Type")+" "+string(b))
		n := len(bodies)
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, `{"rows":[]}`)
	}))
	defer srv.Close()
	f, _ := testFetcher(t, func(c *FetchConfig) {
		c.Retries = 2
		c.RetryWaitMin = time.Millisecond
		c.Trusted = []string{"127.0.0.1"}
	})
	resp, err := f.Get(context.Background(), srv.URL+"/query", GetOptions{Source: "sc", Method: http.MethodPost, Body: []byte(`{"startRow":0}`)})
	if err != nil || resp.Status != 200 {
		t.Fatalf("post: %v %v", resp, err)
	}
	want := []string{`POST application/json {"startRow":0}`, `POST application/json {"startRow":0}`}
	if diff := cmp.Diff(want, bodies); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

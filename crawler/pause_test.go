package crawler

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A pause applies to the scope a source names: a URL prefix (the API's methods, one forum) or a bare host.
// Other paths of the same host are not held back by it.
func TestPauseIsScopedToAURLPrefix(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	const deferred, free = "deferred", "free"
	tests := []struct {
		name  string
		scope string
		path  string
		want  string
	}{
		{"under the prefix", srv.URL + "/2.3/", "/2.3/search/advanced?site=x&page=2", deferred},
		{"another path of the host", srv.URL + "/2.3/", "/forum/latest.json?page=0", free},
		{"the host's root", srv.URL + "/2.3/", "/", free},
		{"a prefix without a trailing slash covers its folder", srv.URL + "/forum", "/forum/latest.json", deferred},
		{"a prefix without a trailing slash covers itself", srv.URL + "/forum", "/forum?page=1", deferred},
		{"but not a longer name", srv.URL + "/forum", "/forum2/latest.json", free},
		{"the scheme and host are case-insensitive", "HTTP://" + strings.ToUpper(host) + "/2.3/", "/2.3/questions", deferred},
		{"another scheme", "https://" + host + "/2.3/", "/2.3/questions", free},
		{"another host", "http://api.stackexchange.com/2.3/", "/2.3/questions", free},
		{"a bare host pauses every path", host, "/forum/latest.json", deferred},
		{"a whole origin pauses every path", srv.URL, "/anything", deferred},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := testFetcher(t, func(c *FetchConfig) { c.MaxRetryAfter = time.Second; c.Retries = 0 })
			f.Pause(tt.scope, time.Hour, "s")
			start := time.Now()
			_, err := f.Get(context.Background(), srv.URL+tt.path, GetOptions{Source: "s"})
			got := free
			if errors.Is(err, ErrRateLimited) {
				got = deferred
			} else if err != nil {
				t.Fatalf("Get = %v", err)
			}
			if got != tt.want {
				t.Errorf("Get %s after an hour's pause of %s: %s, want %s (%v)", tt.path, tt.scope, got, tt.want, err)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("Get took %v: a deferral fails at once and a free path does not wait", d)
			}
		})
	}
}

// A pause within MaxRetryAfter is waited out by the paused scope only.
func TestPauseWithinTheLimitWaitsOnlyItsScope(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	f, _ := testFetcher(t, nil)
	f.Pause(srv.URL+"/2.3/", 400*time.Millisecond, "se")
	start := time.Now()
	if _, err := f.Get(context.Background(), srv.URL+"/latest.json", GetOptions{Source: "forum"}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("a path outside the paused prefix waited %v", d)
	}
	if _, err := f.Get(context.Background(), srv.URL+"/2.3/questions", GetOptions{Source: "se"}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 350*time.Millisecond {
		t.Errorf("a path under the paused prefix was fetched after %v, before its 400 ms pause ended", d)
	}
	// The longest of the pauses that cover a URL holds: the host's and the prefix's.
	f.Pause(srv.URL+"/2.3/", time.Hour, "se")
	f.Pause(strings.TrimPrefix(srv.URL, "http://"), 300*time.Millisecond, "se")
	if _, err := f.Get(context.Background(), srv.URL+"/2.3/questions", GetOptions{Source: "se"}); !errors.Is(err, ErrRateLimited) {
		t.Errorf("under an hour's prefix pause and a short host pause: %v, want ErrRateLimited", err)
	}
}

package crawler

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

func TestPrivate(t *testing.T) {
	for _, tt := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1", true}, {"::1", true}, {"10.1.2.3", true}, {"172.16.0.9", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"fe80::1", true}, {"100.64.0.1", true}, {"0.0.0.0", true}, {"::ffff:127.0.0.1", true},
		{"93.184.216.34", false}, {"2606:2800:220:1::", false}, {"8.8.8.8", false},
	} {
		if got := private(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("private(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

// TestRedirectToAPrivateAddressIsRefused: a configured source on loopback may be fetched, but its
// redirect to another host on a private address (the cloud metadata address, localhost under another
// name) is refused before any connection is made; a host the configuration trusts is allowed.
func TestRedirectToAPrivateAddressIsRefused(t *testing.T) {
	var inner atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner.Add(1)
		w.Write([]byte("secret"))
	}))
	defer target.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(target.URL, "http://"))
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		case "/localhost":
			http.Redirect(w, r, "http://localhost:"+port+"/admin", http.StatusFound)
		case "/same":
			http.Redirect(w, r, "/ok", http.StatusFound)
		default:
			w.Write([]byte("ok"))
		}
	}))
	defer src.Close()
	f, _ := testFetcher(t, nil)
	for _, path := range []string{"/metadata", "/localhost"} {
		_, err := f.Get(context.Background(), src.URL+path, GetOptions{Source: "s"})
		if !errors.Is(err, ErrForbiddenHost) {
			t.Errorf("%s: %v, want ErrForbiddenHost", path, err)
		}
	}
	if inner.Load() != 0 {
		t.Errorf("the private target was reached %d times", inner.Load())
	}
	// The configured host itself, and a redirect within it, are fine.
	resp, err := f.Get(context.Background(), src.URL+"/same", GetOptions{Source: "s"})
	if err != nil || string(resp.Body) != "ok" {
		t.Errorf("same-host redirect: %v", err)
	}
	// A host the configuration trusts may be private.
	trusting, _ := testFetcher(t, func(c *FetchConfig) { c.Trusted = []string{"localhost:" + port} })
	resp, err = trusting.Get(context.Background(), src.URL+"/localhost", GetOptions{Source: "s"})
	if err != nil || string(resp.Body) != "secret" {
		t.Errorf("trusted host: %v", err)
	}
}

// TestDNSAnswersArePinned: a name that resolves to a private address is refused, with the address the
// check saw being the one that would be dialled.
func TestDNSAnswersArePinned(t *testing.T) {
	g := newGuard(nil)
	g.resolve = func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("10.0.0.5")}, nil
	}
	dial := g.dialContext(&net.Dialer{})
	_, err := dial(withOrigin(context.Background(), "public.example"), "tcp", "rebind.example:80")
	if !errors.Is(err, ErrForbiddenHost) {
		t.Errorf("rebinding name: %v, want ErrForbiddenHost", err)
	}
}

// listenOn starts a test server on ip (a loopback address other than 127.0.0.1 where the system allows
// it); the test is skipped where it cannot bind.
func listenOn(t *testing.T, ip string, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// TestRedirectOverAPooledConnectionIsRefused: a host the configuration named for one fetch (so that a
// keep-alive connection to it is pooled) is still refused as the target of another fetch's redirect:
// the guard checks every request, not only the dial of a new connection.
func TestRedirectOverAPooledConnectionIsRefused(t *testing.T) {
	tests := []struct {
		name   string
		target func(t *testing.T, h http.Handler) string // base URL of the private target
	}{
		{"host name", func(t *testing.T, h http.Handler) string {
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
			return "http://localhost:" + port
		}},
		{"IP literal", func(t *testing.T, h http.Handler) string {
			return listenOn(t, "127.0.0.2", h).URL
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var direct, redirected atomic.Int32
			target := tt.target(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/secret" {
					redirected.Add(1)
				} else {
					direct.Add(1)
				}
				w.Write([]byte("secret"))
			}))
			src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target+"/secret", http.StatusFound)
			}))
			defer src.Close()
			f, _ := testFetcher(t, nil)
			// The target as a configured source: fetched, and its connection kept alive.
			if resp, err := f.Get(context.Background(), target+"/page", GetOptions{Source: "b"}); err != nil || string(resp.Body) != "secret" {
				t.Fatalf("direct fetch of the configured host: %v", err)
			}
			_, err := f.Get(context.Background(), src.URL+"/go", GetOptions{Source: "a"})
			if !errors.Is(err, ErrForbiddenHost) {
				t.Errorf("redirect to another source's private host: %v, want ErrForbiddenHost", err)
			}
			if direct.Load() != 1 || redirected.Load() != 0 {
				t.Errorf("target saw %d direct and %d redirected requests, want 1 and 0", direct.Load(), redirected.Load())
			}
		})
	}
}

// TestGuardCheck: the check every request passes before it is sent, whatever connection carries it.
func TestGuardCheck(t *testing.T) {
	resolved := map[string][]netip.Addr{
		"public.example":  {netip.MustParseAddr("93.184.216.34")},
		"private.example": {netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.5")},
		"trusted.example": {netip.MustParseAddr("10.0.0.6")},
		"origin.example":  {netip.MustParseAddr("10.0.0.7")},
	}
	g := newGuard([]string{"trusted.example:8443"})
	g.resolve = func(_ context.Context, host string) ([]netip.Addr, error) {
		if a, ok := resolved[host]; ok {
			return a, nil
		}
		return nil, errors.New("no such host")
	}
	tests := []struct {
		origin, host string
		forbidden    bool
		fails        bool
	}{
		{"origin.example", "origin.example:8080", false, false},
		{"ORIGIN.example:1", "origin.example", false, false}, // the origin's port does not matter
		{"other.example", "trusted.example", false, false},
		{"other.example", "public.example", false, false},
		{"other.example", "93.184.216.34:80", false, false},
		{"other.example", "[2606:2800:220:1::]:443", false, false},
		{"other.example", "origin.example", true, true},
		{"other.example", "private.example", true, true}, // any private answer refuses the name
		{"other.example", "127.0.0.1:8080", true, true},
		{"other.example", "[::1]:8080", true, true},
		{"other.example", "169.254.169.254", true, true},
		{"127.0.0.1:9", "127.0.0.1:8080", false, false},
		{"other.example", "unknown.example", false, true}, // an unresolvable name fails closed
		{"", "10.1.2.3", true, true},
	}
	for _, tt := range tests {
		err := g.check(withOrigin(context.Background(), tt.origin), tt.host)
		if (err != nil) != tt.fails || errors.Is(err, ErrForbiddenHost) != tt.forbidden {
			t.Errorf("check(origin %q, host %q) = %v; want forbidden %v, failure %v", tt.origin, tt.host, err, tt.forbidden, tt.fails)
		}
	}
}

// TestOriginNamesWhatMayBePrivate: a URL a document named (a sitemap, a page link) is fetched with the
// configured host as its origin, so that only that host, not the URL's own, may be private; colly's
// robots.txt fetch included.
func TestOriginNamesWhatMayBePrivate(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("secret"))
	}))
	defer other.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(other.URL, "http://"))
	named := "http://localhost:" + port // the same machine under a name the configuration did not give
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/away" {
			http.Redirect(w, r, named+"/away", http.StatusFound)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer site.Close()
	origin := strings.TrimPrefix(site.URL, "http://")
	f, _ := testFetcher(t, nil)
	tests := []struct {
		name   string
		url    string
		opt    GetOptions
		wantOK bool
	}{
		{"the configured host", site.URL + "/page", GetOptions{Origin: origin}, true},
		{"the configured host, another port", site.URL + "/page", GetOptions{Origin: "127.0.0.1:1"}, true},
		{"a host a document named", named + "/sitemap.xml", GetOptions{Origin: origin}, false},
		{"a host a document named, robots obeyed", named + "/page", GetOptions{Origin: origin, Robots: true}, false},
		{"a redirect from the configured host", site.URL + "/away", GetOptions{Origin: origin}, false},
		{"no origin: the URL's own host", named + "/page", GetOptions{}, true},
	}
	for _, tt := range tests {
		hits.Store(0)
		resp, err := f.Get(context.Background(), tt.url, tt.opt)
		switch {
		case tt.wantOK && (err != nil || resp.Status != 200):
			t.Errorf("%s: %v, want a response", tt.name, err)
		case !tt.wantOK && !errors.Is(err, ErrForbiddenHost):
			t.Errorf("%s: %v, want ErrForbiddenHost", tt.name, err)
		case !tt.wantOK && hits.Load() != 0:
			t.Errorf("%s: the private host saw %d requests", tt.name, hits.Load())
		}
	}
	trusting, _ := testFetcher(t, func(c *FetchConfig) { c.Trusted = []string{"localhost"} })
	if _, err := trusting.Get(context.Background(), named+"/page", GetOptions{Origin: origin, Robots: true}); err != nil {
		t.Errorf("a trusted host named by a document: %v", err)
	}
}

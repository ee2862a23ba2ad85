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

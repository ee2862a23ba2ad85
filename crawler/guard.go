package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
)

// ErrForbiddenHost is returned for a fetch whose host is a private, loopback or link-local address that
// the configuration did not name: a redirect (or a DNS answer) must not turn the crawler against the
// machine it runs on or its network.
var ErrForbiddenHost = errors.New("private or loopback address not named in the configuration")

// guard decides which hosts may resolve to private addresses: the host a fetch was asked for (a source's
// or the site's host, as the configuration names it), hosts the configuration trusts explicitly, and
// nothing else: a redirect to another host on a private or loopback address is refused. Public
// addresses are always allowed.
type guard struct {
	mu      sync.RWMutex
	allowed map[string]bool // lower-case host names and IP literals, without ports
	resolve func(ctx context.Context, host string) ([]netip.Addr, error)
}

func newGuard(hosts []string) *guard {
	g := &guard{allowed: map[string]bool{}, resolve: func(ctx context.Context, host string) ([]netip.Addr, error) {
		return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	}}
	for _, h := range hosts {
		g.allow(h)
	}
	return g
}

// allow names a host (with or without a port, or as a URL's host) as one the configuration trusts.
func (g *guard) allow(h string) {
	h = strings.ToLower(strings.TrimSpace(h))
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.Trim(h, "[]")
	if h == "" {
		return
	}
	g.mu.Lock()
	g.allowed[h] = true
	g.mu.Unlock()
}

func (g *guard) isAllowed(host string) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.allowed[strings.ToLower(strings.Trim(host, "[]"))]
}

// private reports whether an address is one the crawler must not reach unless told to.
func private(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsUnspecified() || a.IsInterfaceLocalMulticast() || a.IsMulticast() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(a) // carrier-grade NAT
}

// dialContext resolves the host itself, refuses private addresses of hosts the configuration did not
// name, and dials the first address allowed: the check and the connection use the same answer, so a
// second DNS lookup cannot swap in another address.
func (g *guard) dialContext(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		trusted := g.isAllowed(host) || strings.EqualFold(strings.Trim(host, "[]"), originOf(ctx))
		var addrs []netip.Addr
		if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
			addrs = []netip.Addr{ip}
		} else if addrs, err = g.resolve(ctx, host); err != nil {
			return nil, err
		}
		var lastErr error
		for _, a := range addrs {
			if private(a) && !trusted {
				lastErr = fmt.Errorf("dial %s (%s): %w", host, a, ErrForbiddenHost)
				continue
			}
			conn, err := d.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
			if err == nil {
				return conn, nil
			}
			lastErr = err
		}
		if lastErr == nil {
			lastErr = fmt.Errorf("dial %s: no address", host)
		}
		return nil, lastErr
	}
}

type originKey struct{}

// withOrigin records the host a fetch was asked for: the host the configuration named.
func withOrigin(ctx context.Context, host string) context.Context {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return context.WithValue(ctx, originKey{}, strings.Trim(host, "[]"))
}

func originOf(ctx context.Context) string {
	s, _ := ctx.Value(originKey{}).(string)
	return s
}

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
	h = hostOnly(h)
	if h == "" {
		return
	}
	g.mu.Lock()
	g.allowed[h] = true
	g.mu.Unlock()
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
		trusted := g.trusts(ctx, hostOnly(host))
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

// check refuses a request to host (as a URL names it, with or without a port) when the host is, or
// resolves to, a private address and is neither the fetch's origin nor trusted. It runs for every
// request, redirect hops included, before it is sent: a keep-alive connection that an earlier fetch
// (whose origin the host was) left open must not carry a request the dial check would have refused.
// The dial check stays, for the address actually connected to (a second DNS answer may differ).
func (g *guard) check(ctx context.Context, host string) error {
	h := hostOnly(host)
	if g.trusts(ctx, h) {
		return nil
	}
	if ip, err := netip.ParseAddr(h); err == nil {
		if private(ip) {
			return fmt.Errorf("request to %s: %w", h, ErrForbiddenHost)
		}
		return nil
	}
	addrs, err := g.resolve(ctx, h)
	if err != nil {
		return fmt.Errorf("request to %s: %w", h, err)
	}
	for _, a := range addrs {
		if private(a) {
			return fmt.Errorf("request to %s (%s): %w", h, a, ErrForbiddenHost)
		}
	}
	return nil
}

// trusts reports whether host (as hostOnly gives it) may be private: the fetch's origin, or trusted.
func (g *guard) trusts(ctx context.Context, host string) bool {
	if o := originOf(ctx); o != "" && hostOnly(o) == host {
		return true
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.allowed[host]
}

// hostOnly is a URL's host, or a host and port, as a lower-case name or IP literal without the port,
// the brackets of an IPv6 literal, or the final dot of a fully qualified name.
func hostOnly(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.TrimSuffix(strings.Trim(h, "[]"), ".")
}

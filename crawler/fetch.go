package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/hashicorp/go-retryablehttp"
)

// FetchConfig is how the crawler behaves on the network.
type FetchConfig struct {
	// UserAgent names heed and where to learn about it, as polite crawlers do.
	UserAgent string
	// Timeout bounds one HTTP exchange, body included.
	Timeout time.Duration
	// MaxBody bounds a response body, after decompression, in bytes.
	MaxBody int
	// Retries is how many times a failed fetch (network error, 429, 5xx) is tried again.
	Retries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff between tries.
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxRetryAfter is the longest Retry-After or backoff signal the crawler waits for within a run;
	// a source asking for longer is given up for this run and counted.
	MaxRetryAfter time.Duration
	// Parallel and Delay are the default per-host limits: at most Parallel requests at once, and a pause
	// of Delay after each.
	Parallel int
	Delay    time.Duration
	// Hosts overrides Parallel and Delay for named hosts ("api.stackexchange.com", "127.0.0.1:8080").
	Hosts map[string]HostLimit
	// CacheDir keeps copies of revalidated documents (pages, sitemaps, feeds) between runs; "" keeps none.
	CacheDir string
	// Trusted are hosts that may resolve to private or loopback addresses besides the host each fetch
	// is asked for (which the configuration named): a redirect to any other private host is refused.
	Trusted []string
}

// HostLimit is the politeness of the crawler towards one host.
type HostLimit struct {
	Parallel int
	Delay    time.Duration
}

// DefaultUserAgent identifies heed to the sites it reads.
const DefaultUserAgent = "heed/1.0 (+https://github.com/heed-dev/heed; listens to customer questions)"

// DefaultFetchConfig is polite towards public services.
func DefaultFetchConfig() FetchConfig {
	return FetchConfig{
		UserAgent:     DefaultUserAgent,
		Timeout:       30 * time.Second,
		MaxBody:       8 << 20,
		Retries:       3,
		RetryWaitMin:  time.Second,
		RetryWaitMax:  30 * time.Second,
		MaxRetryAfter: 2 * time.Minute,
		Parallel:      2,
		Delay:         time.Second,
	}
}

// Response is a fetched document.
type Response struct {
	URL    *url.URL // after redirects
	Status int
	Header http.Header
	Body   []byte
	// Cached is true when the server said the copy kept from an earlier fetch is still current (304).
	Cached bool
}

// GetOptions tune one fetch.
type GetOptions struct {
	// Source names the configured source the fetch is for, for metrics and logs.
	Source string
	// Robots makes the fetch obey robots.txt: for HTML pages and feeds. API endpoints follow their own
	// terms and rate limits instead.
	Robots bool
	// Header is sent with the request (Accept, API keys).
	Header http.Header
	// Revalidate asks the server whether a copy fetched before has changed (If-None-Match,
	// If-Modified-Since), so that a rerun does not download unchanged pages and feeds again. It needs a
	// cache directory in the FetchConfig.
	Revalidate bool
	// Method is the HTTP method: GET when empty; POST (with Body, JSON) for the APIs whose queries are
	// posted, such as Search Console's searchAnalytics.query. Only GETs are revalidated.
	Method string
	Body   []byte
	// Origin is the host the configuration named that led to this URL (a site's host, for the sitemaps
	// and pages found on it); empty means the URL's own host. Only the origin and the trusted hosts may
	// be private addresses: a URL that a document named is not configuration.
	Origin string
}

// ErrRobots is returned for a URL that robots.txt forbids heed to fetch.
var ErrRobots = errors.New("disallowed by robots.txt")

// Fetcher fetches documents through colly, with per-host limits, retries that honour Retry-After,
// pauses that the sources' own backoff signals ask for, and bounded bodies. It is safe for concurrent use.
type Fetcher struct {
	// Progress, when set, counts the fetcher's HTTP requests.
	Progress *Progress

	cfg     FetchConfig
	base    *colly.Collector
	log     *slog.Logger
	metrics *Metrics
	pauses  *pauses
	cache   *cache
	guard   *guard
}

// NewFetcher builds a fetcher. metrics may be nil.
func NewFetcher(cfg FetchConfig, log *slog.Logger, metrics *Metrics) (*Fetcher, error) {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &Fetcher{cfg: cfg, log: log, metrics: metrics, pauses: &pauses{until: map[string]time.Time{}, maxWait: cfg.MaxRetryAfter}}
	if cfg.CacheDir != "" {
		f.cache = &cache{dir: cfg.CacheDir}
	}
	f.guard = newGuard(cfg.Trusted)
	c := newCollector(cfg)
	c.WithTransport(&retryablehttp.RoundTripper{Client: f.retryClient()})
	if err := limitHosts(c, cfg); err != nil {
		return nil, err
	}
	f.base = c
	return f, nil
}

// withDefaults is cfg with DefaultFetchConfig's values for the settings left out, one request at a time
// per host by default, and RetryWaitMax at least RetryWaitMin.
func (cfg FetchConfig) withDefaults() FetchConfig {
	def := DefaultFetchConfig()
	if cfg.UserAgent == "" {
		cfg.UserAgent = def.UserAgent
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = def.Timeout
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = def.MaxBody
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 1
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = def.RetryWaitMin
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = def.MaxRetryAfter
	}
	return cfg
}

// newCollector is the colly collector every fetch clones. colly reads COLLY_* environment variables in
// NewCollector; every field heed relies on is set after it, so that the code, not the environment, decides.
func newCollector(cfg FetchConfig) *colly.Collector {
	c := colly.NewCollector()
	c.UserAgent = cfg.UserAgent
	c.MaxBodySize = cfg.MaxBody
	c.AllowURLRevisit = true
	c.IgnoreRobotsTxt = true
	c.ParseHTTPErrorResponse = true
	c.Async = false
	c.MaxDepth = 0
	c.CacheDir = ""
	c.AllowedDomains = nil
	c.SetRequestTimeout(cfg.Timeout)
	c.DisableCookies()
	return c
}

// retryClient is the HTTP client under colly: retries that honour Retry-After and the sources' backoff
// signals, over the gate (pauses, bounded bodies, the private-address guard).
func (f *Fetcher) retryClient() *retryablehttp.Client {
	inner := &http.Client{
		Transport: &gate{next: newBaseTransport(f.cfg.Timeout, f.guard), pauses: f.pauses, maxBody: int64(f.cfg.MaxBody), guard: f.guard},
		// Redirects are followed by colly's client, outside the retries, with colly's checks.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &retryablehttp.Client{
		HTTPClient:   inner,
		Logger:       nil,
		RetryWaitMin: f.cfg.RetryWaitMin,
		RetryWaitMax: f.cfg.RetryWaitMax,
		RetryMax:     f.cfg.Retries,
		CheckRetry:   f.checkRetry,
		Backoff:      f.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			if attempt > 0 {
				src := sourceOf(req.Context())
				f.metrics.retry(src)
				f.log.Warn("retrying fetch", "source", src, "url", redact(req.URL), "attempt", attempt)
			}
		},
	}
}

// limitHosts sets colly's per-host limits: each of cfg.Hosts its own, every other host cfg's.
func limitHosts(c *colly.Collector, cfg FetchConfig) error {
	hosts := make([]string, 0, len(cfg.Hosts))
	for h := range cfg.Hosts {
		hosts = append(hosts, h)
	}
	for _, h := range hosts {
		l := cfg.Hosts[h]
		if err := c.Limit(&colly.LimitRule{DomainGlob: globEscape(h), Parallelism: max(l.Parallel, 1), Delay: l.Delay}); err != nil {
			return fmt.Errorf("rate limit for host %q: %w", h, err)
		}
	}
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: cfg.Parallel, Delay: cfg.Delay}); err != nil {
		return fmt.Errorf("default rate limit: %w", err)
	}
	return nil
}

// Config is the configuration the fetcher runs with, defaults applied.
func (f *Fetcher) Config() FetchConfig { return f.cfg }

// Get fetches rawURL. Any HTTP status is a response, not an error: sources read the error bodies of
// their APIs. Network failures that outlast the retries, and robots.txt refusals, are errors.
func (f *Fetcher) Get(ctx context.Context, rawURL string, opt GetOptions) (*Response, error) {
	c := f.base.Clone()
	c.Context = withSource(ctx, opt.Source)
	if u, err := url.Parse(rawURL); err == nil {
		origin := opt.Origin
		if origin == "" {
			origin = u.Host
		}
		c.Context = withOrigin(c.Context, origin)
		// colly fetches robots.txt without the fetch's context (the gate takes its origin from its own
		// URL): check the host against the fetch's origin before anything is sent.
		if err := f.guard.check(c.Context, u.Host); err != nil {
			f.metrics.fetch(opt.Source, nil, err, 0)
			return nil, fmt.Errorf("fetch %s: %w", redact(u), err)
		}
	}
	c.IgnoreRobotsTxt = !opt.Robots
	var resp *Response
	var cbErr error
	c.OnResponse(func(r *colly.Response) {
		resp = &Response{URL: r.Request.URL, Status: r.StatusCode, Header: http.Header{}, Body: r.Body}
		if r.Headers != nil {
			resp.Header = *r.Headers
		}
	})
	c.OnError(func(r *colly.Response, err error) {
		cbErr = err
	})
	hdr := http.Header{}
	for k, v := range opt.Header {
		hdr[k] = v
	}
	var kept *cacheEntry
	var keptBody []byte
	if opt.Revalidate {
		kept, keptBody = f.keptCopy(rawURL, hdr)
	}
	start := time.Now()
	f.Progress.request()
	method := http.MethodGet
	var body io.Reader
	if opt.Method != "" {
		method = opt.Method
	}
	if opt.Body != nil {
		body = bytes.NewReader(opt.Body)
		if hdr.Get("Content-Type") == "" {
			hdr.Set("Content-Type", "application/json")
		}
	}
	err := c.Request(method, rawURL, body, nil, hdr)
	if err == nil {
		err = cbErr
	}
	f.metrics.fetch(opt.Source, resp, err, time.Since(start))
	switch {
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		return nil, fmt.Errorf("fetch %s: %w", redact(mustParse(rawURL)), ErrRobots)
	case err != nil && resp == nil:
		return nil, fmt.Errorf("fetch %s: %w", redact(mustParse(rawURL)), err)
	case resp == nil:
		return nil, fmt.Errorf("fetch %s: no response", redact(mustParse(rawURL)))
	}
	f.metrics.received(opt.Source, len(resp.Body))
	if len(resp.Body) >= f.cfg.MaxBody {
		return resp, fmt.Errorf("fetch %s: %w (%d bytes)", redact(resp.URL), ErrTooLarge, f.cfg.MaxBody)
	}
	if opt.Revalidate {
		return f.revalidated(rawURL, opt.Source, resp, kept, keptBody), nil
	}
	return resp, nil
}

// keptCopy loads the copy kept from an earlier fetch of rawURL, if any, and makes the request that hdr
// heads conditional on it (If-None-Match, If-Modified-Since).
func (f *Fetcher) keptCopy(rawURL string, hdr http.Header) (*cacheEntry, []byte) {
	e, body, ok := f.cache.load(rawURL, f.cfg.MaxBody)
	if !ok {
		return nil, nil
	}
	if e.ETag != "" {
		hdr.Set("If-None-Match", e.ETag)
	}
	if e.LastModified != "" {
		hdr.Set("If-Modified-Since", e.LastModified)
	}
	return e, body
}

// revalidated is the response to a conditional fetch of rawURL: the kept copy when the server says it has
// not changed (304), else resp, a copy of which is kept for the next fetch when it is a 200.
func (f *Fetcher) revalidated(rawURL, source string, resp *Response, kept *cacheEntry, keptBody []byte) *Response {
	switch {
	case resp.Status == http.StatusNotModified && kept != nil:
		final, err := url.Parse(kept.FinalURL)
		if err != nil {
			final = resp.URL
		}
		f.metrics.cached(source, "not_modified")
		return &Response{URL: final, Status: http.StatusOK, Header: kept.Header.Clone(), Body: keptBody, Cached: true}
	case resp.Status == http.StatusOK:
		if err := f.cache.store(rawURL, resp); err != nil {
			f.log.Warn("could not keep a copy for revalidation", "source", source, "err", err)
		}
	}
	return resp
}

// Skipped counts items of a response that a source could not read.
func (f *Fetcher) Skipped(source, reason string, n int) {
	f.metrics.Skipped(source, reason, n)
	if n > 0 {
		f.log.Warn("skipped items of a response", "source", source, "reason", reason, "count", n)
	}
}

// PageFailed counts and logs a later page of a listing that failed, the pages before it kept: counted
// in heed_crawl_items_skipped_total as page_REASON, logged with the page and the error.
func (f *Fetcher) PageFailed(source string, page int, err error) {
	reason := "page_" + Reason(err)
	f.metrics.Skipped(source, reason, 1)
	f.log.Warn("listing cut short: a later page failed, the pages before it are kept", "source", source,
		"page", page, "reason", reason, "err", err)
}

// ErrTooLarge is returned, with the cut response, when a body reaches the size limit.
var ErrTooLarge = errors.New("response body too large")

// Pause makes every fetch within scope wait until d from now: a source's own backoff signal (Stack
// Exchange "backoff", Reddit's X-Ratelimit-Reset, Discourse's wait_seconds). scope is a URL prefix, the
// part of a host the signal is about ("https://api.stackexchange.com/2.3/": a URL is within it when it
// starts with it, a prefix without a trailing slash covering itself and what is below it), or a bare host
// ("api.stackexchange.com": every path, either scheme). Other paths of the host are not held back, so that
// sources sharing one host (loopback stand-ins) do not wait for each other. A pause longer than
// MaxRetryAfter defers the scope: its fetches fail with ErrRateLimited until the pause ends.
func (f *Fetcher) Pause(scope string, d time.Duration, source string) {
	if d <= 0 {
		return
	}
	f.pauses.pause(scope, time.Now().Add(d))
	if d <= f.cfg.MaxRetryAfter {
		f.metrics.rateLimitWait(source, d)
	}
	f.log.Info("pausing at the source's request", "source", source, "scope", pauseScope(scope), "seconds", d.Seconds(), "deferred", d > f.cfg.MaxRetryAfter)
}

// checkRetry retries network errors, 429 and 5xx (retryablehttp's policy), except when a Retry-After asks
// for longer than heed waits within a run: then the response is given back at once, and the source is
// deferred and counted.
func (f *Fetcher) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := RetryAfter(resp.Header, time.Now()); ok {
			if d > f.cfg.MaxRetryAfter {
				return false, nil
			}
			// A wait the request's own deadline would cut short gains nothing: give the refusal back
			// now, so that it is counted as one (rate_limited), not as a timeout.
			if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d {
				return false, nil
			}
		}
	}
	if errors.Is(err, ErrForbiddenHost) {
		return false, err
	}
	// A host name that does not resolve will not resolve a second later: trying again only delays the
	// error (a resolver that timed out or failed is tried again).
	if dns := new(net.DNSError); errors.As(err, &dns) && dns.IsNotFound {
		return false, nil
	}
	return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
}

// backoff honours Retry-After on 429 and 503 up to MaxRetryAfter, and otherwise backs off exponentially
// with jitter.
func (f *Fetcher) backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := RetryAfter(resp.Header, time.Now()); ok {
			f.metrics.rateLimitWait(sourceOf(resp.Request.Context()), d)
			return d
		}
	}
	d := min << attempt
	if d <= 0 || d > max {
		d = max
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func min2(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}

// maxRetryAfterHeader bounds what a Retry-After header can ask for: a day.
const maxRetryAfterHeader = 24 * time.Hour

// RetryAfter reads a Retry-After header: delay seconds or an HTTP date, at most a day.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return min(time.Duration(min(n, 86400))*time.Second, maxRetryAfterHeader), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfterHeader), true
	}
	return 0, false
}

// pauses remembers, per scope (a URL prefix or a bare host, as Fetcher.Pause takes them), when fetching
// may resume. A scope that asked for a longer wait than maxWait is deferred: its fetches fail at once with
// ErrRateLimited until the pause ends. A URL within several paused scopes waits for the longest.
type pauses struct {
	mu      sync.Mutex
	until   map[string]time.Time // by pauseScope
	maxWait time.Duration
}

func (p *pauses) pause(scope string, t time.Time) {
	key := pauseScope(scope)
	p.mu.Lock()
	now := time.Now()
	for k, end := range p.until {
		if !end.After(now) {
			delete(p.until, k) // ended: forget it, so that the map holds only live pauses
		}
	}
	if t.After(p.until[key]) {
		p.until[key] = t
	}
	p.mu.Unlock()
}

// wait waits until no pause covers u, or fails at once with ErrRateLimited when one that does ends later
// than maxWait from now.
func (p *pauses) wait(ctx context.Context, u *url.URL) error {
	host := strings.ToLower(u.Host)
	target := strings.ToLower(u.Scheme) + "://" + host + u.EscapedPath()
	var scope string
	var t time.Time
	p.mu.Lock()
	for k, end := range p.until {
		if end.After(t) && pauseCovers(k, host, target) {
			scope, t = k, end
		}
	}
	p.mu.Unlock()
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	if p.maxWait > 0 && d > p.maxWait {
		return fmt.Errorf("%w: %s asked to wait %s, longer than the %s heed waits within a run: deferred", ErrRateLimited, scope, d.Round(time.Second), p.maxWait)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// pauseScope is the form pauses keep a scope in: a bare host lower-cased, or a URL prefix with its scheme
// and host lower-cased and its path escaped, its query and fragment dropped.
func pauseScope(scope string) string {
	scope = strings.TrimSpace(scope)
	if !strings.Contains(scope, "://") {
		return strings.ToLower(scope)
	}
	u, err := url.Parse(scope)
	if err != nil {
		return strings.ToLower(scope)
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.EscapedPath()
}

// pauseCovers reports whether a paused scope covers a request to host whose URL without its query, in
// pauseScope form, is target. A prefix covers itself and what is below it ("…/forum" covers "…/forum/x",
// not "…/forum2").
func pauseCovers(scope, host, target string) bool {
	if !strings.Contains(scope, "://") {
		return scope == host
	}
	if !strings.HasPrefix(target, scope) {
		return false
	}
	return len(target) == len(scope) || strings.HasSuffix(scope, "/") || target[len(scope)] == '/'
}

// gate is the innermost transport: it waits out host pauses and bounds the decompression of gzip
// documents (sitemaps served as .gz), which colly would otherwise inflate without limit.
type gate struct {
	next    http.RoundTripper
	pauses  *pauses
	maxBody int64
	guard   *guard
}

func (g *gate) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := g.pauses.wait(req.Context(), req.URL); err != nil {
		return nil, err
	}
	if originOf(req.Context()) == "" {
		// A request made outside Get (colly's robots.txt fetch): its origin is the first request of
		// its redirect chain.
		first := req
		for first.Response != nil && first.Response.Request != nil {
			first = first.Response.Request
		}
		req = req.WithContext(withOrigin(req.Context(), first.URL.Host))
	}
	// Every request passes the guard, redirect hops and requests on pooled connections included.
	if err := g.guard.check(req.Context(), req.URL.Host); err != nil {
		return nil, err
	}
	resp, err := g.next.RoundTrip(req)
	if err != nil || resp.Uncompressed {
		return resp, err
	}
	enc := strings.ToLower(resp.Header.Get("Content-Encoding"))
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	if strings.Contains(enc, "gzip") || (enc == "" && (strings.Contains(ct, "gzip") || strings.HasSuffix(strings.ToLower(req.URL.Path), ".gz"))) {
		zr, zerr := gzip.NewReader(resp.Body)
		if zerr != nil {
			// Not gzip after all (a .gz path served plain): pass the bytes read so far and the rest on.
			resp.Body.Close()
			return nil, fmt.Errorf("gunzip %s: %w", redact(req.URL), zerr)
		}
		resp.Body = &gunzipBody{r: io.LimitReader(zr, g.maxBody+1), zr: zr, c: resp.Body}
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
		resp.Uncompressed = true
	}
	return resp, nil
}

type gunzipBody struct {
	r  io.Reader
	zr *gzip.Reader
	c  io.Closer
}

func (b *gunzipBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (b *gunzipBody) Close() error {
	b.zr.Close()
	return b.c.Close()
}

func newBaseTransport(timeout time.Duration, g *guard) *http.Transport {
	d := &net.Dialer{Timeout: min2(timeout, 10*time.Second), KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           g.dialContext(d),
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		ExpectContinueTimeout: time.Second,
	}
}

type sourceKey struct{}

func withSource(ctx context.Context, src string) context.Context {
	return context.WithValue(ctx, sourceKey{}, src)
}

func sourceOf(ctx context.Context) string {
	if s, ok := ctx.Value(sourceKey{}).(string); ok {
		return s
	}
	return ""
}

// redact drops the query's secrets (key, access_token, api_key, ...) from a URL for logs and errors.
func redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	q := u.Query()
	changed := false
	for k := range q {
		switch strings.ToLower(k) {
		case "key", "access_token", "api_key", "apikey", "token", "client_secret", "password", "sig", "signature":
			q.Set(k, "REDACTED")
			changed = true
		}
	}
	if !changed && u.User == nil {
		return u.String()
	}
	c := *u
	c.User = nil
	c.RawQuery = q.Encode()
	return c.String()
}

// Redact is redact for the sources' own messages.
func Redact(raw string) string { return redact(mustParse(raw)) }

func mustParse(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		return &url.URL{Opaque: "invalid-url"}
	}
	return u
}

// globEscape makes a host usable as a colly domain glob (which treats *, ?, [ and { as patterns).
func globEscape(h string) string {
	r := strings.NewReplacer("*", `\*`, "?", `\?`, "[", `\[`, "]", `\]`, "{", `\{`, "}", `\}`)
	return r.Replace(h)
}

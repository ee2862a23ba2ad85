// Package site crawls the organisation's own site, the content that requests are matched against: the
// sitemaps that robots.txt names (indexes and gzip too), or the site's links when it has none; each
// page's title, description, headings, main text, canonical URL, noindex and JSON-LD questions. It also
// reads page exports (JSONL or CSV) from a CMS.
package site

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// getter is what the site crawler needs of the crawler's fetcher.
type getter interface {
	Get(ctx context.Context, rawURL string, opt crawler.GetOptions) (*crawler.Response, error)
}

// Crawler crawls one site.
type Crawler struct {
	f        getter
	name     string
	maxPages int
	workers  int
	log      *slog.Logger
	// canonicalHosts are other hosts the site's canonical links may name (hostKey form, any port).
	canonicalHosts map[string]bool
}

// Options tune a site crawl.
type Options struct {
	Name     string // source name for metrics and logs; "site" by default
	MaxPages int    // most pages fetched; 0 means 10,000
	Workers  int    // pages fetched at once (the fetcher's per-host limit still applies); 0 means 4
	// CanonicalHosts are host names besides the crawled site's own that its canonical links may name:
	// the public host, when the crawl reads a staging or mirror copy of the site.
	CanonicalHosts []string
	Log            *slog.Logger
}

// New returns a site crawler fetching through f.
func New(f getter, opt Options) *Crawler {
	c := &Crawler{f: f, name: opt.Name, maxPages: opt.MaxPages, workers: opt.Workers, log: opt.Log, canonicalHosts: map[string]bool{}}
	for _, h := range opt.CanonicalHosts {
		c.canonicalHosts[hostKey(h)] = true
	}
	if c.name == "" {
		c.name = "site"
	}
	if c.maxPages <= 0 {
		c.maxPages = 10_000
	}
	if c.workers <= 0 {
		c.workers = 4
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c
}

// Report is what a site crawl did.
type Report struct {
	Sitemaps  int            // sitemap documents read
	Listed    int            // page URLs found
	Fetched   int            // pages fetched
	Unchanged int            // pages the server said had not changed since the last crawl (kept copies used)
	Pages     int            // pages kept
	Skipped   map[string]int // by reason: noindex, not_html, duplicate, off_site, http_error, robots, forbidden_host, error, limit
	// SitemapErrors counts the sitemaps that could not be read, by reason (crawler.Reason: forbidden_host
	// for one on a private address other than the site's, network, parse, ...).
	SitemapErrors map[string]int
	// OffsiteCanonical counts pages whose canonical link pointed off the site: ignored, the page kept
	// its own URL.
	OffsiteCanonical int
	LastError        string
	// SkippedPages name the pages skipped and why, the first maxNamedSkips of them (Skipped counts
	// all): what the run's log and the report name.
	SkippedPages []SkippedPage
}

// SkippedPage is a page the crawl did not keep, and why (a reason of Report.Skipped).
type SkippedPage struct {
	URL    string `json:"url"`
	Reason string `json:"reason"`
}

// maxNamedSkips bounds the skipped pages a report names.
const maxNamedSkips = 1000

func (r *Report) skip(u, reason string) {
	r.Skipped[reason]++
	if len(r.SkippedPages) < maxNamedSkips {
		r.SkippedPages = append(r.SkippedPages, SkippedPage{URL: crawler.Redact(u), Reason: reason})
	}
}

// ErrNoPages is returned when a crawl found no page at all: the site is down or refuses heed, and the
// pages stored before must be kept.
var ErrNoPages = errors.New("no pages found")

// Crawl crawls the site at root and returns its pages in sitemap order.
func (c *Crawler) Crawl(ctx context.Context, root string) ([]heed.Page, Report, error) {
	rep := Report{Skipped: map[string]int{}, SitemapErrors: map[string]int{}}
	base, err := url.Parse(root)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, rep, fmt.Errorf("crawl site %q: %w: want an http(s) URL", root, crawler.ErrBadInput)
	}
	// Everything fetched is fetched for the configured site (each fetch's Origin is base.Host): a URL that
	// robots.txt, a sitemap or a page names is not configuration, and only the site's own host (and the
	// trusted hosts) may be private.
	sitemaps, err := c.sitemapURLs(ctx, base)
	if err != nil {
		// The site did not answer at all: asking for its sitemaps and pages would only wait on the
		// same failure again.
		rep.LastError = err.Error()
		return nil, rep, fmt.Errorf("crawl site %s: %w: it cannot be reached: %w", base.Host, ErrNoPages, err)
	}
	entries := c.readSitemaps(ctx, base, sitemaps, &rep)
	queue, lastmod := pageQueue(base, entries, &rep)
	rep.Listed = len(queue)
	follow := len(queue) == 0 // no sitemap: follow the site's links from its root
	if follow {
		queue = []string{base.String()}
	}
	results := c.fetchPages(ctx, base, queue, follow, &rep)
	if err := ctx.Err(); err != nil {
		return nil, rep, err
	}
	pages := c.canonicalPages(base, results, lastmod, &rep)
	StripSiteName(pages)
	rep.Pages = len(pages)
	if len(pages) == 0 {
		return nil, rep, fmt.Errorf("crawl site %s: %w (%d listed, %d fetched, skipped: %s)", base.Host, ErrNoPages, rep.Listed, rep.Fetched, heed.CountsText(rep.Skipped))
	}
	return pages, rep, nil
}

// sitemapURLs are the sitemaps of the site at base: those robots.txt names, else the usual place. It
// fails when robots.txt could not be fetched for a network failure (no such host, connection refused,
// a timeout, after the fetcher's retries): the site cannot be reached.
func (c *Crawler) sitemapURLs(ctx context.Context, base *url.URL) ([]string, error) {
	var sitemaps []string
	robotsURL := base.ResolveReference(&url.URL{Path: "/robots.txt"}).String()
	resp, err := c.f.Get(ctx, robotsURL, crawler.GetOptions{Source: c.name, Origin: base.Host})
	switch {
	case err != nil && crawler.Reason(err) == "network" && ctx.Err() == nil:
		return nil, err
	case err == nil && resp.Status == 200:
		sitemaps = RobotsSitemaps(resp.Body)
	}
	if len(sitemaps) == 0 {
		sitemaps = []string{base.ResolveReference(&url.URL{Path: "/sitemap.xml"}).String()}
	}
	return sitemaps, nil
}

// readSitemaps reads the sitemaps and the sitemaps they index, four levels deep and 1,000 at the most,
// each once, and returns the page entries they list.
func (c *Crawler) readSitemaps(ctx context.Context, base *url.URL, sitemaps []string, rep *Report) []SitemapEntry {
	var entries []SitemapEntry
	seenMap := map[string]bool{}
	for depth := 0; depth < 4 && len(sitemaps) > 0; depth++ {
		var next []string
		for _, sm := range sitemaps {
			if seenMap[sm] || rep.Sitemaps >= 1000 {
				continue
			}
			seenMap[sm] = true
			doc, ok := c.sitemap(ctx, base, sm, rep)
			if !ok {
				continue
			}
			rep.Sitemaps++
			entries = append(entries, doc.URLs...)
			for _, s := range doc.Sitemaps {
				next = append(next, s.Loc)
			}
		}
		sitemaps = next
	}
	return entries
}

// sitemap fetches and parses one sitemap of the site at base; ok is false when it could not be read (an
// error counted in rep) or was not there.
func (c *Crawler) sitemap(ctx context.Context, base *url.URL, sm string, rep *Report) (doc Sitemap, ok bool) {
	resp, err := c.f.Get(ctx, sm, crawler.GetOptions{Source: c.name, Revalidate: true, Origin: base.Host})
	if err != nil {
		c.sitemapFailed(sm, err, rep)
		return Sitemap{}, false
	}
	if resp.Status != 200 {
		return Sitemap{}, false
	}
	doc, err = ParseSitemap(resp.Body)
	if err != nil {
		c.sitemapFailed(sm, err, rep)
		return Sitemap{}, false
	}
	return doc, true
}

// sitemapFailed counts and logs a sitemap that could not be read.
func (c *Crawler) sitemapFailed(sm string, err error, rep *Report) {
	rep.SitemapErrors[crawler.Reason(err)]++
	rep.LastError = err.Error()
	c.log.Warn("sitemap unreadable", "source", c.name, "url", crawler.Redact(sm), "err", err)
}

// pageQueue returns the pages to fetch, on the site at base only, each once, in the sitemaps' order, and
// each page's sitemap entry by URL.
func pageQueue(base *url.URL, entries []SitemapEntry, rep *Report) (queue []string, lastmod map[string]SitemapEntry) {
	lastmod = map[string]SitemapEntry{}
	for _, e := range entries {
		u, err := base.Parse(e.Loc)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https"):
			rep.skip(e.Loc, "scheme") // javascript:, data:, file: ... never becomes a page or a link
			continue
		case !sameSite(u, base):
			rep.skip(u.String(), "off_site")
			continue
		}
		u.Fragment = ""
		key := u.String()
		if _, dup := lastmod[key]; dup {
			continue
		}
		lastmod[key] = e
		queue = append(queue, key)
	}
	return queue, lastmod
}

// fetchedPage is a page read, with its place in the order of the crawl's queue.
type fetchedPage struct {
	order int
	ex    Extracted
}

// fetchPages fetches the queue's pages, c.maxPages at the most, in batches; when follow is set each
// batch's links on the site join the queue. It returns the pages kept, in no particular order.
func (c *Crawler) fetchPages(ctx context.Context, base *url.URL, queue []string, follow bool, rep *Report) []fetchedPage {
	var results []fetchedPage
	queued := map[string]bool{}
	for _, q := range queue {
		queued[q] = true
	}
	for start := 0; start < len(queue) && start < c.maxPages && ctx.Err() == nil; {
		end := min(len(queue), c.maxPages)
		results = append(results, c.fetchBatch(ctx, base, queue[start:end], start, rep)...)
		start = end
		if follow {
			queue = appendLinks(queue, queued, base, results)
		}
	}
	for _, u := range queue[min(len(queue), c.maxPages):] {
		rep.skip(u, "limit")
	}
	return results
}

// fetchBatch fetches the pages of batch, which starts at start in the queue, c.workers at a time, and
// counts each in rep; it returns the pages kept.
func (c *Crawler) fetchBatch(ctx context.Context, base *url.URL, batch []string, start int, rep *Report) []fetchedPage {
	var (
		mu   sync.Mutex
		kept []fetchedPage
		wg   sync.WaitGroup
	)
	work := make(chan int)
	for range c.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				ex, reason, cached, err := c.page(ctx, base, batch[i])
				mu.Lock()
				if rep.countPage(batch[i], reason, cached, err) {
					kept = append(kept, fetchedPage{order: start + i, ex: ex})
				}
				mu.Unlock()
				if err != nil {
					c.log.Warn("page skipped", "source", c.name, "url", crawler.Redact(batch[i]), "reason", reason, "err", err)
				}
			}
		}()
	}
	for i := range batch {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	return kept
}

// countPage counts a page fetched: cached when the server confirmed the kept copy, skipped for reason
// when that is set. It reports whether the page is kept.
func (r *Report) countPage(u, reason string, cached bool, err error) bool {
	r.Fetched++
	if cached {
		r.Unchanged++
	}
	switch {
	case err != nil:
		r.skip(u, reason)
		r.LastError = err.Error()
	case reason != "":
		r.skip(u, reason)
	default:
		return true
	}
	return false
}

// appendLinks adds to the queue the links of the pages read, in the order found, that are pages on the
// site at base and not queued before. It sorts results into the queue's order.
func appendLinks(queue []string, queued map[string]bool, base *url.URL, results []fetchedPage) []string {
	sort.Slice(results, func(i, j int) bool { return results[i].order < results[j].order })
	for _, r := range results {
		for _, l := range r.ex.Links {
			u, err := url.Parse(l)
			if err != nil || !sameSite(u, base) || queued[l] || !looksLikePage(u.Path) {
				continue
			}
			queued[l] = true
			queue = append(queue, l)
		}
	}
	return queue
}

// canonicalPages returns the pages read, in the queue's order, one per canonical URL: a page that is its
// own canonical wins over one that points to it. A page keeps the last-modified time of its sitemap entry.
func (c *Crawler) canonicalPages(base *url.URL, results []fetchedPage, lastmod map[string]SitemapEntry, rep *Report) []heed.Page {
	sort.Slice(results, func(i, j int) bool { return results[i].order < results[j].order })
	byURL := map[string]int{}
	var pages []heed.Page
	for _, r := range results {
		p := r.ex.Page
		self := true
		if canonical, ok := c.canonical(base, r.ex, rep); ok {
			self = false
			p.URL = canonical
		}
		if e, ok := lastmod[r.ex.Page.URL]; ok && !e.LastMod.IsZero() {
			p.Modified = e.LastMod
		}
		if i, dup := byURL[p.URL]; dup {
			rep.skip(r.ex.Page.URL, "duplicate")
			if self {
				pages[i] = p
			}
			continue
		}
		byURL[p.URL] = len(pages)
		pages = append(pages, p)
	}
	return pages
}

// canonical returns the page's canonical URL when it names another page of the site at base. A canonical
// link is honoured within the site only: another site's URL would stand in the report and the review
// pages for a page it is not (any page author could point a link there). The same site is what sameSite
// says, as for sitemaps and links; an off-site canonical is counted in rep and logged.
func (c *Crawler) canonical(base *url.URL, ex Extracted, rep *Report) (string, bool) {
	if ex.Canonical == "" || ex.Canonical == ex.Page.URL {
		return "", false
	}
	if u, err := url.Parse(ex.Canonical); err == nil && (sameSite(u, base) || c.canonicalHosts[hostKey(u.Hostname())]) {
		return ex.Canonical, true
	}
	rep.OffsiteCanonical++
	c.log.Warn("off-site canonical link ignored", "source", c.name, "url", crawler.Redact(ex.Page.URL),
		"canonical", crawler.Redact(ex.Canonical))
	return "", false
}

// page fetches and reads one page of the site at base. A non-empty reason with a nil error is a page
// deliberately skipped; cached says the server confirmed the copy kept from the last crawl.
func (c *Crawler) page(ctx context.Context, base *url.URL, link string) (ex Extracted, reason string, cached bool, err error) {
	resp, err := c.f.Get(ctx, link, crawler.GetOptions{Source: c.name, Robots: true, Revalidate: true, Origin: base.Host,
		Header: map[string][]string{"Accept": {"text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}}})
	if err != nil {
		switch {
		case errors.Is(err, crawler.ErrRobots):
			return Extracted{}, "robots", false, nil
		case errors.Is(err, crawler.ErrForbiddenHost):
			return Extracted{}, "forbidden_host", false, err
		}
		return Extracted{}, "error", false, err
	}
	if resp.Status != 200 {
		return Extracted{}, "http_error", false, fmt.Errorf("page %s: HTTP %d", crawler.Redact(link), resp.Status)
	}
	if !sameSite(resp.URL, base) {
		// Redirected to another site: that site's page is not one of ours.
		c.log.Warn("page redirected off the site", "source", c.name, "url", crawler.Redact(link), "to", crawler.Redact(resp.URL.String()))
		return Extracted{}, "off_site", resp.Cached, nil
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "text/html" && mt != "application/xhtml+xml" {
			return Extracted{}, "not_html", resp.Cached, nil
		}
	}
	ex, err = Extract(resp.URL, resp.Body)
	if err != nil {
		return Extracted{}, "error", resp.Cached, fmt.Errorf("page %s: %w", crawler.Redact(link), err)
	}
	if ex.NoIndex {
		return Extracted{}, "noindex", resp.Cached, nil
	}
	return ex, "", resp.Cached, nil
}

// sameSite reports whether two URLs are on the same site: the same host name, compared without case, a
// final dot or a leading "www.", and the same port, a scheme's default port counting as none. The scheme
// does not matter: a site moved to https, or served under "www." and without it, is the same site, as
// search engines treat it. Any other host, a sub-domain of the site's included, is another site.
func sameSite(a, b *url.URL) bool {
	return a != nil && b != nil && siteKey(a) == siteKey(b)
}

func siteKey(u *url.URL) string {
	h := hostKey(u.Hostname())
	port := u.Port()
	if (port == "80" && strings.EqualFold(u.Scheme, "http")) || (port == "443" && strings.EqualFold(u.Scheme, "https")) {
		port = ""
	}
	return h + ":" + port
}

// hostKey is a host name compared as sameSite compares them: without case, a final dot or a leading "www.".
func hostKey(h string) string {
	return strings.TrimPrefix(strings.TrimSuffix(strings.ToLower(h), "."), "www.")
}

// looksLikePage rules out links to files that are not pages.
func looksLikePage(path string) bool {
	p := strings.ToLower(path)
	for _, ext := range []string{".pdf", ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".zip", ".gz", ".mp4", ".mp3", ".css", ".js", ".xml", ".json", ".ico", ".woff", ".woff2"} {
		if strings.HasSuffix(p, ext) {
			return false
		}
	}
	return true
}

// titleSeparators split a page's own title from the site's name ("Charge your battery | Lark Help").
var titleSeparators = []string{" | ", " – ", " — ", " - ", " · ", " :: ", " » "}

// StripSiteName removes the site name that most pages' titles share as a prefix or suffix, so that the
// title says what the page is about: the name adds nothing to tell pages apart, and would make every
// request naming the brand look like a title match. It changes nothing unless at least half of the pages
// (and at least three) share the same affix.
func StripSiteName(pages []heed.Page) {
	if len(pages) < 3 {
		return
	}
	count := map[string]int{}
	for _, p := range pages {
		seen := map[string]bool{}
		for _, sep := range titleSeparators {
			if i := strings.LastIndex(p.Title, sep); i > 0 {
				if a := "S" + p.Title[i:]; !seen[a] {
					seen[a] = true
					count[a]++
				}
			}
			if i := strings.Index(p.Title, sep); i > 0 {
				if a := "P" + p.Title[:i+len(sep)]; !seen[a] {
					seen[a] = true
					count[a]++
				}
			}
		}
	}
	best, n := "", 0
	for a, c := range count {
		if c > n || (c == n && a < best) {
			best, n = a, c
		}
	}
	if n < 3 || 2*n < len(pages) {
		return
	}
	affix := best[1:]
	for i := range pages {
		t := pages[i].Title
		if best[0] == 'S' {
			t = strings.TrimSuffix(t, affix)
		} else {
			t = strings.TrimPrefix(t, affix)
		}
		if t = strings.TrimSpace(t); t != "" {
			pages[i].Title = t
		}
	}
}

package site

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

func fetcher(t *testing.T) *crawler.Fetcher {
	t.Helper()
	f, err := crawler.NewFetcher(crawler.FetchConfig{Retries: 0, Delay: time.Millisecond, Parallel: 4}, nil, crawler.NewMetrics(prometheus.NewRegistry()))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func page(title, extra string) string {
	return "<html><head><title>" + title + "</title>" + extra + "</head><body><main><h1>" + title + "</h1><p>About " + title + ".</p></main></body></html>"
}

func TestCrawlThroughSitemaps(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := srv.URL
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprintf(w, "User-agent: *\nDisallow: /private/\nSitemap: %s/sitemap_index.xml\n", u)
		case "/sitemap_index.xml":
			fmt.Fprintf(w, `<sitemapindex><sitemap><loc>%s/s1.xml</loc></sitemap><sitemap><loc>%s/s2.xml.gz</loc></sitemap></sitemapindex>`, u, u)
		case "/s1.xml":
			fmt.Fprintf(w, `<urlset><url><loc>%[1]s/a</loc><lastmod>2026-02-03</lastmod></url><url><loc>%[1]s/private/x</loc></url>
				<url><loc>%[1]s/hidden</loc></url><url><loc>https://elsewhere.example/z</loc></url><url><loc>%[1]s/missing</loc></url></urlset>`, u)
		case "/s2.xml.gz":
			w.Header().Set("Content-Type", "application/x-gzip")
			zw := gzip.NewWriter(w)
			fmt.Fprintf(zw, `<urlset><url><loc>%[1]s/b</loc></url><url><loc>%[1]s/b?ref=mail</loc></url><url><loc>%[1]s/manual.pdf</loc></url><url><loc>%[1]s/a</loc></url></urlset>`, u)
			zw.Close()
		case "/a":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, page("Page A", ""))
		case "/b":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, page("Page B", `<link rel="canonical" href="`+u+`/b">`))
		case "/private/x":
			t.Error("a page robots.txt disallows was fetched")
		case "/hidden":
			fmt.Fprint(w, page("Hidden", `<meta name="robots" content="noindex">`))
		case "/manual.pdf":
			w.Header().Set("Content-Type", "application/pdf")
			fmt.Fprint(w, "%PDF-1.4")
		default:
			if r.URL.Path == "/b" {
				return
			}
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	// /b?ref=mail is served by the /b case (same path) and declares the same canonical: one page.
	c := New(fetcher(t), Options{Workers: 3})
	pages, rep, err := c.Crawl(context.Background(), srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pages {
		got = append(got, p.URL+" "+p.Title)
	}
	want := []string{srv.URL + "/a Page A", srv.URL + "/b Page B"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	if pages[0].Modified.IsZero() {
		t.Error("lastmod from the sitemap was not kept")
	}
	wantSkips := map[string]int{"robots": 1, "noindex": 1, "off_site": 1, "http_error": 1, "not_html": 1, "duplicate": 1}
	if diff := cmp.Diff(wantSkips, rep.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	// Each skipped page is named with its reason (the run's log and the report name them).
	named := map[string]int{}
	for _, p := range rep.SkippedPages {
		named[p.Reason]++
		if !strings.HasPrefix(p.URL, "http") {
			t.Errorf("skipped page %+v: want its URL", p)
		}
	}
	if diff := cmp.Diff(wantSkips, named); diff != "" {
		t.Errorf("skipped pages named, by reason (-want +got):\n%s", diff)
	}
	if rep.Sitemaps != 3 || rep.Listed != 7 {
		t.Errorf("report = %+v; want 3 sitemaps read and 7 on-site pages listed", rep)
	}
}

func TestCrawlFollowsLinksWithoutASitemap(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<html><title>Home</title><body><a href="/p1">1</a><a href="/p2">2</a><a href="https://out.example/">out</a><a href="/logo.png">logo</a></body></html>`)
		case "/p1":
			fmt.Fprint(w, `<html><title>P1</title><body><a href="/p3">3</a><a href="/">home</a></body></html>`)
		case "/p2", "/p3":
			fmt.Fprintf(w, `<html><title>%s</title><body>text</body></html>`, strings.ToUpper(r.URL.Path[1:]))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	pages, _, err := New(fetcher(t), Options{}).Crawl(context.Background(), srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, p := range pages {
		titles = append(titles, p.Title)
	}
	sort.Strings(titles)
	if diff := cmp.Diff([]string{"Home", "P1", "P2", "P3"}, titles); diff != "" {
		t.Errorf("titles (-want +got):\n%s", diff)
	}
	limited, rep, err := New(fetcher(t), Options{MaxPages: 2}).Crawl(context.Background(), srv.URL+"/")
	if err != nil || len(limited) != 2 || rep.Skipped["limit"] == 0 {
		t.Errorf("with MaxPages 2: %d pages, skipped %v, err %v", len(limited), rep.Skipped, err)
	}
}

func TestCrawlOfADeadSiteKeepsNothing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 503) }))
	defer srv.Close()
	_, _, err := New(fetcher(t), Options{}).Crawl(context.Background(), srv.URL)
	if !errors.Is(err, ErrNoPages) {
		t.Errorf("a site answering 503 everywhere gave %v, want ErrNoPages", err)
	}
	if _, _, err := New(fetcher(t), Options{}).Crawl(context.Background(), "ftp://x"); !errors.Is(err, crawler.ErrBadInput) {
		t.Errorf("an ftp site gave %v", err)
	}
}

func TestStripSiteName(t *testing.T) {
	titles := func(ts ...string) []heed.Page {
		var out []heed.Page
		for _, x := range ts {
			out = append(out, heed.Page{Title: x})
		}
		return out
	}
	get := func(ps []heed.Page) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Title)
		}
		return out
	}
	tests := []struct {
		name string
		in   []heed.Page
		want []string
	}{
		{"suffix", titles("Charge | Lark Help", "Brakes | Lark Help", "Prices | Lark Help", "Lark Help"),
			[]string{"Charge", "Brakes", "Prices", "Lark Help"}},
		{"prefix", titles("Lark – Charge", "Lark – Brakes", "Lark – Prices"), []string{"Charge", "Brakes", "Prices"}},
		{"minority affix kept", titles("Charge | Lark", "Brakes", "Prices", "Tyres", "Lights | Lark"),
			[]string{"Charge | Lark", "Brakes", "Prices", "Tyres", "Lights | Lark"}},
		{"too few pages", titles("A | X", "B | X"), []string{"A | X", "B | X"}},
		{"separator inside a title", titles("Commuter - Fold compared | Lark", "Brakes | Lark", "Prices | Lark"),
			[]string{"Commuter - Fold compared", "Brakes", "Prices"}},
	}
	for _, tt := range tests {
		StripSiteName(tt.in)
		if diff := cmp.Diff(tt.want, get(tt.in)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestSecondCrawlRevalidates(t *testing.T) {
	var full int
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprintf(w, "Sitemap: %s/sitemap.xml\n", srv.URL)
			return
		case "/sitemap.xml":
			fmt.Fprintf(w, `<urlset><url><loc>%[1]s/a</loc></url><url><loc>%[1]s/b</loc></url></urlset>`, srv.URL)
			return
		}
		etag := `"` + r.URL.Path + `-v1"`
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full++
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Page "+r.URL.Path, ""))
	}))
	defer srv.Close()
	dir := t.TempDir()
	crawl := func() ([]heed.Page, Report) {
		f, err := crawler.NewFetcher(crawler.FetchConfig{Retries: 0, Delay: time.Millisecond, CacheDir: dir}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		pages, rep, err := New(f, Options{}).Crawl(context.Background(), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		return pages, rep
	}
	first, _ := crawl()
	second, rep := crawl()
	if full != 2 || rep.Unchanged != 2 {
		t.Errorf("pages downloaded %d times in two crawls, %d unchanged in the second; want 2 and 2", full, rep.Unchanged)
	}
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("the second crawl's pages differ (-first +second):\n%s", diff)
	}
}

// TestCrawlReachesNoPrivateHostTheSiteNamed: robots.txt and sitemap indexes name URLs, they are not
// configuration: a sitemap on another private or loopback host is not fetched (only the configured
// site's host may be private), and the refusal is counted.
func TestCrawlReachesNoPrivateHostTheSiteNamed(t *testing.T) {
	tests := []struct {
		name  string
		other func(t *testing.T, h http.Handler) string // the base URL of another private host
	}{
		{"loopback under a name", func(t *testing.T, h http.Handler) string {
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
			return "http://localhost:" + port
		}},
		{"another loopback address", func(t *testing.T, h http.Handler) string {
			l, err := net.Listen("tcp", "127.0.0.2:0")
			if err != nil {
				t.Skipf("cannot listen on 127.0.0.2: %v", err)
			}
			srv := httptest.NewUnstartedServer(h)
			srv.Listener.Close()
			srv.Listener = l
			srv.Start()
			t.Cleanup(srv.Close)
			return srv.URL
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			other := tt.other(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				fmt.Fprintf(w, `<urlset><url><loc>%s/secret</loc></url></urlset>`, "http://"+r.Host)
			}))
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/robots.txt":
					fmt.Fprintf(w, "Sitemap: %s/robots-sitemap.xml\nSitemap: %s/index.xml\n", other, srv.URL)
				case "/index.xml":
					fmt.Fprintf(w, `<sitemapindex><sitemap><loc>%s/child.xml</loc></sitemap><sitemap><loc>%s/s.xml</loc></sitemap></sitemapindex>`, other, srv.URL)
				case "/s.xml":
					fmt.Fprintf(w, `<urlset><url><loc>%s/a</loc></url></urlset>`, srv.URL)
				case "/a":
					w.Header().Set("Content-Type", "text/html")
					fmt.Fprint(w, page("Page A", ""))
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			pages, rep, err := New(fetcher(t), Options{}).Crawl(context.Background(), srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if len(pages) != 1 || pages[0].URL != srv.URL+"/a" {
				t.Errorf("pages = %+v, want the site's page /a only", pages)
			}
			if hits.Load() != 0 {
				t.Errorf("the other private host saw %d requests, want none", hits.Load())
			}
			if diff := cmp.Diff(map[string]int{"forbidden_host": 2}, rep.SitemapErrors); diff != "" {
				t.Errorf("sitemap errors (-want +got):\n%s", diff)
			}
			if rep.Sitemaps != 2 {
				t.Errorf("%d sitemaps read, want 2 (the site's index and its own sitemap)", rep.Sitemaps)
			}
		})
	}
}

// TestCrawlHonoursCanonicalsOnTheSiteOnly: a canonical link to another site is ignored (the page keeps
// its own URL) and counted; one to the same site, under https or "www.", is honoured.
func TestCrawlHonoursCanonicalsOnTheSiteOnly(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := strings.TrimPrefix(srv.URL, "http://")
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprintf(w, "Sitemap: %s/sitemap.xml\n", srv.URL)
		case "/sitemap.xml":
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprintf(w, `<urlset><url><loc>%[1]s/a</loc></url><url><loc>%[1]s/b</loc></url><url><loc>%[1]s/c</loc></url><url><loc>%[1]s/d</loc></url></urlset>`, srv.URL)
		case "/a":
			fmt.Fprint(w, page("Page A", `<link rel="canonical" href="https://evil.example/phish">`))
		case "/b":
			fmt.Fprint(w, page("Page B", `<link rel="canonical" href="https://www.`+host+`/b-canonical">`))
		case "/c":
			h, port, _ := net.SplitHostPort(host)
			fmt.Fprint(w, page("Page C", `<link rel="canonical" href="//`+h+`.evil.example:`+port+`/c">`))
		case "/d":
			fmt.Fprint(w, page("Page D", `<link rel="canonical" href="/d-canonical">`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	pages, rep, err := New(fetcher(t), Options{}).Crawl(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pages {
		got = append(got, p.URL)
	}
	want := []string{srv.URL + "/a", "https://www." + host + "/b-canonical", srv.URL + "/c", srv.URL + "/d-canonical"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("page URLs (-want +got):\n%s", diff)
	}
	if rep.OffsiteCanonical != 2 {
		t.Errorf("off-site canonicals counted = %d, want 2", rep.OffsiteCanonical)
	}
}

func TestSameSite(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"https://help.example/x", "https://help.example/y", true},
		{"http://help.example/x", "https://help.example/y", true},
		{"https://www.help.example/", "https://help.example/", true},
		{"https://HELP.example./", "https://help.example/", true},
		{"https://help.example:443/", "http://help.example/", true},
		{"http://127.0.0.1:8080/", "https://127.0.0.1:8080/", true},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8081/", false},
		{"https://help.example/", "https://evil.example/", false},
		{"https://help.example/", "https://help.example.evil.example/", false},
		{"https://help.example/", "https://evilhelp.example/", false},
		{"https://help.example/", "https://www2.help.example/", false},
		{"https://help.example/", "https://support.help.example/", false},
	}
	for _, tt := range tests {
		a, _ := url.Parse(tt.a)
		b, _ := url.Parse(tt.b)
		if got := sameSite(a, b); got != tt.want {
			t.Errorf("sameSite(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestCrawlSkipsPagesRedirectedOffSite: a page that redirects to another site does not become a page
// under that site's URL. (The other site here is a trusted loopback host, standing in for a public one.)
func TestCrawlSkipsPagesRedirectedOffSite(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Elsewhere", ""))
	}))
	defer other.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(other.URL, "http://"))
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprintf(w, "Sitemap: %s/sitemap.xml\n", srv.URL)
		case "/sitemap.xml":
			fmt.Fprintf(w, `<urlset><url><loc>%[1]s/a</loc></url><url><loc>%[1]s/moved</loc></url></urlset>`, srv.URL)
		case "/moved":
			http.Redirect(w, r, "http://localhost:"+port+"/elsewhere", http.StatusMovedPermanently)
		case "/a":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, page("Page A", ""))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	f, err := crawler.NewFetcher(crawler.FetchConfig{Retries: 0, Delay: time.Millisecond, Trusted: []string{"localhost"}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	pages, rep, err := New(f, Options{}).Crawl(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || pages[0].URL != srv.URL+"/a" {
		t.Errorf("pages = %+v, want the site's page /a only", pages)
	}
	if rep.Skipped["off_site"] != 1 {
		t.Errorf("skipped = %v, want one off_site", rep.Skipped)
	}
}

// A crawl of a staging or mirror copy (the demo's loopback copy of its help centre) names the public host
// its canonical links point to: those are honoured as the site's own, other hosts still are not.
func TestCrawlHonoursCanonicalsOnTheHostsItIsTold(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprintf(w, "Sitemap: %s/sitemap.xml\n", srv.URL)
		case "/sitemap.xml":
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprintf(w, `<urlset><url><loc>%[1]s/a</loc></url><url><loc>%[1]s/b</loc></url><url><loc>%[1]s/c</loc></url></urlset>`, srv.URL)
		case "/a":
			fmt.Fprint(w, page("Page A", `<link rel="canonical" href="https://help.example/a">`))
		case "/b":
			fmt.Fprint(w, page("Page B", `<link rel="canonical" href="https://www.HELP.example./b">`))
		case "/c":
			fmt.Fprint(w, page("Page C", `<link rel="canonical" href="https://help.example.evil.example/c">`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	pages, rep, err := New(fetcher(t), Options{CanonicalHosts: []string{"help.example"}}).Crawl(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pages {
		got = append(got, p.URL)
	}
	want := []string{"https://help.example/a", "https://www.HELP.example./b", srv.URL + "/c"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("page URLs (-want +got):\n%s", diff)
	}
	if rep.OffsiteCanonical != 1 {
		t.Errorf("off-site canonicals counted = %d, want 1", rep.OffsiteCanonical)
	}
}

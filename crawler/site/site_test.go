package site

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
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
			fmt.Fprint(w, page("Page B", `<link rel="canonical" href="https://www.h.example/b">`))
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
	want := []string{srv.URL + "/a Page A", "https://www.h.example/b Page B"}
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

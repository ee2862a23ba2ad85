package site

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed/crawler"
)

func TestParseSitemap(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Sitemap
		err  bool
	}{
		{"urlset", `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://h.example/a </loc><lastmod>2026-09-14</lastmod></url>
  <url><loc>https://h.example/b?x=1&amp;y=2</loc><lastmod>2026-09-14T10:00:00+02:00</lastmod><priority>0.5</priority></url>
  <url><lastmod>2026-01-01</lastmod></url>
</urlset>`, Sitemap{URLs: []SitemapEntry{
			{Loc: "https://h.example/a", LastMod: time.Date(2026, 9, 14, 0, 0, 0, 0, time.UTC)},
			{Loc: "https://h.example/b?x=1&y=2", LastMod: time.Date(2026, 9, 14, 8, 0, 0, 0, time.UTC)},
		}}, false},
		{"index", `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://h.example/s1.xml.gz</loc></sitemap></sitemapindex>`,
			Sitemap{Sitemaps: []SitemapEntry{{Loc: "https://h.example/s1.xml.gz"}}}, false},
		{"truncated keeps what was read", `<urlset><url><loc>https://h.example/a</loc></url><url><loc>https://h.exa`,
			Sitemap{URLs: []SitemapEntry{{Loc: "https://h.example/a"}}}, false},
		{"html is not a sitemap", `<html><body>Not found</body></html>`, Sitemap{}, true},
		{"empty", ``, Sitemap{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSitemap([]byte(tt.body))
			if tt.err {
				if !errors.Is(err, crawler.ErrParse) {
					t.Fatalf("error = %v, want ErrParse", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("sitemap (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRobotsSitemaps(t *testing.T) {
	got := RobotsSitemaps([]byte("User-agent: *\nDisallow: /x\nSitemap: https://h.example/sitemap.xml # main\nsitemap:https://h.example/news.xml\nSitemap:\n"))
	if diff := cmp.Diff([]string{"https://h.example/sitemap.xml", "https://h.example/news.xml"}, got); diff != "" {
		t.Errorf("sitemaps (-want +got):\n%s", diff)
	}
}

func FuzzParseSitemap(f *testing.F) {
	f.Add([]byte(`<urlset><url><loc>https://h.example/a</loc></url></urlset>`))
	f.Add([]byte(`<sitemapindex><sitemap><loc>x</loc></sitemap></sitemapindex>`))
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><urlset><url><loc>\xe9</loc></url></urlset>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sm, err := ParseSitemap(b)
		if err != nil {
			return
		}
		if len(sm.URLs) > maxSitemapEntries || len(sm.Sitemaps) > maxSitemapEntries {
			t.Fatal("over the protocol's limit")
		}
		for _, e := range sm.URLs {
			if e.Loc == "" {
				t.Fatal("an entry without a location")
			}
		}
	})
}

func FuzzRobotsSitemaps(f *testing.F) {
	f.Add([]byte("User-agent: *\nSitemap: https://h.example/s.xml\n"))
	f.Add([]byte("sitemap:\n#x\nSITEMAP : y"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, s := range RobotsSitemaps(b) {
			if s == "" {
				t.Fatal("an empty sitemap location")
			}
		}
	})
}

package site

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/heed-dev/heed/crawler"
)

// SitemapEntry is one <url> of a sitemap, or one <sitemap> of a sitemap index.
type SitemapEntry struct {
	Loc     string
	LastMod time.Time
}

// Sitemap is a parsed sitemap document: either a list of pages or an index of further sitemaps.
type Sitemap struct {
	URLs     []SitemapEntry
	Sitemaps []SitemapEntry
}

// maxSitemapEntries bounds one sitemap, as the protocol does (50,000 URLs a file).
const maxSitemapEntries = 50_000

// ParseSitemap reads a sitemap or a sitemap index (sitemaps.org 0.9). Gzip is undone by the fetcher.
// Entries without a location are skipped; entries beyond 50,000 are ignored, as the protocol allows no more.
func ParseSitemap(body []byte) (Sitemap, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var sm Sitemap
	var root string
	var cur *SitemapEntry
	var field string
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			if root == "" {
				return Sitemap{}, fmt.Errorf("%w: not a sitemap: %v", crawler.ErrParse, err)
			}
			break // a truncated sitemap still gives the entries read so far
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if root == "" {
				root = name
				if root != "urlset" && root != "sitemapindex" {
					return Sitemap{}, fmt.Errorf("%w: root element <%s>, want <urlset> or <sitemapindex>", crawler.ErrParse, root)
				}
				continue
			}
			switch name {
			case "url", "sitemap":
				cur = &SitemapEntry{}
			case "loc", "lastmod":
				field = name
				text.Reset()
			}
		case xml.CharData:
			if field != "" {
				text.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "loc", "lastmod":
				if cur != nil {
					v := strings.TrimSpace(text.String())
					if field == "loc" {
						cur.Loc = v
					} else {
						cur.LastMod = parseLastMod(v)
					}
				}
				field = ""
			case "url", "sitemap":
				if cur != nil && cur.Loc != "" {
					if t.Name.Local == "url" && len(sm.URLs) < maxSitemapEntries {
						sm.URLs = append(sm.URLs, *cur)
					} else if t.Name.Local == "sitemap" && len(sm.Sitemaps) < maxSitemapEntries {
						sm.Sitemaps = append(sm.Sitemaps, *cur)
					}
				}
				cur = nil
			}
		}
	}
	return sm, nil
}

func parseLastMod(v string) time.Time {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// RobotsSitemaps returns the Sitemap: lines of a robots.txt.
func RobotsSitemaps(body []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), "sitemap") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

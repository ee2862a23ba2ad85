package forum

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// Feed reads the items of an RSS 2.0, RSS 1.0 or Atom feed: a forum's or Q&A site's new questions. Base
// is the feed's URL; with {q} in it, the feed is asked once per seed (a search feed). robots.txt is obeyed,
// and an unchanged feed is not fetched again (conditional requests).
type Feed struct {
	name     string
	template string
	f        getter
}

// NewFeed builds a feed source.
func NewFeed(spec crawler.Spec, f getter) (*Feed, error) {
	name := spec.SourceName()
	u, err := url.Parse(strings.ReplaceAll(spec.Base, "{q}", "x"))
	if spec.Base == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("source %s: feed needs the feed's URL as base, such as feed=https://forum.example.com/latest.rss", name)
	}
	return &Feed{name: name, template: spec.Base, f: f}, nil
}

// Name is the configured source name.
func (s *Feed) Name() string { return s.name }

// Kind is "feed".
func (s *Feed) Kind() string { return "feed" }

// Units: the feed once, or once per seed when its URL holds {q}.
func (s *Feed) Units(seeds []string) []crawler.Unit {
	return templateUnits(s.name, s.template, seeds)
}

// Fetch reads the feed.
func (s *Feed) Fetch(ctx context.Context, u crawler.Unit) ([]heed.Sighting, error) {
	link := strings.ReplaceAll(s.template, "{q}", url.QueryEscape(u.Query))
	resp, err := s.f.Get(ctx, link, crawler.GetOptions{Source: s.name, Robots: true, Revalidate: true,
		Header: map[string][]string{"Accept": {"application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"}}})
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", crawler.Redact(link), err)
	}
	if err := crawler.CheckStatus(resp); err != nil {
		return nil, fmt.Errorf("feed %s: %w", crawler.Redact(link), err)
	}
	if err := crawler.DetectBlock(resp.Body, "a feed"); err != nil {
		return nil, fmt.Errorf("feed %s: %w", crawler.Redact(link), err)
	}
	items, err := ParseFeed(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", crawler.Redact(link), err)
	}
	out := make([]heed.Sighting, 0, len(items))
	for i, it := range items {
		sg := heed.Sighting{Text: it.Title, Source: "feed", URL: resolve(resp.URL, it.Link), Seed: u.Seed, Position: i + 1}
		if !it.Published.IsZero() {
			t := it.Published
			sg.Created = &t
		}
		if it.Comments >= 0 {
			n := it.Comments
			answered := n > 0
			sg.Answers, sg.Answered = &n, &answered
		}
		out = append(out, sg)
	}
	return out, nil
}

func resolve(base *url.URL, link string) string {
	if base == nil {
		return link
	}
	u, err := base.Parse(strings.TrimSpace(link))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return base.String()
	}
	return u.String()
}

// FeedItem is one item or entry of a feed.
type FeedItem struct {
	Title     string
	Link      string
	Published time.Time
	Comments  int // -1 when the feed does not say
}

type rssItem struct {
	Title    string `xml:"title"`
	Link     string `xml:"link"`
	GUID     string `xml:"guid"`
	PubDate  string `xml:"pubDate"`
	DCDate   string `xml:"http://purl.org/dc/elements/1.1/ date"`
	Comments *int   `xml:"http://purl.org/rss/1.0/modules/slash/ comments"`
}

type atomEntry struct {
	Title struct {
		Type string `xml:"type,attr"`
		Text string `xml:",chardata"`
	} `xml:"title"`
	Links []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	ID        string `xml:"id"`
	Published string `xml:"published"`
	Updated   string `xml:"updated"`
	Total     *int   `xml:"http://purl.org/syndication/thread/1.0 total"`
}

// maxFeedItems bounds the items read from one feed.
const maxFeedItems = 10_000

// ParseFeed reads RSS 2.0 (<rss><channel><item>), RSS 1.0 (<rdf:RDF><item>) and Atom (<feed><entry>), in
// any character set the XML declares. Items without a title are skipped; titles are unescaped and
// stripped of markup.
func ParseFeed(body []byte) ([]FeedItem, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = charset.NewReaderLabel
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	var root xml.StartElement
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: not a feed: %v", crawler.ErrParse, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			root = se
			break
		}
	}
	var out []FeedItem
	add := func(it FeedItem) {
		it.Title = feedText(it.Title)
		if it.Title != "" && len(out) < maxFeedItems {
			out = append(out, it)
		}
	}
	switch strings.ToLower(root.Name.Local) {
	case "rss", "rdf":
		var doc struct {
			Channel struct {
				Items []rssItem `xml:"item"`
			} `xml:"channel"`
			Items []rssItem `xml:"item"`
		}
		if err := dec.DecodeElement(&doc, &root); err != nil && len(doc.Channel.Items)+len(doc.Items) == 0 {
			return nil, fmt.Errorf("%w: unreadable RSS: %v", crawler.ErrParse, err)
		}
		for _, it := range append(doc.Channel.Items, doc.Items...) {
			fi := FeedItem{Title: it.Title, Link: strings.TrimSpace(it.Link), Comments: -1}
			if fi.Link == "" && strings.HasPrefix(strings.TrimSpace(it.GUID), "http") {
				fi.Link = strings.TrimSpace(it.GUID)
			}
			fi.Published = feedTime(it.PubDate)
			if fi.Published.IsZero() {
				fi.Published = feedTime(it.DCDate)
			}
			if it.Comments != nil {
				fi.Comments = *it.Comments
			}
			add(fi)
		}
	case "feed":
		var doc struct {
			Entries []atomEntry `xml:"entry"`
		}
		if err := dec.DecodeElement(&doc, &root); err != nil && len(doc.Entries) == 0 {
			return nil, fmt.Errorf("%w: unreadable Atom: %v", crawler.ErrParse, err)
		}
		for _, e := range doc.Entries {
			fi := FeedItem{Title: e.Title.Text, Comments: -1}
			for _, l := range e.Links {
				if l.Rel == "" || l.Rel == "alternate" {
					fi.Link = l.Href
					break
				}
			}
			if fi.Link == "" && len(e.Links) > 0 {
				fi.Link = e.Links[0].Href
			}
			fi.Published = feedTime(e.Published)
			if fi.Published.IsZero() {
				fi.Published = feedTime(e.Updated)
			}
			if e.Total != nil {
				fi.Comments = *e.Total
			}
			add(fi)
		}
	default:
		return nil, fmt.Errorf("%w: root element <%s> is not rss, RDF or feed", crawler.ErrParse, root.Name.Local)
	}
	return out, nil
}

// feedText turns a feed title into one line of text: entities that survived XML decoding (feeds that
// escape twice) are decoded once more, and white space collapsed. Markup stays as text: a title is what
// its author wrote, and reports escape it.
func feedText(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

func feedTime(v string) time.Time {
	v = strings.TrimSpace(v)
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC3339, time.RFC3339Nano, "Mon, 2 Jan 2006 15:04:05 -0700",
		"Mon, 2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05 -0700", "2006-01-02T15:04:05Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

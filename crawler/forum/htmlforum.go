package forum

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// HTMLForum reads questions from any forum's HTML through CSS selectors, following its next-page links.
// Base is the list page's URL; with {q} in it, it is a search page asked once per seed. Options: item (the
// selector of each question, required), title (within an item, default "a"), link (within an item, its
// href; default the title's), votes, answers, views (within an item, text holding a number), date (within
// an item: a datetime or title attribute, or its text), next (the next-page link, anywhere on the page),
// pages (most pages, default 3). robots.txt is obeyed.
type HTMLForum struct {
	name     string
	template string
	sel      HTMLSelectors
	pages    int
	f        getter
}

// HTMLSelectors are the CSS selectors that find a forum's questions on its pages.
type HTMLSelectors struct {
	Item, Title, Link, Votes, Answers, Views, Date, Next string
}

// NewHTMLForum builds an HTML forum source.
func NewHTMLForum(spec crawler.Spec, f getter) (*HTMLForum, error) {
	name := spec.SourceName()
	u, err := url.Parse(strings.ReplaceAll(spec.Base, "{q}", "x"))
	if spec.Base == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("source %s: html needs the forum page's URL as base", name)
	}
	s := &HTMLForum{name: name, template: spec.Base, f: f, sel: HTMLSelectors{
		Item: spec.Option("item", ""), Title: spec.Option("title", "a"), Link: spec.Option("link", ""),
		Votes: spec.Option("votes", ""), Answers: spec.Option("answers", ""), Views: spec.Option("views", ""),
		Date: spec.Option("date", ""), Next: spec.Option("next", ""),
	}}
	if s.sel.Item == "" {
		return nil, fmt.Errorf("source %s: html needs the item option: the CSS selector of each question", name)
	}
	for k, v := range map[string]string{"item": s.sel.Item, "title": s.sel.Title, "link": s.sel.Link, "votes": s.sel.Votes,
		"answers": s.sel.Answers, "views": s.sel.Views, "date": s.sel.Date, "next": s.sel.Next} {
		if v != "" {
			if err := checkSelector(v); err != nil {
				return nil, fmt.Errorf("source %s: option %s=%q: %v", name, k, v, err)
			}
		}
	}
	if s.pages, err = spec.IntOption("pages", 3, 1, 100); err != nil {
		return nil, err
	}
	return s, nil
}

// checkSelector compiles a selector: goquery would silently match nothing with a bad one.
func checkSelector(sel string) error {
	if _, err := cascadia.ParseGroup(sel); err != nil {
		return fmt.Errorf("not a CSS selector: %v", err)
	}
	return nil
}

// Name is the configured source name.
func (s *HTMLForum) Name() string { return s.name }

// Kind is "html".
func (s *HTMLForum) Kind() string { return "html" }

// Units: the list once, or a search per seed when the URL holds {q}.
func (s *HTMLForum) Units(seeds []string) []crawler.Unit {
	return templateUnits(s.name, s.template, seeds)
}

// Fetch reads the list and follows next-page links on the same host, up to the pages option. A later
// page that fails ends the listing and is counted; the pages read are kept (see crawler.ReadPages).
func (s *HTMLForum) Fetch(ctx context.Context, u crawler.Unit) ([]heed.Sighting, error) {
	link := strings.ReplaceAll(s.template, "{q}", url.QueryEscape(u.Query))
	visited := map[string]bool{link: true}
	return crawler.ReadPages(ctx, s.f, s.name, s.pages, func(int) ([]heed.Sighting, bool, error) {
		items, next, err := s.page(ctx, u, link)
		if err != nil {
			return nil, false, fmt.Errorf("html forum %s: %w", crawler.Redact(link), err)
		}
		link = next
		if next == "" || visited[next] {
			return items, false, nil
		}
		visited[next] = true
		return items, true, nil
	})
}

// page reads the questions at link and the next page's URL when it is on the same host ("" otherwise).
func (s *HTMLForum) page(ctx context.Context, u crawler.Unit, link string) ([]heed.Sighting, string, error) {
	resp, err := s.f.Get(ctx, link, crawler.GetOptions{Source: s.name, Robots: true,
		Header: map[string][]string{"Accept": {"text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}}})
	if err != nil {
		return nil, "", err
	}
	if err := crawler.CheckStatus(resp); err != nil {
		return nil, "", err
	}
	items, next, err := ParseHTMLForum(resp.URL, resp.Body, s.sel)
	if err != nil {
		return nil, "", err
	}
	out := make([]heed.Sighting, 0, len(items))
	for i, it := range items {
		sg := heed.Sighting{Text: it.Title, Source: "html", URL: it.Link, Seed: u.Seed, Position: i + 1,
			Score: it.Votes, Answers: it.Answers, Views: it.Views}
		if it.Answers != nil {
			answered := *it.Answers > 0
			sg.Answered = &answered
		}
		if !it.Date.IsZero() {
			d := it.Date
			sg.Created = &d
		}
		out = append(out, sg)
	}
	if next != "" {
		if nu, err := url.Parse(next); err != nil || nu.Host != resp.URL.Host {
			next = ""
		}
	}
	return out, next, nil
}

// HTMLItem is one question found on a forum page.
type HTMLItem struct {
	Title                 string
	Link                  string
	Votes, Answers, Views *int
	Date                  time.Time
}

// ParseHTMLForum finds the questions on a forum page with the selectors, and the next page's URL.
func ParseHTMLForum(base *url.URL, body []byte, sel HTMLSelectors) ([]HTMLItem, string, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, "", fmt.Errorf("%w: unreadable HTML: %v", crawler.ErrParse, err)
	}
	var items []HTMLItem
	doc.Find(sel.Item).Each(func(_ int, it *goquery.Selection) {
		t := it.Find(sel.Title).First()
		if t.Length() == 0 && sel.Title == "a" {
			t = it
		}
		title := strings.Join(strings.Fields(t.Text()), " ")
		if title == "" {
			return
		}
		l := t
		if sel.Link != "" {
			l = it.Find(sel.Link).First()
		}
		href, ok := l.Attr("href")
		if !ok {
			href, _ = l.Find("a[href]").First().Attr("href")
		}
		item := HTMLItem{Title: title, Link: resolve(base, href)}
		item.Votes = number(it, sel.Votes)
		item.Answers = number(it, sel.Answers)
		item.Views = number(it, sel.Views)
		if sel.Date != "" {
			d := it.Find(sel.Date).First()
			for _, v := range []string{d.AttrOr("datetime", ""), d.AttrOr("title", ""), strings.TrimSpace(d.Text())} {
				if t := feedTime(v); !t.IsZero() {
					item.Date = t
					break
				}
			}
		}
		items = append(items, item)
	})
	next := ""
	if sel.Next != "" {
		if href, ok := doc.Find(sel.Next).First().Attr("href"); ok {
			if u, err := base.Parse(strings.TrimSpace(href)); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
				next = u.String()
			}
		}
	}
	return items, next, nil
}

var numberRE = regexp.MustCompile(`(-?[0-9][0-9,.]*)\s*([kKmM]?)`)

// number reads the first number in the text (or title attribute) of the selection: "12", "1,204 views",
// "3.4k".
func number(it *goquery.Selection, sel string) *int {
	if sel == "" {
		return nil
	}
	s := it.Find(sel).First()
	if s.Length() == 0 {
		return nil
	}
	for _, text := range []string{s.Text(), s.AttrOr("title", "")} {
		m := numberRE.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		v := strings.ReplaceAll(m[1], ",", "")
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			continue
		}
		switch m[2] {
		case "k", "K":
			f *= 1000
		case "m", "M":
			f *= 1_000_000
		}
		n := int(f)
		return &n
	}
	return nil
}

package forum

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// Discourse reads topics from any Discourse forum: the latest topics (no seed), or a search per seed.
// Base is the forum's root URL (required). Options: method (search, the default with seeds; latest, the
// default without), pages (most pages, default 3), category (a category slug for latest).
type Discourse struct {
	name   string
	root   string
	method string
	pages  int
	f      getter
	// maxWait is the longest rate-limit wait honoured within a run.
	maxWait time.Duration
}

// NewDiscourse builds a Discourse source.
func NewDiscourse(spec crawler.Spec, f getter, maxWait time.Duration) (*Discourse, error) {
	d := &Discourse{name: spec.SourceName(), method: spec.Option("method", ""), f: f, maxWait: maxWait}
	u, err := url.Parse(spec.Base)
	if spec.Base == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("source %s: discourse needs the forum's URL as base, such as discourse=https://forum.example.com", d.name)
	}
	d.root = strings.TrimSuffix(u.Scheme+"://"+u.Host+u.Path, "/")
	switch d.method {
	case "", "search", "latest":
	default:
		return nil, fmt.Errorf("source %s: method %q: want search or latest", d.name, d.method)
	}
	if d.pages, err = spec.IntOption("pages", 3, 1, 50); err != nil {
		return nil, err
	}
	return d, nil
}

// Name is the configured source name.
func (d *Discourse) Name() string { return d.name }

// Kind is "discourse".
func (d *Discourse) Kind() string { return "discourse" }

// Units: a search per seed, or the latest topics once.
func (d *Discourse) Units(seeds []string) []crawler.Unit {
	if d.method == "latest" || (d.method == "" && len(seeds) == 0) {
		return listingUnits(d.name)
	}
	return seedUnits(d.name, seeds)
}

// Fetch pages through the latest topics (following more_topics_url) or the search results. A later page
// that fails ends the listing and is counted; the pages read are kept (see crawler.ReadPages).
func (d *Discourse) Fetch(ctx context.Context, u crawler.Unit) ([]heed.Sighting, error) {
	next := d.root + "/latest.json?page=0"
	if u.Query != "" {
		next = d.root + "/search.json?" + url.Values{"q": {u.Query}, "page": {"1"}}.Encode()
	}
	return crawler.ReadPages(ctx, d.f, d.name, d.pages, func(page int) ([]heed.Sighting, bool, error) {
		var topics []DiscourseTopic
		var err error
		topics, next, err = d.page(ctx, u, page, next)
		if err != nil {
			return nil, false, fmt.Errorf("discourse %q page %d: %w", u.Query, page, err)
		}
		out := make([]heed.Sighting, 0, len(topics))
		for i, t := range topics {
			out = append(out, t.sighting(u, i+1, d.root))
		}
		return out, next != "", nil
	})
}

// page reads the topics at link, page number page of the unit's listing, and the URL of the next page
// ("" on the last).
func (d *Discourse) page(ctx context.Context, u crawler.Unit, page int, link string) ([]DiscourseTopic, string, error) {
	body, err := d.get(ctx, link)
	if err != nil {
		return nil, "", err
	}
	if u.Query == "" {
		l, err := ParseDiscourseLatest(body)
		if err != nil {
			return nil, "", err
		}
		return l.Topics, d.nextLatest(l.MoreTopicsURL), nil
	}
	s, err := ParseDiscourseSearch(body)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if s.More && len(s.Topics) > 0 {
		next = d.root + "/search.json?" + url.Values{"q": {u.Query}, "page": {strconv.Itoa(page + 1)}}.Encode()
	}
	return s.Topics, next, nil
}

// get fetches one page. A 429's wait_seconds pauses the forum (only: other sources on the same host go
// on); a wait within the limit is waited out and the page asked again once, a longer one defers the forum
// for the run.
func (d *Discourse) get(ctx context.Context, link string) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		resp, err := d.f.Get(ctx, link, crawler.GetOptions{Source: d.name, Header: map[string][]string{"Accept": {"application/json"}}})
		if err != nil {
			return nil, err
		}
		if resp.Status == 429 {
			if wait, ok := DiscourseWait(resp.Body); ok {
				d.f.Pause(d.root+"/", wait, d.name)
				if attempt == 0 && wait <= d.maxWait {
					continue
				}
			}
		}
		if err := crawler.CheckStatus(resp); err != nil {
			return nil, err
		}
		if err := crawler.DetectBlock(resp.Body, "Discourse JSON"); err != nil {
			return nil, err
		}
		return resp.Body, nil
	}
}

// nextLatest turns more_topics_url ("/latest?page=1", a path from the site's root) into the JSON URL of
// the next page, on the forum's own host only.
func (d *Discourse) nextLatest(more string) string {
	if more == "" {
		return ""
	}
	root, err := url.Parse(d.root)
	if err != nil {
		return ""
	}
	ref, err := url.Parse(more)
	if err != nil {
		return ""
	}
	next := root.ResolveReference(ref)
	if next.Host != root.Host {
		return ""
	}
	// A forum in a subfolder: keep the subfolder if the path left it out.
	if p := strings.TrimSuffix(root.Path, "/"); p != "" && !strings.HasPrefix(next.Path, p+"/") {
		next.Path = p + next.Path
	}
	if !strings.HasSuffix(next.Path, ".json") {
		next.Path += ".json"
	}
	return next.String()
}

// DiscourseWait reads the wait a Discourse 429 body asks for: {"error_type": "rate_limit", "extras":
// {"wait_seconds": N}}.
func DiscourseWait(body []byte) (time.Duration, bool) {
	var doc struct {
		ErrorType string `json:"error_type"`
		Extras    struct {
			WaitSeconds float64 `json:"wait_seconds"`
		} `json:"extras"`
	}
	if json.Unmarshal(body, &doc) != nil || doc.Extras.WaitSeconds <= 0 || doc.Extras.WaitSeconds > 86400 {
		return 0, false
	}
	return time.Duration(doc.Extras.WaitSeconds * float64(time.Second)), true
}

// DiscourseTopic is a topic as Discourse lists it.
type DiscourseTopic struct {
	ID                int    `json:"id"`
	Title             string `json:"title"`
	FancyTitle        string `json:"fancy_title"`
	Slug              string `json:"slug"`
	PostsCount        int    `json:"posts_count"`
	ReplyCount        int    `json:"reply_count"`
	Views             int    `json:"views"`
	LikeCount         int    `json:"like_count"`
	CreatedAt         string `json:"created_at"`
	LastPostedAt      string `json:"last_posted_at"`
	Closed            bool   `json:"closed"`
	HasAcceptedAnswer bool   `json:"has_accepted_answer"`
	Blurb             string `json:"-"`
}

func (t DiscourseTopic) sighting(u crawler.Unit, pos int, root string) heed.Sighting {
	text := t.Title
	if text == "" {
		text = html.UnescapeString(t.FancyTitle)
	}
	replies := t.ReplyCount
	if replies == 0 && t.PostsCount > 1 {
		replies = t.PostsCount - 1
	}
	views, likes := t.Views, t.LikeCount
	answered := replies > 0 || t.HasAcceptedAnswer
	accepted := t.HasAcceptedAnswer
	s := heed.Sighting{Text: text, Source: "discourse", URL: fmt.Sprintf("%s/t/%s/%d", root, t.Slug, t.ID), Seed: u.Seed,
		Position: pos, Score: &likes, Answers: &replies, Views: &views, Answered: &answered, Accepted: &accepted}
	if c, err := time.Parse(time.RFC3339, t.CreatedAt); err == nil {
		c = c.UTC()
		s.Created = &c
	}
	return s
}

// DiscourseLatest is a page of /latest.json.
type DiscourseLatest struct {
	Topics        []DiscourseTopic
	MoreTopicsURL string
}

// ParseDiscourseLatest reads {"topic_list": {"topics": [...], "more_topics_url": "/latest?page=1"}}.
func ParseDiscourseLatest(body []byte) (DiscourseLatest, error) {
	var doc struct {
		TopicList *struct {
			Topics        []json.RawMessage `json:"topics"`
			MoreTopicsURL string            `json:"more_topics_url"`
		} `json:"topic_list"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.TopicList == nil {
		return DiscourseLatest{}, fmt.Errorf("%w: not a Discourse topic list", crawler.ErrParse)
	}
	l := DiscourseLatest{MoreTopicsURL: doc.TopicList.MoreTopicsURL}
	l.Topics = topicsOf(doc.TopicList.Topics)
	return l, nil
}

func topicsOf(raw []json.RawMessage) []DiscourseTopic {
	var out []DiscourseTopic
	for _, r := range raw {
		var t DiscourseTopic
		if json.Unmarshal(r, &t) == nil && t.ID != 0 && (t.Title != "" || t.FancyTitle != "") {
			out = append(out, t)
		}
	}
	return out
}

// DiscourseSearch is a page of /search.json.
type DiscourseSearch struct {
	Topics []DiscourseTopic
	More   bool
}

// ParseDiscourseSearch reads {"posts": [{"topic_id", "blurb", ...}], "topics": [...],
// "grouped_search_result": {"more_full_page_results": true}}: the topics, in the order their posts were
// found, each once, with the blurb of its first matching post.
func ParseDiscourseSearch(body []byte) (DiscourseSearch, error) {
	var doc struct {
		Posts []struct {
			TopicID int    `json:"topic_id"`
			Blurb   string `json:"blurb"`
		} `json:"posts"`
		Topics  []json.RawMessage `json:"topics"`
		Grouped *struct {
			MoreFull  *bool `json:"more_full_page_results"`
			MorePosts *bool `json:"more_posts"`
		} `json:"grouped_search_result"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || (doc.Posts == nil && doc.Topics == nil && doc.Grouped == nil) {
		return DiscourseSearch{}, fmt.Errorf("%w: not a Discourse search result", crawler.ErrParse)
	}
	byID := map[int]DiscourseTopic{}
	var order []int
	for _, t := range topicsOf(doc.Topics) {
		if _, dup := byID[t.ID]; !dup {
			order = append(order, t.ID)
		}
		byID[t.ID] = t
	}
	var s DiscourseSearch
	seen := map[int]bool{}
	for _, p := range doc.Posts {
		t, ok := byID[p.TopicID]
		if !ok || seen[p.TopicID] {
			continue
		}
		seen[p.TopicID] = true
		t.Blurb = p.Blurb
		s.Topics = append(s.Topics, t)
	}
	for _, id := range order {
		if !seen[id] {
			s.Topics = append(s.Topics, byID[id])
		}
	}
	if doc.Grouped != nil {
		s.More = (doc.Grouped.MoreFull != nil && *doc.Grouped.MoreFull) || (doc.Grouped.MorePosts != nil && *doc.Grouped.MorePosts)
	}
	return s, nil
}

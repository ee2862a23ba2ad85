package forum

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// Reddit reads posts from Reddit's JSON listings: a subreddit's new (or hot, top, rising) posts, or a
// search per seed, within a subreddit or site-wide. Options: sub (a subreddit), method (search, the default
// when there are seeds; new, hot, top or rising, the default new without seeds), sort (search order:
// new, relevance, top, comments; default new), t (time window: hour, day, week, month, year, all; default
// week), pages (most pages per listing, default 3), limit (posts a page, up to 100).
type Reddit struct {
	name     string
	endpoint string
	sub      string
	method   string
	sort     string
	window   string
	pages    int
	limit    int
	f        getter
}

// NewReddit builds a Reddit source.
func NewReddit(spec crawler.Spec, f getter) (*Reddit, error) {
	r := &Reddit{name: spec.SourceName(), sub: strings.TrimPrefix(spec.Option("sub", ""), "r/"), method: spec.Option("method", ""),
		sort: spec.Option("sort", "new"), window: spec.Option("t", "week"), f: f}
	for _, c := range r.sub {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return nil, fmt.Errorf("source %s: sub %q is not a subreddit name", r.name, r.sub)
		}
	}
	switch r.method {
	case "", "search":
	case "new", "hot", "top", "rising":
		if r.sub == "" {
			return nil, fmt.Errorf("source %s: method %s needs a sub", r.name, r.method)
		}
	default:
		return nil, fmt.Errorf("source %s: method %q: want search, new, hot, top or rising", r.name, r.method)
	}
	switch r.sort {
	case "new", "relevance", "top", "comments":
	default:
		return nil, fmt.Errorf("source %s: sort %q: want new, relevance, top or comments", r.name, r.sort)
	}
	switch r.window {
	case "hour", "day", "week", "month", "year", "all":
	default:
		return nil, fmt.Errorf("source %s: t %q: want hour, day, week, month, year or all", r.name, r.window)
	}
	var err error
	if r.pages, err = spec.IntOption("pages", 3, 1, 10); err != nil {
		return nil, err
	}
	if r.limit, err = spec.IntOption("limit", 100, 1, 100); err != nil {
		return nil, err
	}
	if r.endpoint, err = apiRoot(spec, "https://www.reddit.com"); err != nil {
		return nil, err
	}
	return r, nil
}

// apiRoot is the root URL of the public API at public, the spec's base (when set) replacing its scheme,
// host and port, without a final slash.
func apiRoot(spec crawler.Spec, public string) (string, error) {
	ep, err := crawler.Endpoint(public, spec.Base)
	if err != nil {
		return "", fmt.Errorf("source %s: %w", spec.SourceName(), err)
	}
	return strings.TrimSuffix(ep, "/"), nil
}

// Name is the configured source name.
func (r *Reddit) Name() string { return r.name }

// Kind is "reddit".
func (r *Reddit) Kind() string { return "reddit" }

// Units: a search per seed, or one listing of the subreddit.
func (r *Reddit) Units(seeds []string) []crawler.Unit {
	method := r.method
	if method == "" {
		method = "search"
		if len(seeds) == 0 && r.sub != "" {
			method = "new"
		}
	}
	if method != "search" {
		return listingUnits(r.name)
	}
	return seedUnits(r.name, seeds)
}

func (r *Reddit) pageURL(q, after string) string {
	v := url.Values{"raw_json": {"1"}, "limit": {strconv.Itoa(r.limit)}}
	if after != "" {
		v.Set("after", after)
	}
	var path string
	switch {
	case q == "":
		m := r.method
		if m == "" || m == "search" {
			m = "new"
		}
		path = "/r/" + r.sub + "/" + m + ".json"
		if m == "top" {
			v.Set("t", r.window)
		}
	case r.sub != "":
		path = "/r/" + r.sub + "/search.json"
		v.Set("q", q)
		v.Set("restrict_sr", "1")
		v.Set("sort", r.sort)
		v.Set("t", r.window)
	default:
		path = "/search.json"
		v.Set("q", q)
		v.Set("sort", r.sort)
		v.Set("t", r.window)
		v.Set("type", "link")
	}
	return r.endpoint + path + "?" + v.Encode()
}

// Fetch pages through the unit's listing with after, up to the pages option, and slows down as the
// X-Ratelimit headers ask. A later page that fails ends the listing and is counted; the pages read are
// kept (see crawler.ReadPages).
func (r *Reddit) Fetch(ctx context.Context, u crawler.Unit) ([]heed.Sighting, error) {
	after := ""
	return crawler.ReadPages(ctx, r.f, r.name, r.pages, func(page int) ([]heed.Sighting, bool, error) {
		items, next, err := r.page(ctx, u, after)
		if err != nil {
			return nil, false, fmt.Errorf("reddit %q page %d: %w", u.Query, page, err)
		}
		after = next
		return items, after != "" && len(items) > 0, nil
	})
}

// page reads the page of the unit's listing after the post named after, and the name to ask the next
// page after ("" on the last).
func (r *Reddit) page(ctx context.Context, u crawler.Unit, after string) ([]heed.Sighting, string, error) {
	resp, err := r.f.Get(ctx, r.pageURL(u.Query, after), crawler.GetOptions{Source: r.name, Header: map[string][]string{"Accept": {"application/json"}}})
	if err != nil {
		return nil, "", err
	}
	if wait, ok := RedditWait(resp.Header); ok {
		// The limit is the API's (per client), not the host's other paths'.
		r.f.Pause(r.endpoint+"/", wait, r.name)
	}
	if err := crawler.CheckStatus(resp); err != nil {
		return nil, "", err
	}
	if err := crawler.DetectBlock(resp.Body, "a Reddit listing"); err != nil {
		return nil, "", err
	}
	l, err := ParseRedditListing(resp.Body)
	if err != nil {
		return nil, "", err
	}
	if l.Bad > 0 {
		r.f.Skipped(r.name, "invalid", l.Bad)
	}
	out := make([]heed.Sighting, 0, len(l.Posts))
	for i, p := range l.Posts {
		out = append(out, p.sighting(u, i+1, r.endpoint))
	}
	return out, l.After, nil
}

// RedditWait reads Reddit's rate-limit headers: when no request remains in the window, wait until it
// resets.
func RedditWait(h map[string][]string) (time.Duration, bool) {
	get := func(k string) string {
		if v := h[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	rem, err1 := strconv.ParseFloat(get("X-Ratelimit-Remaining"), 64)
	reset, err2 := strconv.ParseFloat(get("X-Ratelimit-Reset"), 64)
	if err1 != nil || err2 != nil || rem >= 1 || reset <= 0 || math.IsNaN(reset) || reset > 86400 {
		return 0, false
	}
	return time.Duration(reset * float64(time.Second)), true
}

// RedditListing is one page of a listing.
type RedditListing struct {
	After string
	Posts []RedditPost
	Bad   int // children that were not posts
}

// RedditPost is a post (kind t3) as the listing gives it.
type RedditPost struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Title       string  `json:"title"`
	Selftext    string  `json:"selftext"`
	Subreddit   string  `json:"subreddit"`
	Permalink   string  `json:"permalink"`
	URL         string  `json:"url"`
	Score       int     `json:"score"`
	NumComments int     `json:"num_comments"`
	CreatedUTC  float64 `json:"created_utc"`
	Over18      bool    `json:"over_18"`
}

func (p RedditPost) sighting(u crawler.Unit, pos int, endpoint string) heed.Sighting {
	score, answers := p.Score, p.NumComments
	answered := answers > 0
	link := p.URL
	if p.Permalink != "" {
		link = "https://www.reddit.com" + p.Permalink
	}
	s := heed.Sighting{Text: p.Title, Source: "reddit", URL: link, Seed: u.Seed, Position: pos, Score: &score,
		Answers: &answers, Answered: &answered}
	if p.CreatedUTC > 0 {
		t := time.Unix(int64(p.CreatedUTC), 0).UTC()
		s.Created = &t
	}
	return s
}

// ParseRedditListing reads {"kind": "Listing", "data": {"after", "children": [{"kind": "t3", "data":
// {...}}]}}. Children that are not posts are skipped and counted.
func ParseRedditListing(body []byte) (RedditListing, error) {
	var doc struct {
		Kind string `json:"kind"`
		Data *struct {
			After    *string `json:"after"`
			Children []struct {
				Kind string          `json:"kind"`
				Data json.RawMessage `json:"data"`
			} `json:"children"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Kind != "Listing" || doc.Data == nil {
		return RedditListing{}, fmt.Errorf("%w: not a Reddit listing", crawler.ErrParse)
	}
	var l RedditListing
	if doc.Data.After != nil {
		l.After = *doc.Data.After
	}
	for _, c := range doc.Data.Children {
		var p RedditPost
		if c.Kind != "t3" || json.Unmarshal(c.Data, &p) != nil {
			l.Bad++
			continue
		}
		l.Posts = append(l.Posts, p)
	}
	return l, nil
}

// Package forum crawls the questions people post on forums and Q&A sites: Stack Exchange, Reddit,
// Discourse, RSS/Atom feeds and HTML forums. A question is a request with its demand evidence (votes,
// answers, views, whether it was answered).
package forum

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strconv"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// getter is what a forum source needs of the crawler's fetcher.
type getter interface {
	Get(ctx context.Context, rawURL string, opt crawler.GetOptions) (*crawler.Response, error)
	// Pause holds back the fetches within scope, a URL prefix (or a bare host), for d.
	Pause(scope string, d time.Duration, source string)
	Skipped(source, reason string, n int)
	// PageFailed counts a later page of a listing that failed.
	PageFailed(source string, page int, err error)
}

// StackExchange reads questions from the Stack Exchange API 2.3: search/advanced per seed, or a site's
// questions or unanswered questions. Options: site (required), tagged (a;b), sort, method (search,
// questions, unanswered), pages (most pages per query, default 3), pagesize (default 100), key.
type StackExchange struct {
	name     string
	endpoint string // scheme://host[:port] of the API
	site     string
	tagged   string
	sort     string
	method   string
	pages    int
	pageSize int
	key      string
	f        getter
}

// NewStackExchange builds a Stack Exchange source.
func NewStackExchange(spec crawler.Spec, f getter) (*StackExchange, error) {
	name := spec.SourceName()
	s := &StackExchange{
		name: name, site: spec.Option("site", ""), tagged: spec.Option("tagged", ""),
		sort: spec.Option("sort", "creation"), method: spec.Option("method", "search"),
		key: spec.Option("key", ""), f: f,
	}
	if s.site == "" {
		return nil, fmt.Errorf("source %s: stackexchange needs the site option (site=superuser)", name)
	}
	switch s.method {
	case "search", "questions", "unanswered":
	default:
		return nil, fmt.Errorf("source %s: method %q: want search, questions or unanswered", name, s.method)
	}
	switch s.sort {
	case "creation", "activity", "votes", "relevance":
	default:
		return nil, fmt.Errorf("source %s: sort %q: want creation, activity, votes or relevance", name, s.sort)
	}
	var err error
	if s.pages, err = spec.IntOption("pages", 3, 1, 100); err != nil {
		return nil, err
	}
	if s.pageSize, err = spec.IntOption("pagesize", 100, 1, 100); err != nil {
		return nil, err
	}
	if s.endpoint, err = apiRoot(spec, "https://api.stackexchange.com"); err != nil {
		return nil, err
	}
	return s, nil
}

// Name is the configured source name.
func (s *StackExchange) Name() string { return s.name }

// Kind is "stackexchange".
func (s *StackExchange) Kind() string { return "stackexchange" }

// Units: one search per seed; the questions and unanswered listings need no seed.
func (s *StackExchange) Units(seeds []string) []crawler.Unit {
	if s.method != "search" {
		return listingUnits(s.name)
	}
	return seedUnits(s.name, seeds)
}

func (s *StackExchange) pageURL(q string, page int) string {
	path := map[string]string{"search": "/2.3/search/advanced", "questions": "/2.3/questions", "unanswered": "/2.3/questions/unanswered"}[s.method]
	v := url.Values{}
	v.Set("site", s.site)
	if q != "" {
		v.Set("q", q)
	}
	if s.tagged != "" {
		v.Set("tagged", s.tagged)
	}
	v.Set("sort", s.sort)
	v.Set("order", "desc")
	v.Set("page", strconv.Itoa(page))
	v.Set("pagesize", strconv.Itoa(s.pageSize))
	if s.key != "" {
		v.Set("key", s.key)
	}
	return s.endpoint + path + "?" + v.Encode()
}

// Fetch pages through the unit's listing while has_more, up to the pages option, honouring backoff. A
// later page that fails ends the listing and is counted; the pages read are kept (see crawler.ReadPages).
func (s *StackExchange) Fetch(ctx context.Context, u crawler.Unit) ([]heed.Sighting, error) {
	return crawler.ReadPages(ctx, s.f, s.name, s.pages, func(page int) ([]heed.Sighting, bool, error) {
		items, more, err := s.page(ctx, u, page)
		if err != nil {
			return nil, false, fmt.Errorf("stackexchange %s %q page %d: %w", s.site, u.Query, page, err)
		}
		return items, more, nil
	})
}

// page reads one page of the unit's listing and says whether another follows.
func (s *StackExchange) page(ctx context.Context, u crawler.Unit, page int) ([]heed.Sighting, bool, error) {
	resp, err := s.f.Get(ctx, s.pageURL(u.Query, page), crawler.GetOptions{Source: s.name, Header: map[string][]string{"Accept": {"application/json"}}})
	if err != nil {
		return nil, false, err
	}
	w, perr := ParseStackExchange(resp.Body)
	if perr != nil {
		if serr := crawler.CheckStatus(resp); serr != nil {
			return nil, false, serr
		}
		return nil, false, perr
	}
	if w.Bad > 0 {
		s.f.Skipped(s.name, "invalid", w.Bad)
	}
	if w.Backoff > 0 {
		// backoff is about the API's methods, not the rest of the host.
		s.f.Pause(s.endpoint+"/2.3/", time.Duration(w.Backoff)*time.Second, s.name)
	}
	if w.ErrorID != 0 {
		err := fmt.Errorf("API error %d %s: %s", w.ErrorID, w.ErrorName, w.ErrorMessage)
		if w.ErrorID == 502 || w.ErrorName == "throttle_violation" {
			err = fmt.Errorf("%w: %w", crawler.ErrRateLimited, err)
		}
		return nil, false, err
	}
	if err := crawler.CheckStatus(resp); err != nil {
		return nil, false, err
	}
	out := make([]heed.Sighting, 0, len(w.Items))
	for i, q := range w.Items {
		out = append(out, q.sighting(u, i+1))
	}
	// Stop at the last page, and when the day's quota is spent.
	more := w.HasMore && len(w.Items) > 0 && !(w.QuotaRemaining <= 0 && w.QuotaMax > 0)
	return out, more, nil
}

// SEWrapper is the common wrapper of every Stack Exchange API response.
type SEWrapper struct {
	Items          []SEQuestion `json:"items"`
	HasMore        bool         `json:"has_more"`
	QuotaMax       int          `json:"quota_max"`
	QuotaRemaining int          `json:"quota_remaining"`
	Backoff        int          `json:"backoff"`
	ErrorID        int          `json:"error_id"`
	ErrorName      string       `json:"error_name"`
	ErrorMessage   string       `json:"error_message"`
	// Bad counts items that were not question objects.
	Bad int `json:"-"`
}

// SEQuestion is a question as the API returns it.
type SEQuestion struct {
	QuestionID       int64    `json:"question_id"`
	Title            string   `json:"title"`
	Link             string   `json:"link"`
	Tags             []string `json:"tags"`
	IsAnswered       bool     `json:"is_answered"`
	AnswerCount      int      `json:"answer_count"`
	AcceptedAnswerID int64    `json:"accepted_answer_id"`
	Score            int      `json:"score"`
	ViewCount        int      `json:"view_count"`
	CreationDate     int64    `json:"creation_date"`
	LastActivityDate int64    `json:"last_activity_date"`
}

func (q SEQuestion) sighting(u crawler.Unit, pos int) heed.Sighting {
	score, answers, views := q.Score, q.AnswerCount, q.ViewCount
	answered, accepted := q.IsAnswered, q.AcceptedAnswerID != 0
	s := heed.Sighting{
		Text:      html.UnescapeString(q.Title),
		Source:    "stackexchange",
		URL:       q.Link,
		Seed:      u.Seed,
		Expansion: u.Expansion,
		Position:  pos,
		Score:     &score,
		Answers:   &answers,
		Views:     &views,
		Answered:  &answered,
		Accepted:  &accepted,
	}
	if q.CreationDate > 0 {
		t := time.Unix(q.CreationDate, 0).UTC()
		s.Created = &t
	}
	return s
}

// ParseStackExchange reads one API response. An item that is not a question object is skipped and
// counted in Bad; items without a title are kept for the engine to skip and count.
func ParseStackExchange(body []byte) (SEWrapper, error) {
	var raw struct {
		SEWrapper
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return SEWrapper{}, fmt.Errorf("%w: not a Stack Exchange API response: %v", crawler.ErrParse, err)
	}
	w := raw.SEWrapper
	w.Items = make([]SEQuestion, 0, len(raw.Items))
	for _, it := range raw.Items {
		var q SEQuestion
		if err := json.Unmarshal(it, &q); err != nil {
			w.Bad++
			continue
		}
		w.Items = append(w.Items, q)
	}
	return w, nil
}

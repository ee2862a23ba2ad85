// Package suggest crawls search-engine query suggestions (autocomplete): the OpenSearch suggestion shape
// that most engines share, and the variants of the big engines, expanding each seed the way keyword
// tools do.
package suggest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// getter is what a suggestion source needs of the crawler's fetcher.
type getter interface {
	Get(ctx context.Context, rawURL string, opt crawler.GetOptions) (*crawler.Response, error)
}

// Suggestion is one completion a service offered.
type Suggestion struct {
	Text      string
	Relevance int // the service's own score, when it gives one (Google client=chrome)
}

// Source is one suggestion service: how to ask it (a URL for a query) and how to read its answer.
type Source struct {
	name, kind string
	lang       string
	locale     string
	expand     []string
	build      func(query string) string
	parse      func(body []byte) ([]Suggestion, error)
	accept     string
	f          getter
}

// Name is the configured source name.
func (s *Source) Name() string { return s.name }

// Kind is the source kind (opensearch, google, ...).
func (s *Source) Kind() string { return s.kind }

// Units returns one unit per seed and expansion.
func (s *Source) Units(seeds []string) []crawler.Unit {
	var out []crawler.Unit
	for _, seed := range seeds {
		for _, q := range Expand(seed, s.lang, s.expand) {
			out = append(out, crawler.Unit{Source: s.name, Seed: strings.Join(strings.Fields(seed), " "), Expansion: q.Expansion, Query: q.Text})
		}
	}
	return out
}

// Fetch asks the service for the unit's query.
func (s *Source) Fetch(ctx context.Context, u crawler.Unit) ([]heed.Sighting, error) {
	link := s.build(u.Query)
	hdr := map[string][]string{"Accept": {s.accept}}
	resp, err := s.f.Get(ctx, link, crawler.GetOptions{Source: s.name, Header: hdr})
	if err != nil {
		return nil, fmt.Errorf("suggest %s %q: %w", s.name, u.Query, err)
	}
	if err := crawler.CheckStatus(resp); err != nil {
		return nil, fmt.Errorf("suggest %s %q: %w", s.name, u.Query, err)
	}
	if err := detectBlock(resp.Body); err != nil {
		return nil, fmt.Errorf("suggest %s %q: %w", s.name, u.Query, err)
	}
	sugg, err := s.parse(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("suggest %s %q: %w", s.name, u.Query, err)
	}
	out := make([]heed.Sighting, 0, len(sugg))
	shown := crawler.Redact(link)
	for i, sg := range sugg {
		out = append(out, heed.Sighting{
			Text:      html.UnescapeString(sg.Text),
			Source:    s.kind,
			URL:       shown,
			Seed:      u.Seed,
			Expansion: u.Expansion,
			Position:  i + 1,
			Locale:    s.locale,
			Relevance: sg.Relevance,
		})
	}
	return out, nil
}

// NewOpenSearch returns a source for any service that answers the OpenSearch suggestion shape. spec.Base
// is the full URL with {q} standing for the query; options: hl (the language of the expansion words).
func NewOpenSearch(spec crawler.Spec, f getter) (*Source, error) {
	if spec.Base == "" || !strings.Contains(spec.Base, "{q}") {
		return nil, fmt.Errorf("source %s: opensearch needs a base URL with {q}, such as opensearch=https://example.com/suggest?q={q}", nameOf(spec))
	}
	u, err := url.Parse(strings.ReplaceAll(spec.Base, "{q}", "x"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("source %s: base %q is not an http(s) URL", nameOf(spec), spec.Base)
	}
	tmpl := spec.Base
	lang := spec.Option("hl", "en")
	return &Source{
		name: nameOf(spec), kind: "opensearch", lang: lang, locale: spec.Option("hl", ""), expand: spec.Expand,
		build:  func(q string) string { return strings.ReplaceAll(tmpl, "{q}", url.QueryEscape(q)) },
		parse:  ParseOpenSearch,
		accept: "application/x-suggestions+json, application/json;q=0.9, */*;q=0.1",
		f:      f,
	}, nil
}

func nameOf(spec crawler.Spec) string {
	if spec.Name != "" {
		return spec.Name
	}
	return spec.Kind
}

// ParseOpenSearch reads the OpenSearch suggestion shape: [query, [completions...], [descriptions...]?,
// [urls...]?, ...]. Only the first two elements are required; extra elements are ignored, and a
// completion that is not a string is skipped.
func ParseOpenSearch(body []byte) ([]Suggestion, error) {
	var top []json.RawMessage
	if err := json.Unmarshal(bytes.TrimSpace(body), &top); err != nil {
		return nil, fmt.Errorf("%w: not an OpenSearch suggestion array: %v", crawler.ErrParse, err)
	}
	if len(top) < 2 {
		return nil, fmt.Errorf("%w: OpenSearch suggestion array has %d elements, want at least 2", crawler.ErrParse, len(top))
	}
	var items []json.RawMessage
	if err := json.Unmarshal(top[1], &items); err != nil {
		return nil, fmt.Errorf("%w: second element is not an array of completions", crawler.ErrParse)
	}
	out := make([]Suggestion, 0, len(items))
	for _, it := range items {
		var s string
		if json.Unmarshal(it, &s) != nil || strings.TrimSpace(s) == "" {
			continue
		}
		out = append(out, Suggestion{Text: s})
	}
	return out, nil
}

// detectBlock recognises the HTML pages services send instead of data when they block a client.
func detectBlock(body []byte) error {
	head := bytes.TrimSpace(body)
	if len(head) == 0 || (head[0] != '<') {
		return nil
	}
	low := bytes.ToLower(head[:min(len(head), 4096)])
	for _, sign := range []string{"unusual traffic", "captcha", "are you a robot", "access denied", "blocked"} {
		if bytes.Contains(low, []byte(sign)) {
			return fmt.Errorf("%w: an HTML page saying %q instead of suggestions", crawler.ErrBlocked, sign)
		}
	}
	return fmt.Errorf("%w: an HTML page instead of suggestions", crawler.ErrParse)
}

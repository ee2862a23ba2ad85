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
	Skipped(source, reason string, n int)
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

// Units returns one unit per seed and expansion, and with depth:N one recursion unit per seed.
func (s *Source) Units(seeds []string) []crawler.Unit {
	var out []crawler.Unit
	depth := Depth(s.expand)
	for _, seed := range seeds {
		seed = strings.Join(strings.Fields(seed), " ")
		for _, q := range Expand(seed, s.lang, s.expand) {
			out = append(out, crawler.Unit{Source: s.name, Seed: seed, Expansion: q.Expansion, Query: q.Text})
		}
		if depth > 0 && seed != "" {
			out = append(out, crawler.Unit{Source: s.name, Seed: seed, Expansion: "recursion", Query: seed})
		}
	}
	return out
}

// maxRecursionQueries bounds the queries one recursion unit sends.
const maxRecursionQueries = 200

// Fetch asks the service for the unit's query; a recursion unit also asks for its suggestions'
// suggestions, to the configured depth.
func (s *Source) Fetch(ctx context.Context, u crawler.Unit) ([]heed.Sighting, error) {
	if u.Expansion == "recursion" {
		return s.recurse(ctx, u)
	}
	return s.fetchOne(ctx, u, u.Query)
}

// recurse follows suggestions breadth first: the seed's own suggestions (which the bare unit reports) are
// asked for theirs, and so on to the depth, each query once. A failed query deeper than the seed is
// skipped and counted, keeping the rest.
func (s *Source) recurse(ctx context.Context, u crawler.Unit) ([]heed.Sighting, error) {
	depth := Depth(s.expand)
	seen := map[string]bool{heed.Normalize(u.Query): true}
	frontier := []string{u.Query}
	var out []heed.Sighting
	queries, failed := 0, 0
	for d := 0; d <= depth && len(frontier) > 0; d++ {
		var next []string
		for _, q := range frontier {
			if queries >= maxRecursionQueries || ctx.Err() != nil {
				break
			}
			queries++
			found, err := s.fetchOne(ctx, u, q)
			if err != nil {
				if d == 0 {
					return nil, err
				}
				failed++
				continue
			}
			if d > 0 {
				out = append(out, found...)
			}
			for _, f := range found {
				if k := heed.Normalize(f.Text); !seen[k] {
					seen[k] = true
					next = append(next, f.Text)
				}
			}
		}
		frontier = next
	}
	s.f.Skipped(s.name, "recursion_query_failed", failed)
	return out, ctx.Err()
}

// fetchOne asks the service for one query and reads its answer.
func (s *Source) fetchOne(ctx context.Context, u crawler.Unit, query string) ([]heed.Sighting, error) {
	link := s.build(query)
	hdr := map[string][]string{"Accept": {s.accept}}
	resp, err := s.f.Get(ctx, link, crawler.GetOptions{Source: s.name, Header: hdr})
	if err != nil {
		return nil, fmt.Errorf("suggest %s %q: %w", s.name, query, err)
	}
	if err := crawler.CheckStatus(resp); err != nil {
		return nil, fmt.Errorf("suggest %s %q: %w", s.name, query, err)
	}
	if err := crawler.DetectBlock(resp.Body, "suggestions"); err != nil {
		return nil, fmt.Errorf("suggest %s %q: %w", s.name, query, err)
	}
	sugg, err := s.parse(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("suggest %s %q: %w", s.name, query, err)
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
		return nil, fmt.Errorf("source %s: opensearch needs a base URL with {q}, such as opensearch=https://example.com/suggest?q={q}", spec.SourceName())
	}
	u, err := url.Parse(strings.ReplaceAll(spec.Base, "{q}", "x"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("source %s: base %q is not an http(s) URL", spec.SourceName(), spec.Base)
	}
	tmpl := spec.Base
	lang := spec.Option("hl", "en")
	return &Source{
		name: spec.SourceName(), kind: "opensearch", lang: lang, locale: spec.Option("hl", ""), expand: spec.Expand,
		build:  func(q string) string { return strings.ReplaceAll(tmpl, "{q}", url.QueryEscape(q)) },
		parse:  ParseOpenSearch,
		accept: "application/x-suggestions+json, application/json;q=0.9, */*;q=0.1",
		f:      f,
	}, nil
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

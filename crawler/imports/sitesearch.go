package imports

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// SiteSearch is the `sitesearch` source: what people searched for on the organisation's own site, how
// often, and whether the search found anything. Its BASE is an export file, or a vendor's API (an
// http(s) URL); option format says which:
//   - algolia: the Analytics API's top searches (`/2/searches`: search, count, nbHits) and searches
//     with no results (`/2/searches/noResults`: search, count, withFilterCount), paged by offset; options
//     index and app_id, the API key in the environment variable key_env (HEED_ALGOLIA_API_KEY). A file
//     holds either response.
//   - typesense: the JSONL export of an analytics rule's destination collection (q, count); the API's
//     `/collections/COLLECTION/documents/export`, options collection and key_env
//     (HEED_TYPESENSE_API_KEY). Option results=none says the collection holds searches that found
//     nothing (a nohits_queries rule).
//   - csv: a header row with a query column (query, search, search term, term, keyword, q) and a count
//     column (count, searches, total, occurrences), and optionally the results (results, hits, nbhits).
//
// Every query is redacted before it leaves the source: people type e-mail addresses and order numbers
// into search boxes.
type SiteSearch struct {
	name, base, format string
	api                bool
	opt                siteSearchOptions
	d                  Deps
}

type siteSearchOptions struct {
	index, appID, collection, keyEnv string
	noHits                           bool
	pages, limit                     int
}

// NewSiteSearch returns the source for spec; d.Fetch is used for the API formats, d.Redact redacts every
// query.
func NewSiteSearch(spec crawler.Spec, d Deps) (*SiteSearch, error) {
	s := &SiteSearch{name: spec.SourceName(), base: spec.Base, format: spec.Option("format", ""), d: d.withDefaults()}
	if s.base == "" {
		return nil, fmt.Errorf("source %s: sitesearch needs an export file or an API URL, as sitesearch=PATH;format=csv", s.name)
	}
	s.api = isAPI(s.base)
	o := &s.opt
	o.index, o.appID, o.collection = spec.Option("index", ""), spec.Option("app_id", ""), spec.Option("collection", "")
	o.noHits = spec.Option("results", "") == "none"
	var err error
	if o.pages, err = spec.IntOption("pages", 10, 1, 1000); err != nil {
		return nil, err
	}
	if o.limit, err = spec.IntOption("limit", 1000, 1, 1000); err != nil {
		return nil, err
	}
	switch s.format {
	case "algolia":
		o.keyEnv = spec.Option("key_env", "HEED_ALGOLIA_API_KEY")
		if s.api && (o.index == "" || o.appID == "") {
			return nil, fmt.Errorf("source %s: the Algolia Analytics API needs options index and app_id (and the API key in $%s)", s.name, o.keyEnv)
		}
	case "typesense":
		o.keyEnv = spec.Option("key_env", "HEED_TYPESENSE_API_KEY")
		if s.api && o.collection == "" {
			return nil, fmt.Errorf("source %s: the Typesense API needs option collection (the analytics rule's destination)", s.name)
		}
	case "csv":
		if s.api {
			return nil, fmt.Errorf("source %s: format csv reads a file, not %s", s.name, crawler.Redact(s.base))
		}
	default:
		return nil, fmt.Errorf("source %s: sitesearch format %q: want algolia, typesense or csv", s.name, s.format)
	}
	if !s.api {
		if err := checkFile(s.name, "site search", s.base); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Name is the configured source name.
func (s *SiteSearch) Name() string { return s.name }

// Kind is "sitesearch".
func (s *SiteSearch) Kind() string { return "sitesearch" }

// Units: the file once; Algolia's API twice (the top searches, and the searches that found nothing);
// Typesense's export once. Seeds play no part: these are the site's own searches.
func (s *SiteSearch) Units([]string) []crawler.Unit {
	if s.api && s.format == "algolia" {
		return []crawler.Unit{{Source: s.name, Query: "top"}, {Source: s.name, Query: "no_results"}}
	}
	return []crawler.Unit{{Source: s.name, Query: s.format}}
}

// maxExport bounds a site-search export file or API response read whole (JSON).
const maxExport = 256 << 20

// Fetch reads the file, or asks the API.
func (s *SiteSearch) Fetch(ctx context.Context, u crawler.Unit) ([]heed.Sighting, error) {
	var (
		out []searchRow
		err error
	)
	switch {
	case s.api && s.format == "algolia":
		out, err = s.algoliaAPI(ctx, u.Query == "no_results")
	case s.api:
		out, err = s.typesenseAPI(ctx)
	default:
		out, err = s.readFile()
	}
	if err != nil {
		return nil, err
	}
	return s.sightings(out), ctx.Err()
}

// searchRow is one query of a site search with its figures; results < 0 when the export does not say.
type searchRow struct {
	query   string
	count   int
	results int
}

// sightings turns rows into redacted sightings, in their order.
func (s *SiteSearch) sightings(rows []searchRow) []heed.Sighting {
	out := make([]heed.Sighting, 0, len(rows))
	where := s.base
	if s.api {
		where = crawler.Redact(s.base)
	}
	for _, r := range rows {
		text, cut := heed.CleanText(s.d.Redact.Text(r.query), heed.DefaultMaxText)
		if strings.TrimSpace(text) == "" {
			continue
		}
		sg := heed.Sighting{Text: text, Source: "sitesearch", SourceName: s.name, URL: where, Position: len(out) + 1, Truncated: cut}
		n := max(r.count, 1)
		sg.Searches = &n
		if r.results >= 0 {
			res := r.results
			sg.Results = &res
		}
		out = append(out, sg)
	}
	return out
}

// readFile reads an export file in the source's format.
func (s *SiteSearch) readFile() ([]searchRow, error) {
	f, err := os.Open(s.base)
	if err != nil {
		return nil, fmt.Errorf("import site search %s: %w: %w", s.base, crawler.ErrBadInput, err)
	}
	defer f.Close()
	var rows []searchRow
	switch s.format {
	case "algolia":
		rows, err = parseAlgolia(io.LimitReader(f, maxExport+1))
	case "typesense":
		rows, err = parseTypesense(f, s.opt.noHits, s.skipped)
	default:
		rows, err = parseSearchCSV(f, s.skipped)
	}
	if err != nil {
		return nil, fmt.Errorf("import site search %s: %w", s.base, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("import site search %s: %w: no search in it", s.base, crawler.ErrBadInput)
	}
	return rows, nil
}

// skipped logs a line of an export that could not be read (never its text: it may be personal).
func (s *SiteSearch) skipped(line int, why string) {
	s.d.Log.Warn("skipped a line of a site-search export", "source", s.name, "line", line, "err", why)
}

// algoliaAPI pages through the Analytics API's top searches, or its searches with no results.
func (s *SiteSearch) algoliaAPI(ctx context.Context, noResults bool) ([]searchRow, error) {
	path := "/2/searches"
	if noResults {
		path = "/2/searches/noResults"
	}
	header := http.Header{"X-Algolia-Application-Id": {s.opt.appID}, "X-Algolia-API-Key": {s.d.Getenv(s.opt.keyEnv)}, "Accept": {"application/json"}}
	var rows []searchRow
	_, err := crawler.ReadPages(ctx, s.d.Fetch, s.name, s.opt.pages, func(page int) ([]heed.Sighting, bool, error) {
		q := url.Values{"index": {s.opt.index}, "limit": {fmt.Sprint(s.opt.limit)}, "offset": {fmt.Sprint((page - 1) * s.opt.limit)}}
		resp, err := s.d.Fetch.Get(ctx, strings.TrimSuffix(s.base, "/")+path+"?"+q.Encode(), crawler.GetOptions{Source: s.name, Header: header})
		if err == nil {
			err = crawler.CheckStatus(resp)
		}
		if err != nil {
			return nil, false, fmt.Errorf("algolia %s page %d: %w", path, page, err)
		}
		got, err := parseAlgolia(strings.NewReader(string(resp.Body)))
		if err != nil {
			return nil, false, fmt.Errorf("algolia %s page %d: %w", path, page, err)
		}
		for _, r := range got {
			// The top searches hold the searches that found nothing too: those come from their own list.
			if !noResults && r.results == 0 {
				continue
			}
			rows = append(rows, r)
		}
		return nil, len(got) == s.opt.limit, nil
	})
	return rows, err
}

// typesenseAPI reads the analytics collection's export.
func (s *SiteSearch) typesenseAPI(ctx context.Context) ([]searchRow, error) {
	u := strings.TrimSuffix(s.base, "/") + "/collections/" + url.PathEscape(s.opt.collection) + "/documents/export"
	resp, err := s.d.Fetch.Get(ctx, u, crawler.GetOptions{Source: s.name, Header: http.Header{"X-TYPESENSE-API-KEY": {s.d.Getenv(s.opt.keyEnv)}}})
	if err == nil {
		err = crawler.CheckStatus(resp)
	}
	if err != nil {
		return nil, fmt.Errorf("typesense export of %s: %w", s.opt.collection, err)
	}
	rows, err := parseTypesense(strings.NewReader(string(resp.Body)), s.opt.noHits, s.skipped)
	if err != nil {
		return nil, fmt.Errorf("typesense export of %s: %w", s.opt.collection, err)
	}
	return rows, nil
}

// parseAlgolia reads an Analytics API response: {"searches": [{"search", "count", "nbHits"}]} (top
// searches) or {"searches": [{"search", "count", "withFilterCount"}]} (searches with no results: they
// found nothing, so results is 0).
func parseAlgolia(r io.Reader) ([]searchRow, error) {
	var doc struct {
		Searches []struct {
			Search          string `json:"search"`
			Count           int    `json:"count"`
			NbHits          *int   `json:"nbHits"`
			WithFilterCount *int   `json:"withFilterCount"`
		} `json:"searches"`
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: read: %w", crawler.ErrBadInput, err)
	}
	if len(data) > maxExport {
		return nil, fmt.Errorf("%w: larger than %d MiB", crawler.ErrBadInput, maxExport>>20)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: not an Algolia searches response: %w", crawler.ErrParse, err)
	}
	rows := make([]searchRow, 0, len(doc.Searches))
	for _, x := range doc.Searches {
		r := searchRow{query: x.Search, count: x.Count, results: -1}
		switch {
		case x.NbHits != nil:
			r.results = max(*x.NbHits, 0)
		case x.WithFilterCount != nil:
			r.results = 0
		}
		rows = append(rows, r)
	}
	return rows, nil
}

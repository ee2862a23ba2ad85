package imports

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// SearchConsole is the `searchconsole` source: the queries Google showed the organisation's site for,
// each with the page it showed, its impressions and clicks. BASE is an export file (the API's JSON
// response, or a CSV with query and page columns), or the API (an http(s) URL: Google's is
// https://www.googleapis.com): searchAnalytics.query by query and page, paged by startRow; options site
// (the property: https://www.example.com/ or sc-domain:example.com), days (28), pages (10), row_limit
// (25000), and the OAuth access token in the environment variable token_env
// (HEED_SEARCH_CONSOLE_TOKEN).
type SearchConsole struct {
	name, base, site, tokenEnv string
	api                        bool
	days, pages, rowLimit      int
	d                          Deps
}

// NewSearchConsole returns the source for spec.
func NewSearchConsole(spec crawler.Spec, d Deps) (*SearchConsole, error) {
	s := &SearchConsole{name: spec.SourceName(), base: spec.Base, site: spec.Option("site", ""), tokenEnv: spec.Option("token_env", "HEED_SEARCH_CONSOLE_TOKEN"),
		d: d.withDefaults()}
	if s.base == "" {
		return nil, fmt.Errorf("source %s: searchconsole needs an export file or the API's URL, as searchconsole=rows.json or searchconsole=https://www.googleapis.com;site=sc-domain:example.com", s.name)
	}
	s.api = isAPI(s.base)
	var err error
	if s.days, err = spec.IntOption("days", 28, 1, 480); err != nil {
		return nil, err
	}
	if s.pages, err = spec.IntOption("pages", 10, 1, 1000); err != nil {
		return nil, err
	}
	if s.rowLimit, err = spec.IntOption("row_limit", 25000, 1, 25000); err != nil {
		return nil, err
	}
	switch {
	case s.api && s.site == "":
		return nil, fmt.Errorf("source %s: the Search Console API needs option site (https://www.example.com/ or sc-domain:example.com)", s.name)
	case !s.api:
		if err := checkFile(s.name, "Search Console", s.base); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Name is the configured source name.
func (s *SearchConsole) Name() string { return s.name }

// Kind is "searchconsole".
func (s *SearchConsole) Kind() string { return "searchconsole" }

// Units: one, whatever the seeds.
func (s *SearchConsole) Units([]string) []crawler.Unit {
	return []crawler.Unit{{Source: s.name, Query: "query,page"}}
}

// consoleRow is one query and page with its figures.
type consoleRow struct {
	query, page         string
	clicks, impressions int
}

// Fetch reads the file, or pages through the API.
func (s *SearchConsole) Fetch(ctx context.Context, _ crawler.Unit) ([]heed.Sighting, error) {
	var (
		rows []consoleRow
		err  error
	)
	if s.api {
		rows, err = s.query(ctx)
	} else {
		rows, err = s.readFile()
	}
	if err != nil {
		return nil, err
	}
	where := s.base
	if s.api {
		where = crawler.Redact(s.base)
	}
	out := make([]heed.Sighting, 0, len(rows))
	for _, r := range rows {
		text, cut := heed.CleanText(s.d.Redact.Text(r.query), heed.DefaultMaxText)
		if strings.TrimSpace(text) == "" {
			continue
		}
		clicks, impressions := r.clicks, r.impressions
		out = append(out, heed.Sighting{Text: text, Source: "searchconsole", SourceName: s.name, URL: where, Position: len(out) + 1,
			Truncated: cut, Page: r.page, Clicks: &clicks, Impressions: &impressions})
	}
	return out, ctx.Err()
}

// readFile reads a JSON response or a CSV export.
func (s *SearchConsole) readFile() ([]consoleRow, error) {
	f, err := os.Open(s.base)
	if err != nil {
		return nil, fmt.Errorf("import Search Console %s: %w: %w", s.base, crawler.ErrBadInput, err)
	}
	defer f.Close()
	br := bufio.NewReader(decodeUTF16(f))
	head, _ := br.Peek(64)
	var rows []consoleRow
	if bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n"), []byte("{")) {
		rows, err = parseConsoleJSON(io.LimitReader(br, maxExport+1))
	} else {
		rows, err = parseConsoleCSV(br, func(line int, why string) {
			s.d.Log.Warn("skipped a line of a Search Console export", "source", s.name, "line", line, "err", why)
		})
	}
	if err != nil {
		return nil, fmt.Errorf("import Search Console %s: %w", s.base, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("import Search Console %s: %w: no query in it", s.base, crawler.ErrBadInput)
	}
	return rows, nil
}

// query pages through searchAnalytics.query by query and page over the last days.
func (s *SearchConsole) query(ctx context.Context) ([]consoleRow, error) {
	end := s.d.Now().UTC().AddDate(0, 0, -2) // the last two days are not final yet
	start := end.AddDate(0, 0, -s.days+1)
	endpoint := strings.TrimSuffix(s.base, "/") + "/webmasters/v3/sites/" + url.QueryEscape(s.site) + "/searchAnalytics/query"
	header := http.Header{"Authorization": {"Bearer " + s.d.Getenv(s.tokenEnv)}, "Accept": {"application/json"}}
	var rows []consoleRow
	_, err := crawler.ReadPages(ctx, s.d.Fetch, s.name, s.pages, func(page int) ([]heed.Sighting, bool, error) {
		body, _ := json.Marshal(map[string]any{"startDate": start.Format(time.DateOnly), "endDate": end.Format(time.DateOnly),
			"dimensions": []string{"query", "page"}, "rowLimit": s.rowLimit, "startRow": (page - 1) * s.rowLimit, "dataState": "final"})
		resp, err := s.d.Fetch.Get(ctx, endpoint, crawler.GetOptions{Source: s.name, Method: http.MethodPost, Body: body, Header: header})
		if err == nil {
			err = crawler.CheckStatus(resp)
		}
		if err != nil {
			return nil, false, fmt.Errorf("search console query page %d: %w", page, err)
		}
		got, err := parseConsoleJSON(bytes.NewReader(resp.Body))
		if err != nil {
			return nil, false, fmt.Errorf("search console query page %d: %w", page, err)
		}
		rows = append(rows, got...)
		return nil, len(got) == s.rowLimit, nil
	})
	return rows, err
}

// parseConsoleJSON reads searchAnalytics.query's response by query and page:
// {"rows": [{"keys": [query, page], "clicks", "impressions", "ctr", "position"}]}.
func parseConsoleJSON(r io.Reader) ([]consoleRow, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: read: %w", crawler.ErrBadInput, err)
	}
	if len(data) > maxExport {
		return nil, fmt.Errorf("%w: larger than %d MiB", crawler.ErrBadInput, maxExport>>20)
	}
	var doc struct {
		Rows []struct {
			Keys        []string `json:"keys"`
			Clicks      float64  `json:"clicks"`
			Impressions float64  `json:"impressions"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: not a Search Console response: %w", crawler.ErrParse, err)
	}
	rows := make([]consoleRow, 0, len(doc.Rows))
	for _, x := range doc.Rows {
		if len(x.Keys) == 0 {
			continue
		}
		row := consoleRow{query: x.Keys[0], clicks: max(int(x.Clicks), 0), impressions: max(int(x.Impressions), 0)}
		if len(x.Keys) > 1 {
			row.page = webPage(x.Keys[1])
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// webPage is u when it is an http(s) address, else "": a page is shown as a link.
func webPage(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

// Header names of a Search Console CSV export's columns (the UI's export, or a Looker Studio one).
var consoleColumns = map[string][]string{
	"query":       {"query", "queries", "top queries", "search query"},
	"page":        {"page", "pages", "top pages", "landing page", "url", "address"},
	"clicks":      {"clicks", "url clicks"},
	"impressions": {"impressions"},
}

// parseConsoleCSV reads a CSV export with a header row naming the query and page columns (clicks and
// impressions when present).
func parseConsoleCSV(r io.Reader, skip func(line int, why string)) ([]consoleRow, error) {
	var rows []consoleRow
	header := func(line string) (rune, map[string]int, bool) {
		return tableHeader(line, consoleColumns, "query", "page")
	}
	err := readTable(r, header, "a query and a page column", "query", skip, func(cell func(string) string) {
		row := consoleRow{query: cell("query"), page: webPage(cell("page")), clicks: max(number(cell("clicks")), 0), impressions: max(number(cell("impressions")), 0)}
		if row.query != "" {
			rows = append(rows, row)
		}
	})
	return rows, err
}

package imports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// parseTypesense reads the JSONL export of a Typesense analytics collection: {"q": ..., "count": ...}
// a line. noHits says the collection holds searches that found nothing. A line that cannot be read is
// told to skip (its number and why) and left out.
func parseTypesense(r io.Reader, noHits bool, skip func(line int, why string)) ([]searchRow, error) {
	var rows []searchRow
	err := heed.ReadLines(r, heed.DefaultMaxLine, func(n int, line []byte, cut bool) error {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			return nil
		}
		var doc struct {
			Q     string `json:"q"`
			Count int    `json:"count"`
		}
		switch err := json.Unmarshal(line, &doc); {
		case cut:
			skip(n, fmt.Sprintf("line longer than %d bytes", heed.DefaultMaxLine))
		case err != nil:
			skip(n, err.Error())
		case strings.TrimSpace(doc.Q) == "":
			skip(n, `no "q"`)
		default:
			row := searchRow{query: doc.Q, count: doc.Count, results: -1}
			if noHits {
				row.results = 0
			}
			rows = append(rows, row)
		}
		return nil
	})
	if err != nil {
		return rows, fmt.Errorf("%w: read: %w", crawler.ErrBadInput, err)
	}
	return rows, nil
}

// Header names of a site-search CSV export's columns.
var (
	searchQueryColumns   = []string{"query", "search", "search term", "search terms", "term", "keyword", "q", "search query"}
	searchCountColumns   = []string{"count", "searches", "total", "occurrences", "total searches", "volume"}
	searchResultsColumns = []string{"results", "hits", "nbhits", "result count", "number of results", "results count"}
)

// parseSearchCSV reads a site-search CSV export: a header row naming the query column, and optionally
// the count and results columns (comma, semicolon or tab separated, as spreadsheets write them).
func parseSearchCSV(r io.Reader, skip func(line int, why string)) ([]searchRow, error) {
	var (
		rows []searchRow
		sep  rune
		col  = map[string]int{}
	)
	err := heed.ReadLines(decodeUTF16(r), heed.DefaultMaxLine, func(n int, line []byte, cut bool) error {
		text := strings.TrimSpace(string(line))
		if text == "" {
			return nil
		}
		if sep == 0 {
			var ok bool
			if sep, col, ok = searchHeader(text); !ok {
				return fmt.Errorf("%w: line %d: no header row naming a query column (such as query, search term or keyword)", crawler.ErrBadInput, n)
			}
			return nil
		}
		if cut {
			skip(n, fmt.Sprintf("line longer than %d bytes", heed.DefaultMaxLine))
			return nil
		}
		cells, err := splitRow(string(line), sep)
		if err != nil || col["query"] >= len(cells) {
			skip(n, fmt.Sprintf("%d cells, the query is cell %d", len(cells), col["query"]+1))
			return nil
		}
		row := searchRow{query: strings.TrimSpace(cells[col["query"]]), count: 1, results: -1}
		if i, ok := col["count"]; ok && i < len(cells) {
			row.count = max(number(cells[i]), 1)
		}
		if i, ok := col["results"]; ok && i < len(cells) && strings.TrimSpace(cells[i]) != "" {
			row.results = max(number(cells[i]), 0)
		}
		if row.query != "" {
			rows = append(rows, row)
		}
		return nil
	})
	if err != nil {
		return rows, fmt.Errorf("read: %w", err)
	}
	return rows, nil
}

// searchHeader finds the separator and the query, count and results columns of a header row.
func searchHeader(line string) (rune, map[string]int, bool) {
	for _, sep := range []rune{'\t', ',', ';'} {
		cells, err := splitRow(line, sep)
		if err != nil || len(cells) < 1 {
			continue
		}
		col := map[string]int{}
		for i, c := range cells {
			c = strings.ToLower(strings.TrimSpace(strings.Trim(strings.TrimSpace(c), `"`)))
			c = strings.TrimPrefix(c, "\ufeff")
			for name, names := range map[string][]string{"query": searchQueryColumns, "count": searchCountColumns, "results": searchResultsColumns} {
				if _, taken := col[name]; !taken && slices.Contains(names, c) {
					col[name] = i
				}
			}
		}
		if _, ok := col["query"]; ok && (len(cells) > 1 || strings.ContainsRune(line, sep)) {
			return sep, col, true
		}
	}
	if slices.Contains(searchQueryColumns, strings.ToLower(strings.Trim(line, "\ufeff\" \t"))) {
		return ',', map[string]int{"query": 0}, true // one column: a query a line
	}
	return 0, nil, false
}

// number reads a count as spreadsheets write it ("1,234", "1 234"); -1 when it is none.
func number(s string) int {
	s = strings.NewReplacer(",", "", " ", "", "\u00a0", "", `"`, "").Replace(strings.TrimSpace(s))
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

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

// searchColumns are the header names of a site-search CSV export's columns, by what they hold.
var searchColumns = map[string][]string{
	"query":   {"query", "search", "search term", "search terms", "term", "keyword", "q", "search query"},
	"count":   {"count", "searches", "total", "occurrences", "total searches", "volume"},
	"results": {"results", "hits", "nbhits", "result count", "number of results", "results count"},
}

// parseSearchCSV reads a site-search CSV export: a header row naming the query column, and optionally
// the count and results columns (comma, semicolon or tab separated, as spreadsheets write them).
func parseSearchCSV(r io.Reader, skip func(line int, why string)) ([]searchRow, error) {
	var rows []searchRow
	err := readTable(r, searchHeader, "a query column (such as query, search term or keyword)", "query", skip, func(cell func(string) string) {
		row := searchRow{query: cell("query"), count: max(number(cell("count")), 1), results: -1}
		if v := cell("results"); v != "" {
			row.results = max(number(v), 0)
		}
		if row.query != "" {
			rows = append(rows, row)
		}
	})
	return rows, err
}

// searchHeader finds the separator and the query, count and results columns of a header row; a row
// that is only a query column's name heads a list of one query a line.
func searchHeader(line string) (rune, map[string]int, bool) {
	if sep, col, ok := tableHeader(line, searchColumns, "query"); ok {
		return sep, col, true
	}
	if slices.Contains(searchColumns["query"], strings.ToLower(strings.Trim(line, "\ufeff\" \t"))) {
		return ',', map[string]int{"query": 0}, true
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

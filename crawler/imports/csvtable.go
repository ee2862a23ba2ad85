package imports

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// namedColumns finds the columns of a header row by name: for each name of names, the first cell that
// is one of its words (case, surrounding spaces and quotes and a byte order mark aside). A name no cell
// holds is absent.
func namedColumns(cells []string, names map[string][]string) map[string]int {
	col := map[string]int{}
	for i, c := range cells {
		c = strings.ToLower(strings.TrimSpace(strings.Trim(strings.TrimSpace(strings.TrimPrefix(c, "\ufeff")), `"`)))
		for name, words := range names {
			if _, taken := col[name]; !taken && slices.Contains(words, c) {
				col[name] = i
			}
		}
	}
	return col
}

// tableHeader finds the separator of a header row (tab, comma or semicolon, the first that splits it
// into cells holding every required name) and its named columns.
func tableHeader(line string, names map[string][]string, required ...string) (rune, map[string]int, bool) {
	for _, sep := range []rune{'\t', ',', ';'} {
		if !strings.ContainsRune(line, sep) {
			continue
		}
		cells, err := splitRow(line, sep)
		if err != nil {
			continue
		}
		col := namedColumns(cells, names)
		if !slices.ContainsFunc(required, func(name string) bool { _, ok := col[name]; return !ok }) {
			return sep, col, true
		}
	}
	return 0, nil, false
}

// readTable reads a CSV export whose first non-blank line is a header row that header recognises (its
// separator and named columns; noHeader says what it wants otherwise). Each later row is handed to row
// with a function giving its cell under a name, trimmed ("" where there is none); a row too long, or
// without the key column, is told to skip by line.
func readTable(r io.Reader, header func(line string) (rune, map[string]int, bool), noHeader, key string,
	skip func(line int, why string), row func(cell func(name string) string)) error {
	var (
		sep rune
		col map[string]int
	)
	err := heed.ReadLines(decodeUTF16(r), heed.DefaultMaxLine, func(n int, line []byte, cut bool) error {
		text := strings.TrimSpace(string(line))
		switch {
		case text == "":
			return nil
		case sep == 0:
			var ok bool
			if sep, col, ok = header(text); !ok {
				return fmt.Errorf("%w: line %d: no header row naming %s", crawler.ErrBadInput, n, noHeader)
			}
			return nil
		case cut:
			skip(n, fmt.Sprintf("line longer than %d bytes", heed.DefaultMaxLine))
			return nil
		}
		cells, err := splitRow(string(line), sep)
		if err != nil || col[key] >= len(cells) {
			skip(n, fmt.Sprintf("%d cells, the %s is cell %d", len(cells), key, col[key]+1))
			return nil
		}
		row(func(name string) string {
			if i, ok := col[name]; ok && i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		})
		return nil
	})
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return nil
}

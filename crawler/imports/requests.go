// Package imports reads requests from files instead of crawling them: JSONL as `heed crawl` writes it
// (keeping every sighting's source, seed and evidence), keyword exports with a header row (CSV or TSV, as
// keyword tools and Search Console give them), or plain lists with one request a line (requests.go); and
// what the organisation's own customers asked it: help-desk tickets, from an export or the help desk's
// API (helpdesk.go), every text redacted (redact.go) before it is kept.
package imports

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// Requests is the `requests` source: it imports the requests of one file.
type Requests struct {
	name string
	path string
	log  *slog.Logger
	skip func(reason string, n int)
}

// counter is what the source needs to count the lines it skips.
type counter interface {
	Skipped(source, reason string, n int)
}

// NewRequests returns the source for spec, whose Base is the file's path. c counts skipped lines; log
// names them; both may be nil.
func NewRequests(spec crawler.Spec, log *slog.Logger, c counter) (*Requests, error) {
	name := spec.Name
	if name == "" {
		name = spec.Kind
	}
	if spec.Base == "" {
		return nil, fmt.Errorf("source %s: requests needs a file, as requests=PATH", name)
	}
	if err := checkFile(name, "requests", spec.Base); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Requests{name: name, path: spec.Base, log: log, skip: func(string, int) {}}
	if c != nil {
		r.skip = func(reason string, n int) { c.Skipped(name, reason, n) }
	}
	return r, nil
}

// Name is the configured source name.
func (r *Requests) Name() string { return r.name }

// Kind is "requests".
func (r *Requests) Kind() string { return "requests" }

// Units: a file is read once, whatever the seeds.
func (r *Requests) Units([]string) []crawler.Unit {
	return []crawler.Unit{{Source: r.name, Query: r.path}}
}

// Fetch reads the file.
func (r *Requests) Fetch(ctx context.Context, u crawler.Unit) ([]heed.Sighting, error) {
	f, err := os.Open(r.path)
	if err != nil {
		return nil, fmt.Errorf("import requests %s: %w: %w", r.path, crawler.ErrBadInput, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, sniffLen)
	if head, _ := br.Peek(sniffLen); !looksLikeText(head) {
		return nil, fmt.Errorf("import requests %s: %w: not text (binary data, such as an archive, an image or a spreadsheet file: export it as CSV or one request a line)", r.path, crawler.ErrBadInput)
	}
	out, bad, err := Read(br, r.path)
	if err != nil {
		return nil, fmt.Errorf("import requests %s: %w", r.path, err)
	}
	for _, b := range bad {
		r.log.Warn("skipped a bad line of a requests file", "source", r.name, "file", r.path, "line", b.Line, "err", b.Err)
	}
	r.skip("invalid", len(bad))
	switch {
	case len(out) > 0:
	case len(bad) > 0:
		return nil, fmt.Errorf("import requests %s: %w: none of its %d lines could be read (line %d: %s)", r.path, crawler.ErrBadInput, len(bad), bad[0].Line, bad[0].Err)
	default:
		return nil, fmt.Errorf("import requests %s: %w: no request in it (the file is empty, or has only blank lines or a header row)", r.path, crawler.ErrBadInput)
	}
	return out, ctx.Err()
}

// sniffLen is how much of a requests file is read to tell text from binary data.
const sniffLen = 8 << 10

// looksLikeText reports whether the start of a file is text: UTF-16 with a byte order mark, or at most
// one character in five undecodable or a control character (other than tab, line ends and form feed).
// Random bytes (an archive, an image, a spreadsheet file) are about half such characters; a text file
// with a stray line of them is still text, and the line is skipped (textLine).
func looksLikeText(head []byte) bool {
	if len(head) >= 2 && ((head[0] == 0xff && head[1] == 0xfe) || (head[0] == 0xfe && head[1] == 0xff)) {
		return true
	}
	if len(head) > utf8.UTFMax {
		head = head[:len(head)-utf8.UTFMax] // a character cut by the end of the sniffed part is not bad
	}
	runes, odd := 0, 0
	for len(head) > 0 {
		r, n := utf8.DecodeRune(head)
		head = head[n:]
		runes++
		if notTextRune(r, n) && r != '\n' && r != '\r' && r != '\f' {
			odd++
		}
	}
	return odd*5 <= runes
}

// notTextRune: an undecodable byte, or a control character other than tab.
func notTextRune(r rune, size int) bool {
	return (r == utf8.RuneError && size == 1) || (r < 0x20 && r != '\t') || r == 0x7f
}

// textLine says why a line is not text ("" when it is): it holds a control character (a NUL, or
// others than tab), or more than a quarter of it cannot be decoded.
func textLine(line []byte) string {
	runes, bad := 0, 0
	for len(line) > 0 {
		r, n := utf8.DecodeRune(line)
		line = line[n:]
		runes++
		switch {
		case r < 0x20 && r != '\t' && r != '\r' || r == 0x7f:
			return "not text: it holds control characters"
		case r == utf8.RuneError && n == 1:
			bad++
		}
	}
	if bad*4 > runes {
		return "not text: most of it is not UTF-8"
	}
	return ""
}

// BadLine is a line of an input file that could not be read.
type BadLine struct {
	Line int
	Err  string
}

// keywordColumns are the header names keyword tools and Search Console give the request column.
var keywordColumns = []string{"keyword", "keywords", "query", "queries", "top queries", "search term", "search terms",
	"search query", "search queries", "phrase", "keyphrase", "request", "text"}

// Read reads a requests file, in one of three forms:
//   - JSONL sightings, as heed crawl writes them (the first non-blank line starts with '{');
//   - a keyword export with a header row, comma-, semicolon- or tab-separated, whose request column is
//     named keyword, query, search term or the like (Search Console's clicks and impressions are kept);
//   - plain text, one request a line.
//
// UTF-8 and UTF-16 (with a byte order mark, as Google Ads exports) are read. Blank lines are skipped; bad
// lines are returned in bad with their line numbers, and the good lines are kept. A request repeated
// word for word is kept once, at its first line: the store keeps only a unit's first sighting of a
// request, and a big export repeats most of its lines.
func Read(r io.Reader, name string) (out []heed.Sighting, bad []BadLine, err error) {
	rd := &requestsReader{name: name, seen: map[string]struct{}{}}
	if err := heed.ReadLines(decodeUTF16(r), heed.DefaultMaxLine, rd.line); err != nil {
		return rd.out, rd.bad, fmt.Errorf("%w: read: %w", crawler.ErrBadInput, err)
	}
	return rd.out, rd.bad, nil
}

// decodeUTF16 reads r as UTF-16 when it starts with a UTF-16 byte order mark, else as it is.
func decodeUTF16(r io.Reader) *bufio.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(2); len(bom) == 2 && ((bom[0] == 0xff && bom[1] == 0xfe) || (bom[0] == 0xfe && bom[1] == 0xff)) {
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		br = bufio.NewReaderSize(transform.NewReader(br, dec), 64<<10)
	}
	return br
}

// requestsReader is what Read knows as it goes through a requests file named name: the file's form, known
// from its first non-blank line, the requests read and the bad lines.
type requestsReader struct {
	name  string
	mode  int
	csvIn *csvState
	pos   int // the last request's position
	seen  map[string]struct{}
	out   []heed.Sighting
	bad   []BadLine
}

// keep keeps a request unless it was read before, word for word.
func (rd *requestsReader) keep(s heed.Sighting) {
	if _, dup := rd.seen[s.Text]; !dup {
		rd.seen[s.Text] = struct{}{}
		rd.out = append(rd.out, s)
	}
}

// line reads line n, cut when it was longer than heed.DefaultMaxLine.
func (rd *requestsReader) line(n int, line []byte, cut bool) error {
	trimmed := bytes.TrimSpace(line)
	if len(trimmed) == 0 {
		return nil
	}
	if why := textLine(trimmed); why != "" {
		rd.bad = append(rd.bad, BadLine{Line: n, Err: why})
		return nil
	}
	if rd.mode == modeUnknown {
		rd.mode = modeText
		switch {
		case trimmed[0] == '{':
			rd.mode = modeJSONL
		default:
			if c := headerOf(string(trimmed)); c != nil {
				rd.mode, rd.csvIn = modeCSV, c
				return nil
			}
		}
	}
	switch rd.mode {
	case modeText:
		rd.pos++
		rd.keep(heed.Sighting{Text: string(trimmed), Source: "requests", URL: rd.name, Position: rd.pos, Truncated: cut})
	case modeCSV:
		rd.csvLine(n, line, cut)
	case modeJSONL:
		rd.jsonLine(n, trimmed, cut)
	}
	return nil
}

// csvLine reads line n of a keyword export, a data row.
func (rd *requestsReader) csvLine(n int, line []byte, cut bool) {
	if cut {
		rd.bad = append(rd.bad, BadLine{Line: n, Err: fmt.Sprintf("line longer than %d bytes", heed.DefaultMaxLine)})
		return
	}
	s, err := rd.csvIn.row(string(line))
	if err != nil {
		rd.bad = append(rd.bad, BadLine{Line: n, Err: err.Error()})
		return
	}
	if s.Text == "" {
		return
	}
	rd.pos++
	s.Source, s.URL, s.Position = "requests", rd.name, rd.pos
	rd.keep(s)
}

// jsonLine reads line n of a JSONL file, one sighting, trimmed.
func (rd *requestsReader) jsonLine(n int, trimmed []byte, cut bool) {
	if cut {
		rd.bad = append(rd.bad, BadLine{Line: n, Err: fmt.Sprintf("line longer than %d bytes", heed.DefaultMaxLine)})
		return
	}
	var s heed.Sighting
	if err := json.Unmarshal(trimmed, &s); err != nil {
		rd.bad = append(rd.bad, BadLine{Line: n, Err: err.Error()})
		return
	}
	if s.Text == "" {
		rd.bad = append(rd.bad, BadLine{Line: n, Err: `no "text"`})
		return
	}
	if s.Source == "" {
		s.Source = "requests"
	}
	if s.URL == "" {
		s.URL = rd.name
	}
	if s.Position <= 0 {
		rd.pos++
		s.Position = rd.pos
	}
	rd.keep(s)
}

const (
	modeUnknown = iota
	modeText
	modeJSONL
	modeCSV
)

// csvState reads the rows of a keyword export after its header.
type csvState struct {
	sep                          rune
	text, clicks, impressions, n int
}

// headerOf recognises a header row: a separator and a column named like a keyword column.
func headerOf(line string) *csvState {
	for _, sep := range []rune{'\t', ',', ';'} {
		if !strings.ContainsRune(line, sep) {
			continue
		}
		cols, err := splitRow(line, sep)
		if err != nil {
			continue
		}
		c := &csvState{sep: sep, text: -1, clicks: -1, impressions: -1, n: len(cols)}
		for i, col := range cols {
			col = strings.ToLower(strings.TrimSpace(strings.Trim(col, `"`)))
			switch {
			case c.text < 0 && slices.Contains(keywordColumns, col):
				c.text = i
			case col == "clicks":
				c.clicks = i
			case col == "impressions":
				c.impressions = i
			}
		}
		if c.text >= 0 {
			return c
		}
	}
	return nil
}

func splitRow(line string, sep rune) ([]string, error) {
	cr := csv.NewReader(strings.NewReader(line))
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	return cr.Read()
}

// row reads one data row.
func (c *csvState) row(line string) (heed.Sighting, error) {
	cols, err := splitRow(line, c.sep)
	if err != nil {
		return heed.Sighting{}, err
	}
	if c.text >= len(cols) {
		return heed.Sighting{}, fmt.Errorf("%d columns, the request column is number %d", len(cols), c.text+1)
	}
	s := heed.Sighting{Text: strings.TrimSpace(cols[c.text])}
	num := func(i int) *int {
		if i < 0 || i >= len(cols) {
			return nil
		}
		v := strings.NewReplacer(",", "", " ", "", "\u00a0", "").Replace(cols[i])
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil
		}
		return &n
	}
	s.Clicks, s.Impressions = num(c.clicks), num(c.impressions)
	return s, nil
}

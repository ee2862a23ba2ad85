package site

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// BadLine is a line of a page export that was skipped, and why.
type BadLine struct {
	Line int
	Err  string
}

func (b BadLine) String() string { return fmt.Sprintf("line %d: %s", b.Line, b.Err) }

// exportPage is a page as exports write it: contracts.md's page format, plus the fields heed's own crawl
// keeps.
type exportPage struct {
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Headings    []string  `json:"headings"`
	Body        string    `json:"body"`
	Queries     []string  `json:"queries"`
	Questions   []heed.QA `json:"questions"`
	Type        string    `json:"type"`
	Lang        string    `json:"lang"`
}

// ReadExportFile reads a page export: CSV when the name ends in .csv, JSONL otherwise.
func ReadExportFile(path string) ([]heed.Page, []BadLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read pages %s: %w: %w", path, crawler.ErrBadInput, err)
	}
	defer f.Close()
	var pages []heed.Page
	var bad []BadLine
	if strings.HasSuffix(strings.ToLower(path), ".csv") {
		pages, bad, err = ReadCSV(f)
	} else {
		pages, bad, err = ReadJSONL(f)
	}
	if err != nil {
		return pages, bad, fmt.Errorf("read pages %s: %w", path, err)
	}
	return pages, bad, nil
}

// MaxExportPages bounds the pages one export may hold: past it, lines are refused (and reported) rather
// than read into memory.
const MaxExportPages = 2_000_000

// ReadJSONL reads one page a line. Lines that are not a page object, or whose page is invalid, are
// returned in bad by line number; the good lines are kept.
func ReadJSONL(r io.Reader) ([]heed.Page, []BadLine, error) {
	var pages []heed.Page
	var bad []BadLine
	err := heed.ReadLines(r, 16<<20, func(n int, line []byte, cut bool) error {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			return nil
		}
		if cut {
			bad = append(bad, BadLine{n, "line longer than 16 MiB"})
			return nil
		}
		var e exportPage
		if err := json.Unmarshal(line, &e); err != nil {
			bad = append(bad, BadLine{n, "not a page object: " + err.Error()})
			return nil
		}
		p, err := e.page()
		if err != nil {
			bad = append(bad, BadLine{n, err.Error()})
			return nil
		}
		if len(pages) == MaxExportPages {
			bad = append(bad, BadLine{n, fmt.Sprintf("more than %d pages in one export: refused", MaxExportPages)})
			return nil
		}
		pages = append(pages, p)
		return nil
	})
	if err != nil {
		return pages, bad, fmt.Errorf("%w: %w", crawler.ErrBadInput, err)
	}
	return pages, bad, nil
}

// ReadCSV reads a header row naming the columns (url is required; title, description, body, queries,
// type, lang are optional; queries are separated by |), then one page a row.
func ReadCSV(r io.Reader) ([]heed.Page, []BadLine, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	head, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: line 1: no header row: %w", crawler.ErrBadInput, err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[h] = i
	}
	if _, ok := col["url"]; !ok {
		return nil, nil, fmt.Errorf("%w: line 1: the header row has no url column (have %s)", crawler.ErrBadInput, strings.Join(head, ", "))
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	var pages []heed.Page
	var bad []BadLine
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, BadLine{pe.StartLine, pe.Err.Error()})
				continue
			}
			return pages, bad, fmt.Errorf("%w: %w", crawler.ErrBadInput, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		line, _ := cr.FieldPos(0)
		e := exportPage{
			URL: get(rec, "url"), Title: get(rec, "title"), Description: get(rec, "description"),
			Body: get(rec, "body"), Type: get(rec, "type"), Lang: get(rec, "lang"),
		}
		for _, q := range strings.Split(get(rec, "queries"), "|") {
			if q = strings.TrimSpace(q); q != "" {
				e.Queries = append(e.Queries, q)
			}
		}
		p, err := e.page()
		if err != nil {
			bad = append(bad, BadLine{line, err.Error()})
			continue
		}
		if len(pages) == MaxExportPages {
			bad = append(bad, BadLine{line, fmt.Sprintf("more than %d pages in one export: refused", MaxExportPages)})
			continue
		}
		pages = append(pages, p)
	}
	return pages, bad, nil
}

// page checks an exported page and cleans its text.
func (e exportPage) page() (heed.Page, error) {
	u, err := CheckURL(e.URL)
	if err != nil {
		return heed.Page{}, err
	}
	t, err := heed.ParsePageType(strings.ToLower(strings.TrimSpace(e.Type)))
	if err != nil {
		return heed.Page{}, err
	}
	body, _ := heed.CleanText(e.Body, maxBody)
	p := heed.Page{URL: u, Title: clean(e.Title), Description: clean(e.Description), Body: body,
		Type: t, Lang: strings.TrimSpace(e.Lang)}
	for _, h := range e.Headings {
		if h = clean(h); h != "" && len(p.Headings) < maxHeadings {
			p.Headings = append(p.Headings, h)
		}
	}
	for _, q := range e.Queries {
		if q, _ = heed.CleanText(q, heed.DefaultMaxText); q != "" {
			p.Queries = append(p.Queries, q)
		}
	}
	for _, qa := range e.Questions {
		qa.Question = clean(qa.Question)
		qa.Answer, _ = heed.CleanText(qa.Answer, maxBody)
		if qa.Question != "" && len(p.Questions) < maxQuestions {
			p.Questions = append(p.Questions, qa)
		}
	}
	return p, nil
}

// CheckURL accepts a page's url: an http(s) URL, or an identifier without a scheme ("faq/115"), which
// reports show as text. Any other scheme (javascript:, data:, file:) is refused, so that no link in a
// report can run script.
func CheckURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New(`no "url"`)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("url %q: %v", raw, err)
	}
	switch u.Scheme {
	case "":
		return raw, nil
	case "http", "https":
		if u.Host == "" {
			return "", fmt.Errorf("url %q: no host", raw)
		}
		return raw, nil
	}
	return "", fmt.Errorf("url %q: scheme %q refused: only http and https links are allowed", raw, u.Scheme)
}

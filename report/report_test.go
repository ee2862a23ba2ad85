package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\n--- got:\n%s", name, got)
	}
}

const hostile = `<script>alert("x")</script> <img src=x onerror=alert(1)>`

func sample() *Report {
	t0 := time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)
	return &Report{
		Schema: Schema, Organisation: "Lark <Cycles>", Generated: t0,
		Run: Run{ID: 2, Job: "nightly", Started: t0, Finished: t0.Add(time.Minute), Status: "partial", Previous: 1},
		Summary: Summary{Requests: 3, Answered: 1, Gaps: 2, Coverage: 0.3333, New: 2, Recurring: 1, Disappeared: 1, NewGaps: 1, ClosedGaps: 1, Pages: 2,
			GapsByKind: map[string]int{"no_content": 1, "weak_match": 0, "wrong_page_type": 1},
			ByIntent:   map[string]Coverage{"informational": {Requests: 2, Answered: 1, Gaps: 1, Coverage: 0.5}, "transactional": {Requests: 1, Gaps: 1}},
			BySource:   map[string]Coverage{"suggest": {Requests: 3, Answered: 1, Gaps: 2, Coverage: 0.3333}}},
		Gaps: []Request{
			{Key: "=hyperlink", Text: `=HYPERLINK("http://evil.example","x")`, Intent: heed.Informational, Confidence: 0.6, QuestionType: heed.QNone,
				Modifiers: []string{}, Status: "new", FirstSeen: t0, RunsSeen: 1, GapKind: heed.GapNoContent, Gap: true, Reason: "no page mentions it",
				Alternatives: []heed.Alternative{}, Demand: 2.5, Evidence: heed.Evidence{Sightings: 1, Sources: []string{"suggest"}, Suggestions: 1, BestPosition: 2, RunsSeen: 1},
				Examples: []Example{{Source: "suggest", URL: "http://127.0.0.1/s?q=x", Seed: "x", Position: 2}}},
			{Key: "buy lark cargo", Text: "buy lark cargo " + hostile, Topic: "cargo lark", Intent: heed.Transactional, Confidence: 0.8, QuestionType: heed.QNone,
				Modifiers: []string{"buy"}, Status: "recurring", FirstSeen: t0.Add(-24 * time.Hour), RunsSeen: 2, URL: "javascript:alert(1)",
				PageTitle: "Blog " + hostile, PageType: heed.PageArticle, Score: 0.7, Gap: true, GapKind: heed.GapWrongPageType,
				Reason: "it is an article", Alternatives: []heed.Alternative{}, Demand: 1.2,
				Evidence: heed.Evidence{Sightings: 2, Sources: []string{"suggest"}, Seeds: []string{"lark cargo"}, Suggestions: 2, BestPosition: 1, RunsSeen: 2}},
		},
		Answered: []Request{
			{Key: "charge lark battery", Text: "charge lark battery", Intent: heed.Informational, Confidence: 0.7, QuestionType: heed.QHowTo,
				Modifiers: []string{"how_to"}, Status: "new", FirstSeen: t0, RunsSeen: 1, URL: "https://help.example/charge",
				PageTitle: "Charge your battery", PageType: heed.PageGuide, Score: 0.9, GapKind: heed.GapNone, Reason: "title matches",
				Alternatives: []heed.Alternative{{URL: "https://help.example/range", Score: 0.3}}, Demand: 3,
				Evidence: heed.Evidence{Sightings: 1, Sources: []string{"suggest"}, Questions: 1, Votes: 4, Views: 900, RunsSeen: 1}},
		},
		Topics: []Topic{{Topic: heed.Topic{Key: "cargo lark", Terms: []string{"cargo", "lark"}, Label: "buy lark cargo " + hostile, Title: "Buy the Lark Cargo",
			Outline: []string{"Buy lark cargo?"}, PageType: heed.PageProduct, Requests: []string{"buy lark cargo"}, Texts: []string{"buy lark cargo " + hostile},
			Intents: map[heed.Intent]int{heed.Transactional: 1}, Kinds: map[heed.GapKind]int{heed.GapWrongPageType: 1}, Demand: 1.2},
			Closest:  &ClosestPage{URL: "javascript:alert(1)", Title: "Blog " + hostile, Type: heed.PageArticle, Gaps: 1, Reason: "it is an article"},
			Evidence: &TopicEvidence{Sightings: 2, Suggestions: 2, Sources: []string{"suggest"}, Links: []EvidenceLink{{Text: "buy lark cargo", Source: "suggest", URL: "https://s.example/?q=buy+lark+cargo"}}}}},
		Questions:   []QuestionGroup{{Seed: "lark cargo", Kind: "modifier", Word: "buy", Requests: 1, Examples: []QuestionRequest{{Key: "buy lark cargo", Text: "buy lark cargo " + hostile}}}},
		Pages:       []Page{{URL: "https://help.example/charge", Title: "Charge your battery", Type: heed.PageGuide, Requests: []string{"charge lark battery"}, Demand: 3}},
		Disappeared: []string{"old request " + hostile},
		Sources:     []Source{{Name: "suggest", Kind: "opensearch", Units: 10, Failed: 1, Sightings: 40, Requests: 3, Answered: 1, LastError: "HTTP 500 " + hostile}},
		History:     []History{{RunID: 1, Finished: t0.Add(-24 * time.Hour), Requests: 2, Answered: 0, Gaps: 2, Coverage: 0}, {RunID: 2, Finished: t0, Requests: 3, Answered: 1, Gaps: 2, Coverage: 0.3333}},
	}
}

func TestJSONGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "gaps.json", b.Bytes())
}

func TestCSVGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "gaps.csv", b.Bytes())
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(rows[0]) != len(CSVColumns) {
		t.Fatalf("%d rows of %d columns, want a header and 2 gaps of %d columns", len(rows), len(rows[0]), len(CSVColumns))
	}
	for _, row := range rows[1:] {
		for i, cell := range row {
			if _, err := strconv.ParseFloat(cell, 64); err == nil {
				continue // a number is data, not a formula
			}
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("column %s holds %q: a spreadsheet would run it as a formula", CSVColumns[i], cell)
			}
		}
	}
}

func TestHTMLEscapesEverything(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, sample()); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, bad := range []string{"<script>alert", "<img src=x", `href="javascript:`, "<Cycles>"} {
		if strings.Contains(html, bad) {
			t.Errorf("report.html contains %q unescaped", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert", "Lark &lt;Cycles&gt;", `href="https://help.example/charge"`, "Content-Security-Policy", "script-src &#39;sha256-"} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if n := strings.Count(html, "<script>"); n != 1 {
		t.Errorf("report.html has %d script elements, want only its own", n)
	}
	if strings.Contains(html, "http://") && strings.Contains(html, `src="http`) {
		t.Error("report.html loads something from the network")
	}
}

func TestWriteIsAtomicAndComplete(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, sample()); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "gaps.csv gaps.json report.html" {
		t.Errorf("files = %v, want exactly the three report files (no temporary files left)", names)
	}
}

func TestSafeCell(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"equals", "=1+2", "'=1+2"},
		{"plus", "+x", "'+x"},
		{"minus", "-x", "'-x"},
		{"at", "@SUM", "'@SUM"},
		{"tab", "\t=x", "'\t=x"},
		{"carriage return", "\r=x", "'\r=x"},
		{"line feed", "\n=x", "'\n=x"},
		{"fullwidth equals", "＝HYPERLINK(\"http://evil.example\")", "'＝HYPERLINK(\"http://evil.example\")"},
		{"fullwidth plus", "＋1", "'＋1"},
		{"fullwidth minus", "－1+cmd", "'－1+cmd"},
		{"fullwidth at", "＠SUM(A1)", "'＠SUM(A1)"},
		{"small equals", "﹦1+1", "'﹦1+1"},
		{"small plus", "﹢1", "'﹢1"},
		{"small minus", "﹣1", "'﹣1"},
		{"small at", "﹫SUM", "'﹫SUM"},
		{"equals later", "a=1", "a=1"},
		{"fullwidth equals later", "a＝1", "a＝1"},
		{"fullwidth letter", "ｌａｒｋ", "ｌａｒｋ"},
		{"plain", "plain", "plain"},
		{"empty", "", ""},
	} {
		if got := SafeCell(tt.in); got != tt.want {
			t.Errorf("%s: SafeCell(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// bidiControls are the Unicode bidi controls: each reorders what is shown after it.
var bidiControls = []rune{'\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'}

// TestHTMLHasNoBidiControls: crawled text carrying U+202E RIGHT-TO-LEFT OVERRIDE (and its kin) would show
// reordered, and reorder what follows it; report.html shows the text without them.
func TestHTMLHasNoBidiControls(t *testing.T) {
	r := sample()
	spoof := "lark \u202eexe.tnemyap\u202c \u2066x\u2069\u200e\u200f\u061c\u202a\u202b\u202d\u2067\u2068 end"
	r.Organisation += spoof
	r.Gaps[0].Text, r.Gaps[0].Reason, r.Gaps[0].PageTitle = spoof, spoof, spoof
	r.Gaps[1].URL = "https://help.example/\u202efdp.exe"
	r.Answered[0].PageTitle = spoof
	r.Topics = []Topic{{Topic: heed.Topic{Key: spoof, Label: spoof, Title: spoof, Texts: []string{spoof}, Requests: []string{"k"}, Demand: 1}}}
	r.Pages[0].Requests = []string{spoof}
	r.Disappeared = append(r.Disappeared, spoof)
	r.Sources[0].LastError = spoof
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if strings.ContainsFunc(htmlTemplate+reportJS+reportCSS, func(r rune) bool { return unicode.Is(unicode.Bidi_Control, r) }) {
		t.Error("the report's own template, script or style holds a bidi control: stripping it would change them (and the script's hash)")
	}
	if !strings.Contains(html, "lark exe.tnemyap x end") {
		t.Error("report.html does not show the text less its controls")
	}
	for _, c := range bidiControls {
		if n := strings.Count(html, string(c)); n > 0 {
			t.Errorf("report.html holds %U %d times", c, n)
		}
	}
}

// TestBidiStripperAcrossWrites: a control split between two writes is still taken out, and everything
// else, invalid UTF-8 included, passes unchanged.
func TestBidiStripperAcrossWrites(t *testing.T) {
	in := "a\u202eb\u061cc\xe2\x80d\u2069\u2028é中\xe2"
	want := "abc\xe2\x80d\u2028é中\xe2"
	for size := 1; size <= len(in); size++ {
		var b bytes.Buffer
		s := NewBidiStripper(&b)
		for i := 0; i < len(in); i += size {
			chunk := in[i:min(i+size, len(in))]
			if n, err := s.Write([]byte(chunk)); n != len(chunk) || err != nil {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); got != want {
			t.Errorf("in writes of %d bytes: %q, want %q", size, got, want)
		}
	}
}

func TestHref(t *testing.T) {
	for in, want := range map[string]string{"https://h.example/a?b=1": "https://h.example/a?b=1", "javascript:alert(1)": "", "faq/115": "", "data:text/html,x": "", "http://": ""} {
		if got := Href(in); got != want {
			t.Errorf("Href(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHTMLShowsTheFirstRowsOnly: a report of many requests keeps report.html readable; the JSON and
// CSV keep every one.
func TestHTMLShowsTheFirstRowsOnly(t *testing.T) {
	r := sample()
	for i := range MaxHTMLRows + 500 {
		r.Gaps = append(r.Gaps, Request{Key: fmt.Sprint(i), Text: fmt.Sprintf("gap request %d", i), GapKind: "no_content", Examples: []Example{}})
	}
	var h, c bytes.Buffer
	if err := WriteHTML(&h, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&c, r); err != nil {
		t.Fatal(err)
	}
	html := h.String()
	body := html[strings.Index(html, `id="gaps-table"`):]
	body = body[:strings.Index(body, "</table>")]
	if rows := strings.Count(body, "<tr") - 1; rows != MaxHTMLRows {
		t.Errorf("%d gap rows in report.html, want %d", rows, MaxHTMLRows)
	}
	if want := fmt.Sprintf("%d more, in gaps.json and gaps.csv", len(r.Gaps)-MaxHTMLRows); !strings.Contains(html, want) {
		t.Errorf("report.html does not say %q", want)
	}
	if lines := strings.Count(c.String(), "\n"); lines != len(r.Gaps)+1 {
		t.Errorf("gaps.csv has %d lines, want every gap and a header", lines)
	}
}

// TestJSONIsStreamedAsTheEncoderWouldWriteIt: gaps.json is written a list element at a time (a
// million-request report would otherwise be built as one gigabyte in memory), byte for byte what
// json.Encoder writes for the whole report, for full, empty and missing lists.
func TestJSONIsStreamedAsTheEncoderWouldWriteIt(t *testing.T) {
	full := sample()
	full.Topics = []Topic{{Topic: heed.Topic{Key: "a b", Terms: []string{"a", "b"}, Label: hostile, Requests: []string{"k"}, Texts: []string{"t"}}}}
	full.NewGaps, full.ClosedGaps = []string{"x & y"}, []string{"\u2028 line separator"}
	full.Replies = []Reply{{Text: "q", URL: "https://help.example/charge", Questions: []string{"https://forum.example/1"}}}
	full.Summary.SearchConsole = &SearchConsoleSummary{Queries: 2, Same: 1, Agreement: 0.5}
	full.Disagreements = []Disagreement{{Key: "k", Text: hostile, GooglePage: "https://help.example/a", Gap: true, Impressions: 9}}
	empty := &Report{Schema: Schema, Gaps: []Request{}}
	for name, r := range map[string]*Report{"sample": sample(), "full": full, "empty": empty} {
		t.Run(name, func(t *testing.T) {
			var want bytes.Buffer
			c := *r
			c.Gaps, c.Answered, c.Pages, c.Disappeared = orEmpty(c.Gaps), orEmpty(c.Answered), orEmpty(c.Pages), orEmpty(c.Disappeared)
			c.Topics, c.ServiceIssues, c.Cannibalised = orEmpty(c.Topics), orEmpty(c.ServiceIssues), orEmpty(c.Cannibalised)
			c.Replies, c.Dismissed, c.Sources, c.History = orEmpty(c.Replies), orEmpty(c.Dismissed), orEmpty(c.Sources), orEmpty(c.History)
			c.NewGaps, c.ClosedGaps, c.Questions, c.Disagreements = orEmpty(c.NewGaps), orEmpty(c.ClosedGaps), orEmpty(c.Questions), orEmpty(c.Disagreements)
			c.ServiceKinds = orEmpty(c.ServiceKinds)
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			if err := enc.Encode(&c); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := WriteJSON(&got, r); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.String(), got.String()); diff != "" {
				t.Errorf("streamed gaps.json differs from the encoder's (-want +got):\n%s", diff)
			}
		})
	}
}

// TestJSONWritesBigReportsInBoundedMemory: writing a report of 150,000 gaps holds about one row's JSON
// at a time, not the whole file: the heap seen at every write stays far below the file's size.
func TestJSONWritesBigReportsInBoundedMemory(t *testing.T) {
	r := sample()
	row := r.Gaps[1]
	r.Gaps = make([]Request, 150_000)
	for i := range r.Gaps {
		r.Gaps[i] = row
	}
	defer debug.SetGCPercent(debug.SetGCPercent(25))
	runtime.GC()
	hw := &heapWatcher{sample: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
	metrics.Read(hw.sample)
	base := hw.sample[0].Value.Uint64()
	if err := WriteJSON(hw, r); err != nil {
		t.Fatal(err)
	}
	if hw.n < 100<<20 {
		t.Fatalf("wrote %d bytes, want a file over 100 MiB to measure", hw.n)
	}
	// One piece would hold the whole file in a buffer before its first write.
	if grew := int64(hw.peak) - int64(base); grew > hw.n/4 {
		t.Errorf("the heap grew by %d MiB while writing a %d MiB file; want it streamed", grew>>20, hw.n>>20)
	}
}

// heapWatcher counts what is written to it and the largest heap seen at a write.
type heapWatcher struct {
	n      int64
	peak   uint64
	sample []metrics.Sample
}

func (h *heapWatcher) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	metrics.Read(h.sample)
	h.peak = max(h.peak, h.sample[0].Value.Uint64())
	return len(p), nil
}

// orEmpty makes a nil list an empty one, as gaps.json writes it.
func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

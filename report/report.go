// Package report writes the gap report of a run: report.html for people, gaps.json and gaps.csv for
// spreadsheets and other tools. Every file is written atomically (a temporary file renamed into place),
// and all crawled text is treated as hostile: escaped in HTML, neutralised against formula injection in
// CSV.
package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/internal/atomicfile"
)

// Schema names the version of gaps.json.
const Schema = "heed.gaps/v1"

// Report is everything a report shows. Its JSON form is gaps.json.
type Report struct {
	Schema       string    `json:"schema"`
	Organisation string    `json:"organisation"`
	Generated    time.Time `json:"generated"`
	Run          Run       `json:"run"`
	Summary      Summary   `json:"summary"`
	// Gaps are the open content gaps: requests no page answers (or answers with the wrong kind of page),
	// highest demand first. Service issues and requests marked "won't answer" are listed apart.
	Gaps []Request `json:"gaps"`
	// Topics group the gaps into briefs a writer can act on, highest demand first.
	Topics []Topic `json:"topics"`
	// ServiceIssues are complaints and reports of a failing service: no page fixes them.
	ServiceIssues []Request `json:"service_issues"`
	// ServiceKinds group the service issues by what failed, for the teams that run the service.
	ServiceKinds []ServiceKindGroup `json:"service_kinds"`
	// Cannibalised are answered requests for which several pages compete closely.
	Cannibalised []Request `json:"cannibalised"`
	// Replies are forum questions an existing page answers: the community team can reply with the page.
	Replies []Reply `json:"replies"`
	// Dismissed are gaps the content team marked "won't answer".
	Dismissed []Request `json:"dismissed"`
	// Answered are the requests a page answers, highest demand first.
	Answered []Request `json:"answered"`
	// Pages are the organisation's pages with the demand each answers.
	Pages []Page `json:"pages"`
	// Disappeared are requests the previous run saw and this one did not.
	Disappeared []string `json:"disappeared"`
	// NewGaps are this run's gaps that were not gaps (or not heard) in the previous run; ClosedGaps the
	// previous run's gaps a page answers now. Texts, highest demand first.
	NewGaps    []string  `json:"new_gaps"`
	ClosedGaps []string  `json:"closed_gaps"`
	Sources    []Source  `json:"sources"`
	History    []History `json:"history"`
	// Disagreements are the requests for which the page Google shows most is not the page heed
	// matches, most impressions first (with Search Console rows only).
	Disagreements []Disagreement `json:"search_console_disagreements"`
	// Questions group the requests by seed and by question word, comparison, preposition or modifier, as
	// AnswerThePublic does, with the answered part of each group.
	Questions []QuestionGroup `json:"questions"`
}

// QuestionGroup is the requests of one seed that share a question word (how, what, why, can...), a
// comparison (vs, or), a preposition (for, with, near...) or a modifier (price, best...).
type QuestionGroup struct {
	// Seed is the seed that surfaced them; "" for requests no seed surfaced (imported lists, feeds).
	Seed string `json:"seed"`
	// Kind is "question", "comparison", "preposition" or "modifier"; Word is the word itself (a
	// modifier's name for modifiers).
	Kind     string  `json:"kind"`
	Word     string  `json:"word"`
	Requests int     `json:"requests"`
	Answered int     `json:"answered"`
	Coverage float64 `json:"coverage"`
	// Examples are its most demanded requests (MaxQuestionExamples at most), highest demand first.
	Examples []QuestionRequest `json:"examples"`
}

// QuestionRequest is one request of a question group: answered or not, and by which page.
type QuestionRequest struct {
	Key      string `json:"key"`
	Text     string `json:"text"`
	Answered bool   `json:"answered"`
	URL      string `json:"url,omitempty"` // the page that answers it
}

// Run identifies the run a report is of.
type Run struct {
	ID       int64     `json:"id"`
	Job      string    `json:"job"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Status   string    `json:"status"`
	Previous int64     `json:"previous_run,omitempty"`
}

// Summary holds the headline figures.
type Summary struct {
	Requests int     `json:"requests"`
	Answered int     `json:"answered"`
	Gaps     int     `json:"gaps"`     // open content gaps
	Coverage float64 `json:"coverage"` // answered / requests
	// Every request is answered, an open gap, a service issue or dismissed ("won't answer").
	ServiceIssues int `json:"service_issues"`
	Dismissed     int `json:"dismissed"`
	Topics        int `json:"topics"`
	Cannibalised  int `json:"cannibalised"`
	Replies       int `json:"replies"`
	Pinned        int `json:"pinned"` // answered requests a content team pinned to their page
	New           int `json:"new"`
	Recurring     int `json:"recurring"`
	Disappeared   int `json:"disappeared"`
	NewGaps       int `json:"new_gaps"`    // gaps that were not gaps (or not seen) in the previous run
	ClosedGaps    int `json:"closed_gaps"` // gaps of the previous run answered now
	Pages         int `json:"pages"`
	// PagesSkipped are pages refused when read (a url that is not http(s), a bad export line).
	PagesSkipped int                 `json:"pages_skipped"`
	GapsByKind   map[string]int      `json:"gaps_by_kind"`
	ByIntent     map[string]Coverage `json:"by_intent"`
	BySource     map[string]Coverage `json:"by_source"`
	SiteError    string              `json:"site_error,omitempty"`
	// CalibrationNote is set when the gap thresholds were heed's defaults (the pages gave too little to
	// learn them from), and says why.
	CalibrationNote string `json:"calibration_note,omitempty"`
	// GapShare is set when the gap decision adapted to the share of gaps it estimated among the run's
	// requests (from a sample of them).
	GapShare *GapShare `json:"gap_share,omitempty"`
	// ByKind is the demand heard from each kind of source (suggestion, question, site_search,
	// help_desk, search_console, import): a request heard from several kinds counts under each;
	// Confirmed counts the requests heard from more than one (imports aside).
	ByKind    map[string]KindDemand `json:"by_kind"`
	Confirmed int                   `json:"confirmed"`
	// SearchConsole compares Google's pages with heed's, when Search Console rows were imported.
	SearchConsole *SearchConsoleSummary `json:"search_console,omitempty"`
}

// KindDemand is what one kind of source was heard asking: its requests, how many a page answers and
// how many are open gaps, and their demand summed.
type KindDemand struct {
	Requests int     `json:"requests"`
	Answered int     `json:"answered"`
	Gaps     int     `json:"gaps"`
	Demand   float64 `json:"demand"`
}

// Coverage of one group of requests.
type Coverage struct {
	Requests int     `json:"requests"`
	Answered int     `json:"answered"`
	Gaps     int     `json:"gaps"`
	Coverage float64 `json:"coverage"`
}

// Request is one request with everything known of it.
type Request struct {
	Key          string            `json:"key"`
	Text         string            `json:"text"`
	Intent       heed.Intent       `json:"intent"`
	Confidence   float64           `json:"confidence"`
	QuestionType heed.QuestionType `json:"question_type"`
	Modifiers    []string          `json:"modifiers"`
	// Status is "new" (first seen in this run) or "recurring".
	Status    string    `json:"status"`
	FirstSeen time.Time `json:"first_seen"`
	RunsSeen  int       `json:"runs_seen"`
	// The match: the best page (also for gaps, for review), its title and type, and why.
	URL          string             `json:"url"`
	PageTitle    string             `json:"page_title,omitempty"`
	PageType     heed.PageType      `json:"page_type,omitempty"`
	Score        float64            `json:"score"`
	Gap          bool               `json:"gap"`
	GapKind      heed.GapKind       `json:"gap_kind"`
	Reason       string             `json:"reason"`
	Alternatives []heed.Alternative `json:"alternatives"`
	// Competing are the other pages that answer it about as well (cannibalisation).
	Competing []string `json:"competing,omitempty"`
	// Override is the content team's decision that replaced heed's: "pin" or "wont_answer".
	Override heed.OverrideAction `json:"override,omitempty"`
	// Topic is the key of the gap topic it belongs to; Service says why it is a service issue, and
	// ServiceKind what failed (heed.ServiceKinds).
	Topic       string `json:"topic,omitempty"`
	Service     string `json:"service,omitempty"`
	ServiceKind string `json:"service_kind,omitempty"`
	// Demand is the evidence score; Evidence is what it was built from.
	Demand   float64       `json:"demand"`
	Evidence heed.Evidence `json:"evidence"`
	// Examples are a few sightings: where the request was seen.
	Examples []Example `json:"examples"`
}

// Topic is a group of gaps that one page could answer.
type Topic struct {
	heed.Topic
	// Override is the content team's decision on the whole topic, when there is one.
	Override heed.OverrideAction `json:"override,omitempty"`
	// Closest is the page most of its gaps come closest to, and why it falls short; nil when none of
	// them comes close to any page.
	Closest *ClosestPage `json:"closest_page,omitempty"`
	// Evidence is its gaps' evidence of demand, summed, with links to where they were seen.
	Evidence *TopicEvidence `json:"evidence,omitempty"`
}

// ClosestPage is the existing page a topic's gaps come closest to.
type ClosestPage struct {
	URL   string        `json:"url"`
	Title string        `json:"title,omitempty"`
	Type  heed.PageType `json:"type,omitempty"`
	Gaps  int           `json:"gaps"` // how many of the topic's gaps it is the closest page of
	// Reason is why it falls short: the match's reason for the most demanded of those gaps.
	Reason string `json:"reason"`
}

// TopicEvidence is the demand evidence of a topic's gaps, summed, and where they were seen.
type TopicEvidence struct {
	Sightings   int      `json:"sightings"`
	Suggestions int      `json:"suggestions"`
	Questions   int      `json:"questions"`
	Votes       int      `json:"votes"`
	Views       int      `json:"views"`
	Unanswered  int      `json:"unanswered"`
	Sources     []string `json:"sources"`
	// Links are sightings of its gaps with an http(s) address (forum threads, suggestion responses), each
	// once, most demanded gap first, MaxTopicLinks at most.
	Links []EvidenceLink `json:"links"`
}

// EvidenceLink is where one of a topic's requests was seen.
type EvidenceLink struct {
	Text   string `json:"text"` // the request
	Source string `json:"source"`
	URL    string `json:"url"`
}

// Reply is a forum question that a page answers.
type Reply struct {
	Text       string        `json:"text"`
	URL        string        `json:"url"` // the page to reply with
	PageTitle  string        `json:"page_title,omitempty"`
	Score      float64       `json:"score"`
	Questions  []string      `json:"questions"` // the forum threads asking it
	Unanswered int           `json:"unanswered"`
	Views      int           `json:"views"`
	Demand     float64       `json:"demand"`
	Evidence   heed.Evidence `json:"evidence"`
}

// Example is where one sighting was made: the vocabulary's.
type Example = heed.Example

// Page is one page with the demand it answers.
type Page struct {
	URL      string        `json:"url"`
	Title    string        `json:"title"`
	Type     heed.PageType `json:"type,omitempty"`
	Requests []string      `json:"requests"` // texts of the requests it answers, highest demand first
	Demand   float64       `json:"demand"`
	// Conversations are the public questions and threads the page answers (the reply opportunities,
	// kept by page), unanswered first, then by demand: what a site can show beside the page.
	Conversations []Conversation `json:"conversations"`
}

// Conversation is a public question a page answers: its words, the threads asking it and how they
// stand.
type Conversation struct {
	Text       string   `json:"text"`
	Threads    []string `json:"threads"`
	Unanswered int      `json:"unanswered"`
	Views      int      `json:"views"`
	Demand     float64  `json:"demand"`
}

// MaxConversations bounds the conversations a page lists.
const MaxConversations = 20

// Source is what one source did.
type Source struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Units     int    `json:"units"`
	Failed    int    `json:"failed"`
	Sightings int    `json:"sightings"`
	Requests  int    `json:"requests"`
	Answered  int    `json:"answered"`
	LastError string `json:"last_error,omitempty"`
}

// History is one earlier run's headline figures, for trends.
type History struct {
	RunID    int64               `json:"run_id"`
	Finished time.Time           `json:"finished"`
	Requests int                 `json:"requests"`
	Answered int                 `json:"answered"`
	Gaps     int                 `json:"gaps"`
	Coverage float64             `json:"coverage"`
	ByIntent map[string]Coverage `json:"by_intent"`
}

// Files are the names of the report's files inside its directory.
const (
	HTMLFile = "report.html"
	JSONFile = "gaps.json"
	CSVFile  = "gaps.csv"
)

// Write writes report.html, gaps.json and gaps.csv into dir, each atomically: streamed into a temporary
// file beside it and renamed into place, never held whole in memory.
func Write(dir string, r *Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer, *Report) error
	}{{JSONFile, WriteJSON}, {CSVFile, WriteCSV}, {HTMLFile, WriteHTML}} {
		af, err := atomicfile.Create(filepath.Join(dir, f.name))
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(af, 1<<20)
		if err := f.write(bw, r); err != nil {
			af.Abort()
			return err
		}
		if err := bw.Flush(); err != nil {
			af.Abort()
			return fmt.Errorf("write %s: %w", f.name, err)
		}
		if err := af.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes gaps.json: what json.Encoder with a two-space indent writes for the report, streamed
// a list element at a time so that a report of a million requests is never held as one buffer.
func WriteJSON(w io.Writer, r *Report) error {
	if err := writeJSON(w, r); err != nil {
		return fmt.Errorf("write %s: %w", JSONFile, err)
	}
	return nil
}

// writeJSON walks Report's fields in order. It knows plain `json:"name"` tags only: a field tagged
// omitempty or "-" would need handling here (TestJSONIsStreamedAsTheEncoderWouldWriteIt would catch it).
func writeJSON(w io.Writer, r *Report) error {
	v := reflect.ValueOf(r).Elem()
	t := v.Type()
	if _, err := io.WriteString(w, "{"); err != nil {
		return err
	}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		sep := ",\n  "
		if i == 0 {
			sep = "\n  "
		}
		key, _ := json.Marshal(name)
		if _, err := fmt.Fprintf(w, "%s%s: ", sep, key); err != nil {
			return err
		}
		f := v.Field(i)
		if f.Kind() != reflect.Slice {
			if err := writeIndented(w, f.Interface(), "  "); err != nil {
				return err
			}
			continue
		}
		if f.Len() == 0 { // nil lists too: gaps.json holds [] rather than null
			if _, err := io.WriteString(w, "[]"); err != nil {
				return err
			}
			continue
		}
		for j := range f.Len() {
			sep := ",\n    "
			if j == 0 {
				sep = "[\n    "
			}
			if _, err := io.WriteString(w, sep); err != nil {
				return err
			}
			if err := writeIndented(w, f.Index(j).Interface(), "    "); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(w, "\n  ]"); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\n}\n")
	return err
}

// writeIndented writes v as json.MarshalIndent does with the prefix of its nesting level.
func writeIndented(w io.Writer, v any, prefix string) error {
	b, err := json.MarshalIndent(v, prefix, "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// CSVColumns are gaps.csv's columns, in order.
var CSVColumns = []string{"rank", "text", "intent", "confidence", "question_type", "modifiers", "gap_kind",
	"best_url", "best_page_title", "best_page_type", "score", "reason", "demand", "status", "runs_seen",
	"first_seen", "sightings", "sources", "seeds", "best_position", "questions", "votes", "answers", "views",
	"unanswered", "example_url", "topic", "competing", "override"}

// WriteCSV writes gaps.csv: one row per gap, highest demand first, with a header row. Text cells that a
// spreadsheet would run as a formula are neutralised.
func WriteCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns); err != nil {
		return fmt.Errorf("write %s: %w", CSVFile, err)
	}
	for i, g := range r.Gaps {
		ev := g.Evidence
		example := ""
		if len(g.Examples) > 0 {
			example = g.Examples[0].URL
		}
		row := []string{
			strconv.Itoa(i + 1), SafeCell(g.Text), string(g.Intent), fmtFloat(g.Confidence), string(g.QuestionType),
			strings.Join(g.Modifiers, " "), string(g.GapKind), SafeCell(g.URL), SafeCell(g.PageTitle), string(g.PageType),
			fmtFloat(g.Score), SafeCell(g.Reason), fmtFloat(g.Demand), g.Status, strconv.Itoa(g.RunsSeen),
			g.FirstSeen.Format("2006-01-02"),
		}
		row = append(row, strconv.Itoa(ev.Sightings), SafeCell(strings.Join(ev.Sources, " ")), SafeCell(strings.Join(ev.Seeds, " | ")),
			strconv.Itoa(ev.BestPosition), strconv.Itoa(ev.Questions), strconv.Itoa(ev.Votes), strconv.Itoa(ev.Answers),
			strconv.Itoa(ev.Views), strconv.Itoa(ev.Unanswered), SafeCell(example), SafeCell(g.Topic), SafeCell(strings.Join(g.Competing, " ")),
			string(g.Override))
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write %s: %w", CSVFile, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write %s: %w", CSVFile, err)
	}
	return nil
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// SafeCell neutralises a text cell that a spreadsheet would run as a formula: one starting with =, +, -
// or @, or with a tab, carriage return or line feed (which spreadsheets skip before them), gets a leading
// single quote, as OWASP advises. Spreadsheets also read the fullwidth and small forms of those signs
// (＝ ＋ － ＠, ﹦ ﹢ ﹣ ﹫: what a Japanese or Chinese input method types) as the signs themselves, so a
// first character whose compatibility form (NFKC) is one of them is neutralised too.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	if r, _ := utf8.DecodeRuneInString(s); r >= utf8.RuneSelf {
		if k := norm.NFKC.String(string(r)); k != "" && strings.ContainsRune("=+-@", rune(k[0])) {
			return "'" + s
		}
	}
	return s
}

// GapShare is the share of gaps the gap decision estimated among a run's requests, and how many of them
// it sampled to estimate it.
type GapShare struct {
	Estimate float64 `json:"estimate"`
	Sampled  int     `json:"sampled"`
}

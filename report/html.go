package report

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/heed-dev/heed"
)

//go:embed report.html.tmpl
var htmlTemplate string

//go:embed report.js
var reportJS string

//go:embed report.css
var reportCSS string

var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":    func(f float64) string { return fmt.Sprintf("%.0f%%", math.Round(f*100)) },
	"pctNum": func(f float64) string { return fmt.Sprintf("%.1f", f*100) },
	"num":    func(f float64) string { return fmt.Sprintf("%.2f", f) },
	"href":   Href,
	"date":   func(t interface{ Format(string) string }) string { return t.Format("2006-01-02 15:04 MST") },
	"day":    func(t interface{ Format(string) string }) string { return t.Format("2006-01-02") },
	"join":   strings.Join,
	"add1":   func(i int) int { return i + 1 },
	"kinds":  func() []heed.GapKind { return heed.GapKinds[1:] },
	"kindLabel": func(k heed.GapKind) string {
		return map[heed.GapKind]string{heed.GapNoContent: "no content", heed.GapWeakMatch: "weak match",
			heed.GapWrongPageType: "wrong page type", heed.GapNone: "answered"}[k]
	},
	"script":          func() template.JS { return template.JS(reportJS) },
	"style":           func() template.CSS { return template.CSS(reportCSS) },
	"csp":             csp,
	"charts":          chartsOf,
	"top":             top,
	"kindName":        kindName,
	"serviceKindName": serviceKindName,
	"more":            more,
	"maxRows":         func() int { return MaxHTMLRows },
	"anchor":          Anchor,
	"links":           links,
	"qtLabel":         func(q heed.QuestionType) string { return strings.ReplaceAll(string(q), "_", " ") },
}).Parse(htmlTemplate))

// htmlView is what report.html's template reads: the report, and which of its gaps and topics the
// page shows (the first MaxHTMLRows of each), so that links between them go only to what is there.
type htmlView struct {
	*Report
	shownGaps   map[string]bool
	topicLabels map[string]string // shown topics' labels, by key
}

func newHTMLView(r *Report) htmlView {
	v := htmlView{Report: r, shownGaps: map[string]bool{}, topicLabels: map[string]string{}}
	for _, g := range r.Gaps[:min(len(r.Gaps), MaxHTMLRows)] {
		v.shownGaps[g.Key] = true
	}
	for _, t := range r.Topics[:min(len(r.Topics), MaxHTMLRows)] {
		v.topicLabels[t.Key] = t.Label
	}
	return v
}

// GapShown says whether the gaps table shows the gap of this key.
func (v htmlView) GapShown(key string) bool { return v.shownGaps[key] }

// TopicLabel is the label of a topic the page shows, "" when it shows none of that key.
func (v htmlView) TopicLabel(key string) string { return v.topicLabels[key] }

// TopicGap is one of a topic's gaps, as its brief lists it.
type TopicGap struct {
	Key, Text string
	Shown     bool // the gaps table shows it: the brief links it
}

// TopicGaps are a topic's gaps, highest demand first.
func (v htmlView) TopicGaps(t Topic) []TopicGap {
	out := make([]TopicGap, 0, len(t.Requests))
	for i, k := range t.Requests {
		g := TopicGap{Key: k, Text: k, Shown: v.shownGaps[k]}
		if i < len(t.Texts) {
			g.Text = t.Texts[i]
		}
		out = append(out, g)
	}
	return out
}

// SeedQuestions are the question groups of one seed.
type SeedQuestions struct {
	Seed   string
	Groups []QuestionGroup
}

// QuestionsBySeed are the question groups (the first MaxHTMLRows), seed by seed.
func (v htmlView) QuestionsBySeed() []SeedQuestions {
	var out []SeedQuestions
	for _, g := range v.Questions[:min(len(v.Questions), MaxHTMLRows)] {
		if len(out) == 0 || out[len(out)-1].Seed != g.Seed {
			out = append(out, SeedQuestions{Seed: g.Seed})
		}
		out[len(out)-1].Groups = append(out[len(out)-1].Groups, g)
	}
	return out
}

// link is one link of a request's sightings.
type link struct{ Source, URL string }

// links are the http(s) addresses of a request's sightings, each once.
func links(xs []Example) []link {
	var out []link
	for _, x := range xs {
		u := Href(x.URL)
		if u == "" || slices.ContainsFunc(out, func(l link) bool { return l.URL == u }) {
			continue
		}
		out = append(out, link{Source: x.Source, URL: u})
	}
	return out
}

// csp is the report's Content-Security-Policy: nothing loads from anywhere, and only the report's own
// script runs, named by its hash, so that text that escaped escaping still could not run.
func csp() string {
	sum := sha256.Sum256([]byte(reportJS))
	return "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-" +
		base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; form-action 'none'"
}

// Href returns u for use as a link when it is an http(s) URL, and "" otherwise: reports link nothing else.
func Href(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

// WriteHTML writes report.html: one self-contained file that needs no network to open.
// Crawled text reaches it escaped, linked only when http(s), and without bidi controls (BidiStripper).
func WriteHTML(w io.Writer, r *Report) error {
	sw := NewBidiStripper(w)
	if err := tmpl.Execute(sw, newHTMLView(r)); err != nil {
		return fmt.Errorf("write %s: %w", HTMLFile, err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", HTMLFile, err)
	}
	return nil
}

// MaxHTMLRows bounds the rows of each table of report.html: a person reads the first thousands by demand;
// gaps.json and gaps.csv hold every request.
const MaxHTMLRows = 2000

// top returns the first MaxHTMLRows elements of a slice.
func top(xs any) any {
	v := reflect.ValueOf(xs)
	if v.Kind() != reflect.Slice || v.Len() <= MaxHTMLRows {
		return xs
	}
	return v.Slice(0, MaxHTMLRows).Interface()
}

// more is how many elements of a slice top leaves out.
func more(xs any) int {
	v := reflect.ValueOf(xs)
	if v.Kind() != reflect.Slice {
		return 0
	}
	return max(v.Len()-MaxHTMLRows, 0)
}

// kindName names a kind of source for people.
func kindName(kind string) string {
	switch heed.SightingKind(kind) {
	case heed.SightingSuggestion:
		return "search suggestions"
	case heed.SightingQuestion:
		return "forum questions"
	case heed.SightingSiteSearch:
		return "your site search"
	case heed.SightingHelpDesk:
		return "your help desk"
	case heed.SightingSearchConsole:
		return "Search Console"
	case heed.SightingImport:
		return "imported lists"
	}
	return kind
}

// serviceKindName names what a service issue says failed, for people.
func serviceKindName(kind string) string {
	switch kind {
	case "account_access":
		return "account access"
	case "support":
		return "support (no answer)"
	case "other":
		return "other (grouped by topic)"
	}
	return kind
}

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
	"script":  func() template.JS { return template.JS(reportJS) },
	"style":   func() template.CSS { return template.CSS(reportCSS) },
	"csp":     csp,
	"charts":  chartsOf,
	"top":     top,
	"more":    more,
	"maxRows": func() int { return MaxHTMLRows },
}).Parse(htmlTemplate))

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
	if err := tmpl.Execute(sw, r); err != nil {
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

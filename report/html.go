package report

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"math"
	"net/url"
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
	"script": func() template.JS { return template.JS(reportJS) },
	"style":  func() template.CSS { return template.CSS(reportCSS) },
	"csp":    csp,
	"charts": chartsOf,
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
func WriteHTML(w *bytes.Buffer, r *Report) error {
	if err := tmpl.Execute(w, r); err != nil {
		return fmt.Errorf("write %s: %w", HTMLFile, err)
	}
	return nil
}

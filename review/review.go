// Package review serves the gap review pages of `heed serve`: content teams browse the last run's gap
// topics, gaps and answered requests, pin a request or a topic to a page, or mark it "won't answer". The
// decisions are stored as overrides and applied by the next run.
//
// Anyone who can reach the pages can read them. Writing needs the credentials of the config (a token, or
// a user name and password, both checked by HTTP basic auth; the token also as a bearer token); without
// credentials configured, the pages are read-only. Forms carry a token derived from the credentials, and
// cross-site posts are refused. A pin must name one of the pages in the store. The pages need no script:
// filtering is a plain GET form, and every crawled text is escaped by html/template, without bidi
// controls, under a Content-Security-Policy that runs no script at all.
package review

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/report"
)

// Store is what the pages need of heed's store.
type Store interface {
	PutOverride(ctx context.Context, o heed.Override) error
	DeleteOverride(ctx context.Context, scope heed.OverrideScope, key string) error
	Overrides(ctx context.Context) ([]heed.Override, error)
	// Pages are the organisation's pages as the last run stored them: a pin must name one.
	Pages(ctx context.Context) ([]heed.Page, error)
}

// Auth is who may write. Empty means read-only.
type Auth struct {
	Token              string
	Username, Password string
}

func (a Auth) enabled() bool { return a.Token != "" || (a.Username != "" && a.Password != "") }

// Handler serves /review/ (the pages) and /review/decide (the form posts).
type Handler struct {
	Store Store
	// ReportDir holds the last run's gaps.json.
	ReportDir string
	Auth      Auth
	Log       *slog.Logger

	mu     sync.Mutex
	cached *report.Report
	mtime  time.Time
}

// MaxRows bounds the rows a table shows; the filter narrows them.
const MaxRows = 500

func (h *Handler) log() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}

// load reads gaps.json, again only when it changed.
func (h *Handler) load() (*report.Report, error) {
	path := filepath.Join(h.ReportDir, report.JSONFile)
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cached != nil && st.ModTime().Equal(h.mtime) {
		return h.cached, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r report.Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	h.cached, h.mtime = &r, st.ModTime()
	return &r, nil
}

// authorized reports whether the request carries the configured credentials.
func (h *Handler) authorized(r *http.Request) bool {
	if !h.Auth.enabled() {
		return false
	}
	eq := func(a, b string) bool { return b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && eq(tok, h.Auth.Token) {
		return true
	}
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	return (eq(user, h.Auth.Username) && eq(pass, h.Auth.Password)) || eq(pass, h.Auth.Token)
}

// csrf is the form token: a MAC of a fixed string under the credentials, so only someone who knows them
// (or was shown a form by an authorised request) can produce it.
func (h *Handler) csrf() string {
	m := hmac.New(sha256.New, []byte(h.Auth.Token+"\x00"+h.Auth.Username+"\x00"+h.Auth.Password))
	m.Write([]byte("heed review form"))
	return hex.EncodeToString(m.Sum(nil))
}

func securityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w)
	switch r.URL.Path {
	case "/review", "/review/":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "use GET", http.StatusMethodNotAllowed)
			return
		}
		h.page(w, r)
	case "/review/login":
		if h.mayWrite(w, r) {
			http.Redirect(w, r, "/review/", http.StatusSeeOther)
		}
	case "/review/decide":
		h.decide(w, r)
	default:
		http.NotFound(w, r)
	}
}

// mayWrite reports whether the request may change decisions, and answers it when not: 403 when the pages
// are read-only, 401 with a sign-in challenge when the credentials are missing or wrong.
func (h *Handler) mayWrite(w http.ResponseWriter, r *http.Request) bool {
	if !h.Auth.enabled() {
		http.Error(w, "the review pages are read-only: set serve.review_token, or serve.review_user and serve.review_password, in the config to allow changes", http.StatusForbidden)
		return false
	}
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="heed review", charset="UTF-8"`)
		http.Error(w, "sign in to change decisions", http.StatusUnauthorized)
		return false
	}
	return true
}

// decide stores one decision from a form.
func (h *Handler) decide(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}
	if !h.mayWrite(w, r) {
		return
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		http.Error(w, "cross-site form posts are refused", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form: "+err.Error(), http.StatusBadRequest)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(h.csrf())) != 1 {
		http.Error(w, "the form is stale or forged: reload the page", http.StatusForbidden)
		return
	}
	o := heed.Override{Scope: heed.OverrideScope(r.PostForm.Get("scope")), Key: r.PostForm.Get("key"),
		Action: heed.OverrideAction(r.PostForm.Get("action")), URL: r.PostForm.Get("url"),
		Note: strings.TrimSpace(r.PostForm.Get("note")), By: "review", Created: time.Now().UTC()}
	if user, _, ok := r.BasicAuth(); ok && user != "" {
		o.By = user
	}
	if o.Action != heed.OverridePin {
		o.URL = ""
	}
	var err error
	switch o.Action {
	case "remove":
		err = h.Store.DeleteOverride(r.Context(), o.Scope, o.Key)
	case heed.OverridePin:
		if msg, code := h.checkPin(r.Context(), o.URL); msg != "" {
			http.Error(w, msg, code)
			return
		}
		err = h.Store.PutOverride(r.Context(), o)
	default:
		err = h.Store.PutOverride(r.Context(), o)
	}
	if err != nil {
		h.log().Warn("review decision refused", "err", err)
		http.Error(w, "decision refused: "+err.Error(), http.StatusBadRequest)
		return
	}
	h.log().Info("review decision stored", "scope", o.Scope, "action", o.Action, "by", o.By)
	// A fixed target: nothing from the request decides where the browser goes next.
	http.Redirect(w, r, "/review/?saved=1", http.StatusSeeOther)
}

// checkPin says why a pin to pageURL is refused, with the status to answer, or "" when it is not. The
// page must be one of the store's pages, report or no report: the next run answers the request with it,
// and the report and these pages link it.
func (h *Handler) checkPin(ctx context.Context, pageURL string) (string, int) {
	u, err := url.Parse(pageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "pin: want the http(s) address of one of the organisation's pages", http.StatusBadRequest
	}
	pages, err := h.Store.Pages(ctx)
	if err != nil {
		h.log().Error("review: pages unreadable", "err", err)
		return "pin: the organisation's pages cannot be read now; try again later", http.StatusServiceUnavailable
	}
	if len(pages) == 0 {
		return "pin: no pages are stored yet; a run stores the organisation's pages, then pins can name them", http.StatusBadRequest
	}
	if !slices.ContainsFunc(pages, func(p heed.Page) bool { return p.URL == pageURL }) {
		return fmt.Sprintf("pin: that address is none of the %d stored pages of the organisation; pick one from the list", len(pages)), http.StatusBadRequest
	}
	return "", 0
}

// view is what the page template shows.
type view struct {
	R          *report.Report
	Q, Kind    string
	Topics     []report.Topic
	Gaps       []report.Request
	Answered   []report.Request
	ShownGaps  int
	Decisions  []heed.Override
	CanWrite   bool
	AuthOn     bool
	CSRF       string
	Saved      bool
	Pages      []report.Page
	Kinds      []heed.GapKind
	TotalGaps  int
	TotalTopic int
	// topicLabels are the shown topics' labels, by key: a gap links its topic when it is shown.
	topicLabels map[string]string
}

// TopicLabel is the label of a shown topic, "" when the page does not show that topic.
func (v view) TopicLabel(key string) string { return v.topicLabels[key] }

func matches(q string, texts ...string) bool {
	if q == "" {
		return true
	}
	all := strings.ToLower(strings.Join(texts, " "))
	for _, w := range strings.Fields(strings.ToLower(q)) {
		if !strings.Contains(all, w) {
			return false
		}
	}
	return true
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	rep, err := h.load()
	if errors.Is(err, os.ErrNotExist) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		execute(w, view{})
		return
	}
	if err != nil {
		h.log().Error("review: report unreadable", "err", err)
		http.Error(w, "the last report cannot be read", http.StatusInternalServerError)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	kind := r.URL.Query().Get("kind")
	v := view{R: rep, Q: q, Kind: kind, AuthOn: h.Auth.enabled(), CanWrite: h.authorized(r), Saved: r.URL.Query().Get("saved") == "1",
		Pages: rep.Pages, Kinds: heed.GapKinds[1:], TotalGaps: len(rep.Gaps), TotalTopic: len(rep.Topics),
		topicLabels: map[string]string{}}
	if v.CanWrite {
		v.CSRF = h.csrf()
	}
	kindOf := map[string]heed.GapKind{}
	if kind != "" {
		for _, g := range rep.Gaps {
			kindOf[g.Key] = g.GapKind
		}
	}
	for _, t := range rep.Topics {
		if !topicHasKind(t, kind, kindOf) {
			continue
		}
		if matches(q, append([]string{t.Label, t.Key}, t.Texts...)...) && len(v.Topics) < MaxRows {
			v.Topics = append(v.Topics, t)
			v.topicLabels[t.Key] = t.Label
		}
	}
	for _, g := range rep.Gaps {
		if (kind == "" || string(g.GapKind) == kind) && matches(q, g.Text, g.PageTitle, g.URL, string(g.Intent)) {
			v.ShownGaps++
			if len(v.Gaps) < MaxRows {
				v.Gaps = append(v.Gaps, g)
			}
		}
	}
	for _, a := range rep.Answered {
		if matches(q, a.Text, a.PageTitle, a.URL) && len(v.Answered) < MaxRows {
			v.Answered = append(v.Answered, a)
		}
	}
	if v.Decisions, err = h.Store.Overrides(r.Context()); err != nil {
		h.log().Error("review: overrides unreadable", "err", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := execute(w, v); err != nil {
		h.log().Error("review page", "err", err)
	}
}

// topicHasKind reports whether topic t holds a gap of the given kind ("" for any): by its count of gaps
// by kind, or, in a report without one, by its member gaps' kinds.
func topicHasKind(t report.Topic, kind string, kindOf map[string]heed.GapKind) bool {
	if kind == "" || t.Kinds[heed.GapKind(kind)] > 0 {
		return true
	}
	return slices.ContainsFunc(t.Requests, func(k string) bool { return string(kindOf[k]) == kind })
}

// execute writes the page of v without the bidi controls crawled text can carry (see
// report.BidiStripper): a U+202E in a request would otherwise reorder what the page shows after it.
func execute(w http.ResponseWriter, v view) error {
	sw := report.NewBidiStripper(w)
	if err := pageTmpl.Execute(sw, v); err != nil {
		return err
	}
	return sw.Flush()
}

var pageTmpl = template.Must(template.New("review").Funcs(template.FuncMap{
	"pct":    func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"num":    func(f float64) string { return fmt.Sprintf("%.2f", f) },
	"href":   report.Href,
	"anchor": report.Anchor,
	"first":  func(n int, xs []string) []string { return xs[:min(n, len(xs))] },
	"join":   strings.Join,
	"day":    func(t time.Time) string { return t.Format("2006-01-02 15:04") },
	"decideFor": func(scope, key string, v view) decideForm {
		return decideForm{CSRF: v.CSRF, Scope: scope, Key: key}
	},
}).Parse(pageHTML))

// decideForm is one row's decision form.
type decideForm struct{ CSRF, Scope, Key string }

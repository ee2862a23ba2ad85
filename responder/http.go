package responder

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/heed-dev/heed"
)

// Answer is one line of `heed match` and the body of /api/respond (contracts.md). Reason, Competing
// and Explain are only filled when an explanation is asked for.
type Answer struct {
	Text         string              `json:"text"`
	Intent       heed.Intent         `json:"intent"`
	URL          *string             `json:"url"`
	Title        *string             `json:"title"` // the page's title: null when url is, or the page has none
	Score        float64             `json:"score"`
	Gap          bool                `json:"gap"`
	GapKind      heed.GapKind        `json:"gap_kind"`
	Alternatives []Alternative       `json:"alternatives"`
	Truncated    bool                `json:"truncated,omitempty"`
	Reason       string              `json:"reason,omitempty"`
	Competing    []string            `json:"competing,omitempty"`
	Override     heed.OverrideAction `json:"override,omitempty"`
	Explain      *Explanation        `json:"explain,omitempty"`
}

// Alternative is a next-best page, with its title (omitted when the page has none).
type Alternative struct {
	URL   string  `json:"url"`
	Score float64 `json:"score"`
	Title string  `json:"title,omitempty"`
}

// Titles gives a page's title by url ("" when there is none): Matcher.Title.
type Titles func(url string) string

// Explanation is what --explain adds: why the classifier labelled the request as it did, and the
// thresholds the gap decision used.
type Explanation struct {
	Confidence   float64           `json:"confidence"`
	QuestionType heed.QuestionType `json:"question_type"`
	Modifiers    []heed.Modifier   `json:"modifiers"`
	IntentRules  []string          `json:"intent_reasons"`
	Answer       float64           `json:"answer_threshold"`
	NoContent    float64           `json:"no_content_threshold"`
	// Meaning is the weight of the request's meaning against its words in the page's score (0: words
	// alone), as the site's calibration chose it; the reason names the page text it means the same as.
	Meaning float64 `json:"meaning_weight"`
}

// NewAnswer builds the answer for a request, its pages titled by titles; explain adds the reason and
// the explanation.
func NewAnswer(text string, c heed.Classification, m heed.Match, cal Calibration, titles Titles, explain bool) Answer {
	a := Answer{Text: text, Intent: c.Intent, Score: m.Score, Gap: m.Gap, GapKind: m.GapKind,
		Alternatives: make([]Alternative, len(m.Alternatives)), Override: m.Override}
	if m.URL != "" {
		u := m.URL
		a.URL = &u
		if t := titles(u); t != "" {
			a.Title = &t
		}
	}
	for i, alt := range m.Alternatives {
		a.Alternatives[i] = Alternative{URL: alt.URL, Score: alt.Score, Title: titles(alt.URL)}
	}
	if explain {
		a.Reason, a.Competing = m.Reason, m.Competing
		mods := c.Modifiers
		if mods == nil {
			mods = []heed.Modifier{}
		}
		a.Explain = &Explanation{Confidence: c.Confidence, QuestionType: c.QuestionType, Modifiers: mods,
			IntentRules: c.Reasons, Answer: heed.Round(cal.Answer, 3), NoContent: heed.Round(cal.NoContent, 3),
			Meaning: cal.Meaning}
	}
	return a
}

// Classifier labels a request for the handler.
type Classifier interface {
	Classify(text string) heed.Classification
}

// MaxQuery is the longest request /api/respond accepts, in bytes.
const MaxQuery = 4096

// Handler serves /api/respond?q=...: the `heed match` answer for one request, as JSON; `explain=1`
// adds the reason. The matcher is read on every request, so a new one (after the pages changed) can be
// swapped in with SetMatcher while the handler serves; so are the content team's decisions
// (SetDecisions), which it answers with as a run does.
type Handler struct {
	cl Classifier
	m  atomic.Pointer[Matcher]
	d  atomic.Pointer[Decisions]
}

// NewHandler returns the handler; m may be nil until pages are loaded (it answers 503 then).
func NewHandler(cl Classifier, m *Matcher) *Handler {
	h := &Handler{cl: cl}
	h.m.Store(m)
	return h
}

// SetMatcher replaces the matcher the handler answers with.
func (h *Handler) SetMatcher(m *Matcher) { h.m.Store(m) }

// SetDecisions replaces the content team's decisions the handler answers with (nil: none).
func (h *Handler) SetDecisions(d *Decisions) { h.d.Store(d) }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		httpError(w, http.StatusMethodNotAllowed, "use GET /api/respond?q=...")
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	switch {
	case q == "":
		httpError(w, http.StatusBadRequest, "missing q: GET /api/respond?q=your+request")
		return
	case len(q) > MaxQuery:
		httpError(w, http.StatusRequestEntityTooLarge, "q is longer than 4096 bytes")
		return
	}
	m := h.m.Load()
	if m == nil {
		httpError(w, http.StatusServiceUnavailable, "no pages loaded yet")
		return
	}
	text, cut := heed.CleanText(q, heed.DefaultMaxText)
	c := h.cl.Classify(text)
	match := h.d.Load().Apply(text, m.Match(text, c))
	a := NewAnswer(text, c, match, m.Calibration(), m.Title, r.URL.Query().Get("explain") == "1")
	a.Truncated = cut
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	json.NewEncoder(w).Encode(a)
}

func httpError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

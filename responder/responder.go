// Package responder matches each request to the page of the organisation that answers it, says why, and
// decides when no page does: a gap.
//
// Pages are ranked by full-text retrieval (BM25F over their fields and nearest short texts) and, where
// content teams declared enough queries and questions per page, by a page model learnt from them. The gap
// decision is calibrated on the site itself, never from a constant tuned to one data set: Calibrate
// simulates requests whose page is missing and requests worded differently from their page, and sets the
// thresholds that separate them.
package responder

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/index"
)

// Matcher answers requests from one index. It is safe for concurrent use.
type Matcher struct {
	sc  *scorer
	enc Encoder
	// cal is the calibration gaps are decided with: learnt from the pages, then again for the share of
	// gaps among the requests (Adapt).
	cal atomic.Pointer[Calibration]
	// own is the calibration learnt from the pages alone, sim the simulated scores it was learnt from.
	own    Calibration
	sim    simScores
	titles func() map[string]string // by url, built on first use: only answers show titles
}

// New returns a matcher over ix: it trains the page model where the pages' declared queries and
// questions allow one, encodes the pages' short texts with enc (nil: words alone), and calibrates the
// gap decision on the pages (see Calibrate).
func New(ix *index.Index, enc Encoder) *Matcher {
	pages := ix.Pages()
	m := &Matcher{sc: &scorer{ix: ix, model: trainPageModel(pages, ix.Analyzer(), modelEpochs)}, enc: enc}
	if enc != nil {
		m.sc.sem = newSemantic(pages, enc)
	}
	cal, sim := calibrateScores(pages, ix.Analyzer(), ix.Params(), m.sc.sem, meaningWeights, falseGapCost)
	m.cal.Store(&cal)
	m.own, m.sim = cal, sim
	m.sc.meaning = cal.Meaning
	m.titles = sync.OnceValue(func() map[string]string {
		t := make(map[string]string, len(pages))
		for _, p := range pages {
			if _, ok := t[p.URL]; !ok || t[p.URL] == "" {
				t[p.URL] = p.Title
			}
		}
		return t
	})
	return m
}

// CalibrationNote says why the gap thresholds are heed's defaults rather than learnt from the pages
// ("" when they were learnt): the run logs it and the report shows it.
func (m *Matcher) CalibrationNote() string { return m.Calibration().DefaultNote() }

// Title is the title of the page at url: "" when it has none, or no page is at url.
func (m *Matcher) Title(url string) string { return m.titles()[url] }

// Encoder is the encoder the matcher reads meaning with; nil when it reads words alone.
func (m *Matcher) Encoder() Encoder { return m.enc }

// Calibration returns the thresholds the matcher decides gaps with.
func (m *Matcher) Calibration() Calibration { return *m.cal.Load() }

// Adapt learns the gap thresholds again for the share of gaps among requests (texts), estimated from an
// even sample of them (see share.go); Calibration then returns what gaps are decided with. vectors, when
// not nil, gives the sampled texts' vectors (as Vectors does): it is called only when the matcher adapts
// and reads meaning. Where the pages gave the simulation too few requests of either kind to estimate
// from (Calibration.Default, or fewer than minShareProbes), or the requests are too few, the calibration
// stays as it is. Call it before matching those requests: it is safe beside Match, but a request
// matched before it is decided by the thresholds before it.
func (m *Matcher) Adapt(texts []string, vectors func([]string) [][]float32) {
	sample := sampleEvenly(len(texts), maxShareSample)
	if !m.adaptable() || len(sample) < minShareRequests {
		return
	}
	sampled := make([]string, len(sample))
	for k, i := range sample {
		sampled[k] = texts[i]
	}
	var vecs [][]float32
	if vectors != nil && m.sc.sem != nil {
		vecs = vectors(sampled)
	}
	scores := make([]float64, len(sampled))
	for k, text := range sampled {
		var vec []float32
		if vecs != nil {
			vec = m.sc.sem.prepare(vecs[k])
		}
		_, cands := m.sc.rank(text, vec)
		scores[k] = gapScore(cands)
	}
	m.AdaptToShare(gapShare(m.sim, scores), len(sample))
}

// adaptable says whether the simulation gave enough requests of each kind to adapt to a share.
func (m *Matcher) adaptable() bool {
	return !m.own.Default && len(m.sim.answerable) >= minShareProbes && len(m.sim.gaps) >= minShareProbes
}

// AdaptToShare learns the gap thresholds again for requests of which share are gaps, as Adapt estimated
// it from a sample of that many requests (a run's, kept with the run): heed serve decides as the newest
// run did without ranking its requests again. A share estimated from fewer than minShareRequests, or a
// matcher that cannot adapt, leaves the calibration as it is.
func (m *Matcher) AdaptToShare(share float64, requests int) {
	if !m.adaptable() || requests < minShareRequests || !(share > 0) {
		return
	}
	share = min(max(share, minShare), maxShare)
	c := bounded(thresholdsForShare(m.sim, falseGapCost, share), m.sim, m.own.Answer)
	c.Meaning, c.GapShare, c.Requests = m.own.Meaning, share, requests
	m.cal.Store(&c)
}

// GapShare is the share of gaps Adapt estimated among the requests, and how many of them it sampled; 0
// and 0 when the simulation's own mix stands.
func (m *Matcher) GapShare() (share float64, requests int) {
	c := m.cal.Load()
	return c.GapShare, c.Requests
}

// Index is the index the matcher searches.
func (m *Matcher) Index() *index.Index { return m.sc.ix }

// Learnt reports whether the matcher learnt a page model from declared queries and questions.
func (m *Matcher) Learnt() bool { return m.sc.model != nil }

// maxAlternatives is how many next-best pages a match lists.
const maxAlternatives = 3

// Match finds the page that answers text, whose intent the classifier gave as c. With an encoder, the
// text is encoded alone; MatchVector takes a vector encoded beforehand (in batches, or kept).
func (m *Matcher) Match(text string, c heed.Classification) heed.Match {
	var vec []float32
	if m.enc != nil {
		vec = make([]float32, m.enc.Dim())
		m.enc.EncodeInto(vec, []string{text})
	}
	return m.MatchVector(text, vec, c)
}

// Vectors encodes texts with the matcher's encoder, in batches; nil without one.
func (m *Matcher) Vectors(texts []string) [][]float32 {
	if m.enc == nil || m.sc.sem == nil {
		return nil
	}
	d := m.enc.Dim()
	flat := make([]float32, len(texts)*d)
	m.enc.EncodeInto(flat, texts)
	out := make([][]float32, len(texts))
	for i := range out {
		out[i] = flat[i*d : (i+1)*d : (i+1)*d]
	}
	return out
}

// MatchVector is Match with the text's vector from the matcher's encoder (nil: words alone).
func (m *Matcher) MatchVector(text string, vec []float32, c heed.Classification) heed.Match {
	if m.sc.sem == nil {
		vec = nil
	}
	vec = m.sc.sem.prepare(vec)
	q, cands := m.sc.rank(text, vec)
	out := heed.Match{GapKind: heed.GapNone, Alternatives: []heed.Alternative{}}
	if len(cands) == 0 {
		out.Gap, out.GapKind = true, heed.GapNoContent
		if len(q.Terms) == 0 {
			out.Reason = "the request has no searchable words"
		} else {
			out.Reason = fmt.Sprintf("no page mentions %s", quoteTerms(q.String()))
		}
		return out
	}
	pages := m.sc.ix.Pages()
	best := cands[0]
	page := pages[best.page]
	out.URL = page.URL
	out.Score = heed.Round(best.score, 3)
	for _, alt := range cands[1:min(len(cands), 1+maxAlternatives)] {
		out.Alternatives = append(out.Alternatives, heed.Alternative{URL: pages[alt.page].URL, Score: heed.Round(alt.score, 3)})
	}
	why := explain(q, best, cands, m.sc.sem)
	cal := m.cal.Load()
	switch g := gapScore(cands); {
	case g < cal.NoContent:
		out.Gap, out.GapKind = true, heed.GapNoContent
		out.Reason = fmt.Sprintf("no page covers it: the closest, %q, only %s", titleOr(page), why)
	case g < cal.Answer:
		out.Gap, out.GapKind = true, heed.GapWeakMatch
		out.Reason = fmt.Sprintf("weak match: %q %s", titleOr(page), why)
	default:
		if need, ok := PageTypeFits(c, page.Type); !ok {
			out.Gap, out.GapKind = true, heed.GapWrongPageType
			out.Reason = fmt.Sprintf("%q %s, but it is a %s page and the request needs %s", titleOr(page), why, page.Type, need)
		} else {
			out.Reason = fmt.Sprintf("%q %s", titleOr(page), why)
		}
		for _, alt := range cands[1:] {
			if best.score-alt.score > cannibalMargin {
				break
			}
			if alt.score*(1+marginWeight) >= cal.Answer {
				out.Competing = append(out.Competing, pages[alt.page].URL)
			}
		}
		if len(out.Competing) > 0 {
			out.Reason += fmt.Sprintf("; %d other page(s) answer it almost as well, splitting its demand", len(out.Competing))
		}
	}
	return out
}

// cannibalMargin is how close to the best page's score another page must come to compete with it for a
// request (cannibalisation): the scores are then too close for a search engine, or a reader, to prefer one.
const cannibalMargin = 0.05

// explain says in words which signals made the best candidate, and how far it leads.
func explain(q index.Query, best candidate, cands []candidate, sem *semantic) string {
	var parts []string
	if best.prob > 0 {
		parts = append(parts, fmt.Sprintf("is what its declared queries predict (probability %.2f)", best.prob))
	}
	if best.hit.Score() > 0 {
		parts = append(parts, explainHit(q, best.hit))
	}
	if best.row >= 0 && sem != nil && meaning(best.sim) > 0 {
		parts = append(parts, fmt.Sprintf("means much the same as %q (cosine %.2f)", sem.texts[best.row], best.sim))
	}
	s := strings.Join(parts, " and ")
	if len(cands) > 1 {
		s += fmt.Sprintf("; it leads the next page by %.2f", best.score-cands[1].score)
	}
	return s
}

// explainHit says in words which signal made the hit.
func explainHit(q index.Query, h index.Hit) string {
	if h.Short >= h.Coverage && h.ShortText != "" {
		what := "declared query"
		switch h.ShortField {
		case index.Questions:
			what = "FAQ question"
		case index.Title:
			what = "title"
		}
		return fmt.Sprintf("has the %s %q (similarity %.2f)", what, h.ShortText, h.Short)
	}
	matched, missing := q.MatchedWords(h.Matched)
	where := "its text"
	if h.InTitle != 0 {
		where = "its title or headings"
	}
	s := fmt.Sprintf("matches %s in %s (coverage %.2f)", quoteTerms(strings.Join(matched, " ")), where, h.Coverage)
	if len(missing) > 0 {
		s += fmt.Sprintf(", not %s", quoteTerms(strings.Join(missing, " ")))
	}
	return s
}

func quoteTerms(s string) string {
	parts := strings.Fields(s)
	for i, p := range parts {
		parts[i] = "“" + p + "”"
	}
	return strings.Join(parts, ", ")
}

func titleOr(p heed.Page) string {
	if p.Title != "" {
		return p.Title
	}
	return p.URL
}

// Package responder matches each request to the page of the organisation that answers it, says why, and
// decides when no page does: a gap.
//
// The gap decision is calibrated from the index itself, never from a constant tuned to one data set:
// each page's own title and short texts are searched with that page left out, which shows what a request
// scores when the page that would answer it does not exist; requests that score like those are gaps.
package responder

import (
	"fmt"
	"math"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/index"
)

// Matcher answers requests from one index. It is safe for concurrent use.
type Matcher struct {
	ix  *index.Index
	cal Calibration
}

// New returns a matcher over ix, calibrated on ix.
func New(ix *index.Index) *Matcher {
	return &Matcher{ix: ix, cal: Calibrate(ix)}
}

// Calibration returns the thresholds the matcher decides gaps with.
func (m *Matcher) Calibration() Calibration { return m.cal }

// Index is the index the matcher searches.
func (m *Matcher) Index() *index.Index { return m.ix }

// maxAlternatives is how many next-best pages a match lists.
const maxAlternatives = 3

// Match finds the page that answers text, whose intent the classifier gave as c.
func (m *Matcher) Match(text string, c heed.Classification) heed.Match {
	q := m.ix.Prepare(text)
	hits := m.ix.Search(q, index.Options{K: 1 + maxAlternatives})
	out := heed.Match{GapKind: heed.GapNone, Alternatives: []heed.Alternative{}}
	if len(hits) == 0 {
		out.Gap, out.GapKind = true, heed.GapNoContent
		if len(q.Terms) == 0 {
			out.Reason = "the request has no searchable words"
		} else {
			out.Reason = fmt.Sprintf("no page mentions %s", quoteTerms(q.String()))
		}
		return out
	}
	pages := m.ix.Pages()
	best := hits[0]
	page := pages[best.Page]
	out.URL = page.URL
	out.Score = round3(best.Best())
	for _, h := range hits[1:] {
		out.Alternatives = append(out.Alternatives, heed.Alternative{URL: pages[h.Page].URL, Score: round3(h.Best())})
	}
	why := explainHit(q, best)
	switch {
	case best.Best() < m.cal.NoContent:
		out.Gap, out.GapKind = true, heed.GapNoContent
		out.Reason = fmt.Sprintf("no page covers it: the closest, %q, only %s", titleOr(page), why)
	case best.Best() < m.cal.Answer:
		out.Gap, out.GapKind = true, heed.GapWeakMatch
		out.Reason = fmt.Sprintf("weak match: %q %s", titleOr(page), why)
	default:
		if need, ok := PageTypeFits(c, page.Type); !ok {
			out.Gap, out.GapKind = true, heed.GapWrongPageType
			out.Reason = fmt.Sprintf("%q %s, but it is a %s page and the request needs %s", titleOr(page), why, page.Type, need)
		} else {
			out.Reason = fmt.Sprintf("%q %s", titleOr(page), why)
		}
	}
	return out
}

// explainHit says in words which signal made the hit.
func explainHit(q index.Query, h index.Hit) string {
	if h.Short >= h.Coverage && h.ShortText != "" {
		what := "declared query"
		if h.ShortField == index.Questions {
			what = "FAQ question"
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

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

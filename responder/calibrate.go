package responder

import (
	"fmt"
	"slices"

	"github.com/heed-dev/heed/index"
)

// Calibration holds the score thresholds of the gap decision, learnt from the index.
type Calibration struct {
	// Answer is the score a page needs to count as answering a request.
	Answer float64
	// NoContent is the score under which no page even touches the request's topic.
	NoContent float64
	// Probes is how many left-out searches the thresholds were learnt from.
	Probes int
}

func (c Calibration) String() string {
	return fmt.Sprintf("answer >= %.3f, no content < %.3f (from %d probes)", c.Answer, c.NoContent, c.Probes)
}

// Fallback thresholds for an index too small to learn from (fewer than minProbes probes).
const (
	minProbes         = 8
	fallbackAnswer    = 0.5
	fallbackNoContent = 0.25
	// gapQuantile is the share of simulated gaps the Answer threshold must catch.
	gapQuantile = 0.5
	// noContentQuantile places NoContent among the simulated gaps: below it, a request shares less with
	// the site than most requests whose page is missing.
	noContentQuantile = 0.3
	// maxProbesPerPage bounds the short texts probed per page, so that a page with many declared
	// queries does not outweigh the others.
	maxProbesPerPage = 3
	// maxProbes bounds the work of calibrating a very large index.
	maxProbes = 4000
	// minAnswer and minNoContent are bounds from what the score means, not from any data set: a page
	// that holds less than about a third of a request's information does not answer it, whatever the
	// rest of the site looks like (a site of unrelated pages gives left-out probes scores near zero).
	minAnswer    = 0.35
	minNoContent = 0.2
)

// Calibrate learns the gap thresholds of ix. Every page's title and a few of its short texts are searched
// with the page left out: the best score the rest of the site reaches is what a request scores when its
// page is missing. Answer is set so that most of those simulated gaps fall under it.
func Calibrate(ix *index.Index) Calibration {
	var neg []float64
	pages := ix.Pages()
	step := 1
	if n := len(pages) * (1 + maxProbesPerPage); n > maxProbes {
		step = (n + maxProbes - 1) / maxProbes
	}
	probe := 0
	for i, p := range pages {
		texts := []string{p.Title}
		for j, q := range p.Queries {
			if j >= maxProbesPerPage {
				break
			}
			texts = append(texts, q)
		}
		for j, qa := range p.Questions {
			if len(texts) > maxProbesPerPage || j >= maxProbesPerPage {
				break
			}
			texts = append(texts, qa.Question)
		}
		for _, t := range texts {
			if t == "" {
				continue
			}
			probe++
			if probe%step != 0 {
				continue
			}
			q := ix.Prepare(t)
			if len(q.Terms) == 0 {
				continue
			}
			hits := ix.Search(q, index.Options{K: 1, LeaveOut: true, LeaveOutPage: i})
			s := 0.0
			if len(hits) > 0 {
				s = hits[0].Best()
			}
			neg = append(neg, s)
		}
	}
	if len(neg) < minProbes {
		return Calibration{Answer: fallbackAnswer, NoContent: fallbackNoContent, Probes: len(neg)}
	}
	slices.Sort(neg)
	c := Calibration{
		Answer:    max(quantile(neg, gapQuantile), minAnswer),
		NoContent: max(quantile(neg, noContentQuantile), minNoContent),
		Probes:    len(neg),
	}
	c.NoContent = min(c.NoContent, c.Answer)
	return c
}

// quantile of sorted xs, by linear interpolation.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	pos := q * float64(len(xs)-1)
	i := int(pos)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	f := pos - float64(i)
	return xs[i]*(1-f) + xs[i+1]*f
}

package triage

import (
	"math"
	"slices"

	"github.com/heed-dev/heed"
)

// Collect sums the evidence of one request's sightings; runsSeen is how many runs sighted it.
func Collect(sightings []heed.Sighting, runsSeen int) heed.Evidence {
	e := heed.Evidence{Sightings: len(sightings), RunsSeen: runsSeen, Sources: []string{}, Seeds: []string{}}
	exp := map[string]bool{}
	loc := map[string]bool{}
	seenQ := map[string]bool{}
	for _, s := range sightings {
		if n := s.Name(); !slices.Contains(e.Sources, n) {
			e.Sources = append(e.Sources, n)
		}
		if s.Seed != "" && !slices.Contains(e.Seeds, s.Seed) {
			e.Seeds = append(e.Seeds, s.Seed)
		}
		exp[s.Expansion] = true
		if s.Locale != "" {
			loc[s.Locale] = true
		}
		switch s.Kind() {
		case heed.SightingQuestion:
			if seenQ[s.URL] && s.URL != "" {
				continue // the same question found by two seeds counts once
			}
			seenQ[s.URL] = true
			e.Questions++
			if s.Score != nil {
				e.Votes += *s.Score
			}
			if s.Answers != nil {
				e.Answers += *s.Answers
			}
			if s.Views != nil {
				e.Views += *s.Views
			}
			if s.Answered != nil && !*s.Answered {
				e.Unanswered++
			}
		case heed.SightingImport:
			e.Imported++
		default:
			e.Suggestions++
			if s.Position > 0 && (e.BestPosition == 0 || s.Position < e.BestPosition) {
				e.BestPosition = s.Position
			}
			e.Relevance = max(e.Relevance, s.Relevance)
		}
	}
	e.Expansions = len(exp)
	e.Locales = len(loc)
	slices.Sort(e.Sources)
	slices.Sort(e.Seeds)
	return e
}

// Demand scores evidence: how strongly the sources show that people ask this. Every term is
// evidence the sources gave; none is a guess at volume. Suggestions count more the higher they were
// shown; forum questions count by their views, votes and answers, and more when still unanswered;
// breadth (sources, seeds) and recurrence across runs multiply.
func Demand(e heed.Evidence) float64 {
	var d float64
	if e.Suggestions > 0 {
		pos := float64(max(e.BestPosition, 1))
		d += 1 + 1/pos + 0.25*math.Log2(float64(e.Suggestions))
	}
	if e.Questions > 0 {
		d += float64(e.Questions) + 0.5*math.Log10(1+float64(e.Views)) + 0.3*math.Log2(1+float64(max(e.Votes, 0))) +
			0.2*math.Log2(1+float64(e.Answers)) + 0.5*float64(e.Unanswered)
	}
	if e.Imported > 0 {
		d += 0.5
	}
	breadth := 1 + 0.25*float64(max(len(e.Sources)-1, 0)) + 0.15*float64(max(len(e.Seeds)-1, 0))
	recur := 1 + 0.2*math.Log2(float64(max(e.RunsSeen, 1)))
	return heed.Round(d*breadth*recur, 2)
}

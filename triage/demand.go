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
	var kinds uint8             // a bit per heed.HeardKinds
	var shown map[string][2]int // Search Console: impressions and clicks by page
	for _, s := range sightings {
		if i := slices.Index(heed.HeardKinds, s.Kind()); i >= 0 {
			kinds |= 1 << i
		}
		if s.Impressions != nil {
			e.Impressions += *s.Impressions
		}
		if s.Clicks != nil {
			e.Clicks += *s.Clicks
		}
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
		case heed.SightingSiteSearch:
			searches := 1
			if s.Searches != nil {
				searches = max(*s.Searches, 1)
			}
			e.SiteSearches += searches
			if s.Results != nil && *s.Results == 0 {
				e.NoResults += searches
			}
		case heed.SightingHelpDesk:
			e.Tickets++
			if s.Status != "" && !closedTicket(s.Status) {
				e.OpenTickets++
			}
			if s.Channel != "" && !slices.Contains(e.Channels, s.Channel) {
				e.Channels = append(e.Channels, s.Channel)
			}
		case heed.SightingSearchConsole:
			if s.Page != "" {
				if shown == nil {
					shown = map[string][2]int{}
				}
				f := shown[s.Page]
				if s.Impressions != nil {
					f[0] += *s.Impressions
				}
				if s.Clicks != nil {
					f[1] += *s.Clicks
				}
				shown[s.Page] = f
			}
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
	slices.Sort(e.Channels)
	e.SearchConsolePage = mostShown(shown)
	e.Kinds = kindSets[kinds]
	return e
}

// kindSets are the lists of heard kinds for each set of them (a bit per heed.HeardKinds), made once:
// a million requests share these few lists instead of each allocating its own. They are read, never
// changed.
var kindSets = func() [][]heed.SightingKind {
	sets := make([][]heed.SightingKind, 1<<len(heed.HeardKinds)) // a uint8 of bits: eight kinds at most
	for mask := range sets {
		sets[mask] = []heed.SightingKind{}
		for i, k := range heed.HeardKinds {
			if mask&(1<<i) != 0 {
				sets[mask] = append(sets[mask], k)
			}
		}
		sets[mask] = slices.Clip(sets[mask])
	}
	return sets
}()

// mostShown is the page with the most impressions, then clicks, then the first by address.
func mostShown(shown map[string][2]int) string {
	best, bf := "", [2]int{-1, -1}
	for page, f := range shown {
		if f[0] > bf[0] || f[0] == bf[0] && (f[1] > bf[1] || f[1] == bf[1] && page < best) {
			best, bf = page, f
		}
	}
	return best
}

// closedTicket reports whether a help desk's ticket status means the customer was answered.
func closedTicket(status string) bool {
	switch status {
	case "solved", "closed", "resolved", "4", "5": // Zendesk, Intercom, Freshdesk (4 resolved, 5 closed)
		return true
	}
	return false
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
	// The organisation's own customers: a search of its site (more when it found nothing), a ticket
	// (more while open), Search Console impressions.
	if e.SiteSearches > 0 {
		d += 1 + 0.5*math.Log2(float64(e.SiteSearches))
		if e.NoResults > 0 {
			d += 1
		}
	}
	if e.Tickets > 0 {
		d += float64(e.Tickets) + 0.5*float64(e.OpenTickets)
	}
	if slices.Contains(e.Kinds, heed.SightingSearchConsole) {
		d += 0.5 + 0.25*math.Log10(1+float64(e.Impressions))
	}
	// Demand that confirms itself: heard from more than one kind of source (suggestions, forums, site
	// search, help desk, Search Console), asked by more than one kind of people.
	confirmed := 1 + 0.5*float64(max(len(e.Kinds)-1, 0))
	breadth := confirmed + 0.25*float64(max(len(e.Sources)-1, 0)) + 0.15*float64(max(len(e.Seeds)-1, 0))
	recur := 1 + 0.2*math.Log2(float64(max(e.RunsSeen, 1)))
	return heed.Round(d*breadth*recur, 2)
}

package ops

import (
	"slices"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/report"
	"github.com/heed-dev/heed/responder"
	"github.com/heed-dev/heed/store"
)

// heard is what a run keeps of one request's sightings once they are read: the evidence of demand and
// its score, the few examples a report shows, and the forum threads that ask it (to reply with a
// page). A big night has a million sightings; the run holds this digest instead of all of them.
type heard struct {
	ev       heed.Evidence
	demand   float64
	examples []report.Example
	threads  []string
}

// maxExamples bounds the sightings a report shows per request.
const maxExamples = 3

// digest sums up the sightings of each request, in the order of reqs. Without an Evidence the demand
// is left at zero.
func digest(reqs []store.Request, sightings map[string][]heed.Sighting, ev Evidence) []heard {
	out := make([]heard, len(reqs))
	for i, r := range reqs {
		ss := sightings[r.Key]
		h := &out[i]
		if ev != nil {
			h.ev = ev.Collect(ss, r.RunsSeen)
			h.demand = ev.Demand(h.ev)
		} else {
			h.ev = heed.Evidence{Sources: []string{}, Seeds: []string{}} // [] in gaps.json, as elsewhere
		}
		h.examples = make([]report.Example, 0, min(len(ss), maxExamples))
		for _, s := range ss {
			if len(h.examples) == maxExamples {
				break
			}
			h.examples = append(h.examples, report.Example{Source: s.Name(), URL: s.URL, Seed: s.Seed, Expansion: s.Expansion, Position: s.Position})
		}
		for _, s := range ss {
			if responder.IsForum(s.Source) && s.URL != "" && !slices.Contains(h.threads, s.URL) {
				h.threads = append(h.threads, s.URL)
			}
		}
	}
	return out
}

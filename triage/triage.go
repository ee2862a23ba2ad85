// Package triage decides each request's fate once it is matched: the content team's overrides, service
// issues set apart from content gaps, gaps grouped into topics a writer can answer with one page, and the
// evidence and demand behind each request. It knows no store, crawler, classifier or matcher: it reads
// and writes the vocabulary's types (heed.Case, heed.Heard, heed.Topic).
package triage

import (
	"slices"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
)

// Triage decides the fate of a run's requests, in the organisation's language.
type Triage struct {
	an *analysis.Analyzer
}

// New returns a triage that clusters gap topics with an.
func New(an *analysis.Analyzer) *Triage { return &Triage{an: an} }

// maxExamples bounds the sightings a report shows per request.
const maxExamples = 3

// Hear sums up the sightings of one request seen in runsSeen runs: its evidence and demand, its first
// few sightings and the forum threads that ask it.
func (t *Triage) Hear(sightings []heed.Sighting, runsSeen int) heed.Heard {
	ev := Collect(sightings, runsSeen)
	h := heed.Heard{Evidence: ev, Demand: Demand(ev), Examples: make([]heed.Example, 0, min(len(sightings), maxExamples))}
	for _, s := range sightings[:min(len(sightings), maxExamples)] {
		h.Examples = append(h.Examples, heed.ExampleOf(s))
	}
	for _, s := range sightings {
		if s.Kind() == heed.SightingQuestion && s.URL != "" && !slices.Contains(h.Threads, s.URL) {
			h.Threads = append(h.Threads, s.URL)
		}
	}
	return h
}

// Sort decides the fate of each case: it applies the content team's overrides to the matches (in place),
// sets service issues apart from content gaps, and clusters the open gaps into topics. A decision on a
// topic applies to every request in it; a decision on a request wins over its topic's. It returns the
// open topics (those the content team has not pinned or dismissed), highest demand first.
func (t *Triage) Sort(cases []heed.Case, overrides []heed.Override) []heed.Topic {
	byReq := map[string]heed.Override{}
	byTopic := map[string]heed.Override{}
	for _, o := range overrides {
		switch o.Scope {
		case heed.ScopeRequest:
			byReq[o.Key] = o
		case heed.ScopeTopic:
			byTopic[o.Key] = o
		}
	}
	at := make(map[string]int, len(cases))
	var gapAt []int32
	for i := range cases {
		c := &cases[i]
		at[c.Key] = i
		if o, ok := byReq[c.Key]; ok {
			c.Match = o.Apply(c.Match)
		}
		if ok, why := IsServiceIssue(c.Text, c.Class); ok && c.Match.Override == heed.OverrideNone {
			c.Service, c.ServiceKind = why, ServiceKind(c.Text)
			continue
		}
		if c.Match.Gap && c.Match.Override == heed.OverrideNone {
			gapAt = append(gapAt, int32(i))
		}
	}
	// Sized before it is filled: on a night of 400,000 gaps, growing it by appending held half as much
	// again as it needs at the end, at the run's peak.
	gaps := make([]GapItem, len(gapAt))
	for k, i := range gapAt {
		c := &cases[i]
		gaps[k] = GapItem{Key: c.Key, Text: c.Text, Class: c.Class, Kind: c.Match.GapKind, Demand: c.Demand, Vec: c.Vector}
	}
	open := []heed.Topic{}
	for _, tp := range Cluster(gaps, t.an) {
		o, decided := topicDecision(tp, byTopic)
		for _, k := range tp.Requests {
			c := &cases[at[k]]
			c.Topic = tp.Key
			if decided {
				c.Match = o.Apply(c.Match)
			}
		}
		if !decided {
			open = append(open, tp)
		}
	}
	for i := range cases {
		cases[i].Fate = fateOf(cases[i])
	}
	return open
}

// topicDecision is the content team's decision on a topic: under its key, or under a key of an earlier
// run that names the same topic.
func topicDecision(tp heed.Topic, byTopic map[string]heed.Override) (heed.Override, bool) {
	if o, ok := byTopic[tp.Key]; ok {
		return o, true
	}
	for key, o := range byTopic {
		if TopicMatches(tp, key) {
			return o, true
		}
	}
	return heed.Override{}, false
}

// fateOf is where a sorted case ends up.
func fateOf(c heed.Case) heed.Fate {
	switch {
	case c.Service != "":
		return heed.FateService
	case c.Match.Override == heed.OverrideWontAnswer:
		return heed.FateDismissed
	case c.Match.Gap:
		return heed.FateGap
	}
	return heed.FateAnswered
}

package responder

import "github.com/heed-dev/heed"

// Decisions are the content team's overrides as /api/respond applies them, the way a run does
// (triage.Sort): a decision on the request itself wins; otherwise the decision on the topic the last
// run put the request in. Topics are clustered by runs, not per request, so a topic's decision reaches
// the requests a run has put in it: viaTopic, by request key.
type Decisions struct {
	byKey map[string]heed.Override
}

// NewDecisions indexes the stored overrides (only those on requests are read: a topic's reach is
// viaTopic) and the topic decisions that apply to requests, by request key.
func NewDecisions(overrides []heed.Override, viaTopic map[string]heed.Override) *Decisions {
	d := &Decisions{byKey: make(map[string]heed.Override, len(overrides)+len(viaTopic))}
	for k, o := range viaTopic {
		d.byKey[k] = o
	}
	for _, o := range overrides {
		if o.Scope == heed.ScopeRequest {
			d.byKey[o.Key] = o
		}
	}
	return d
}

// Apply returns m as the content team decided for text (m itself when they did not).
func (d *Decisions) Apply(text string, m heed.Match) heed.Match {
	if d == nil || len(d.byKey) == 0 {
		return m
	}
	if o, ok := d.byKey[heed.Normalize(text)]; ok {
		return o.Apply(m)
	}
	return m
}

// Len is how many requests the decisions name.
func (d *Decisions) Len() int {
	if d == nil {
		return 0
	}
	return len(d.byKey)
}

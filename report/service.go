package report

import (
	"cmp"
	"slices"

	"github.com/heed-dev/heed"
)

// ServiceKindGroup is one kind of failure the service issues report: how many, their demand, how many
// each source brought, the most demanded examples and, for "other", the topics they group into.
type ServiceKindGroup struct {
	Kind     string         `json:"kind"`
	Requests int            `json:"requests"`
	Demand   float64        `json:"demand"`
	BySource map[string]int `json:"by_source"`
	Examples []string       `json:"examples"`
	Topics   []ServiceTopic `json:"topics,omitempty"`
}

// ServiceTopic is a group of service issues of no known kind, by meaning.
type ServiceTopic struct {
	Label    string   `json:"label"`
	Requests int      `json:"requests"`
	Demand   float64  `json:"demand"`
	Texts    []string `json:"texts"`
}

// maxServiceExamples bounds a kind's examples and a topic's texts.
const maxServiceExamples = 8

// serviceKinds groups issues (highest demand first) by kind, in heed.ServiceKinds' order, with the
// topics of the other ones.
func serviceKinds(issues []Request, topics []heed.Topic) []ServiceKindGroup {
	at := map[string]int{}
	var out []ServiceKindGroup
	for _, k := range heed.ServiceKinds {
		at[k] = len(out)
		out = append(out, ServiceKindGroup{Kind: k, BySource: map[string]int{}, Examples: []string{}})
	}
	for _, r := range issues {
		i, ok := at[r.ServiceKind]
		if !ok {
			i = at["other"]
		}
		g := &out[i]
		g.Requests++
		g.Demand = heed.Round(g.Demand+r.Demand, 2)
		for _, s := range r.Evidence.Sources {
			g.BySource[s]++
		}
		if len(g.Examples) < maxServiceExamples {
			g.Examples = append(g.Examples, r.Text)
		}
	}
	other := &out[at["other"]]
	for _, t := range topics {
		st := ServiceTopic{Label: t.Label, Requests: len(t.Requests), Demand: heed.Round(t.Demand, 2), Texts: t.Texts[:min(len(t.Texts), maxServiceExamples)]}
		other.Topics = append(other.Topics, st)
	}
	slices.SortStableFunc(other.Topics, func(a, b ServiceTopic) int { return cmp.Compare(b.Demand, a.Demand) })
	return slices.DeleteFunc(out, func(g ServiceKindGroup) bool { return g.Requests == 0 })
}

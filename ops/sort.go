package ops

import (
	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/responder"
	"github.com/heed-dev/heed/store"
)

// sorting is where each request of a run ends up besides its match: a service issue, a topic of
// gaps, or dismissed by the content team.
type sorting struct {
	service     map[string]string // request key -> why it is a service issue
	topicOf     map[string]string // request key -> topic key
	topics      []heed.Topic
	topicAction map[string]heed.OverrideAction // topic key -> the content team's decision
}

// sortRequests applies the content team's overrides to the results (in place), then sorts the open
// content gaps from service issues and clusters them into topics. A decision on a topic applies to
// every request in it; a decision on a request wins over its topic's.
func sortRequests(reqs []store.Request, classes []heed.Classification, results []store.Result,
	heard []heard, overrides []heed.Override, tr Triage) sorting {
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
	for i := range results {
		if o, ok := byReq[results[i].Key]; ok {
			results[i].Match = responder.ApplyOverride(results[i].Match, o)
		}
	}
	s := sorting{service: map[string]string{}, topicOf: map[string]string{}, topicAction: map[string]heed.OverrideAction{}}
	var gaps []responder.GapItem
	at := map[string]int{}
	for i, r := range reqs {
		at[r.Key] = i
		if ok, why := tr.ServiceIssue(r.Text, classes[i]); ok && results[i].Override == heed.OverrideNone {
			s.service[r.Key] = why
			continue
		}
		m := results[i].Match
		if !m.Gap || m.Override != heed.OverrideNone {
			continue
		}
		gaps = append(gaps, responder.GapItem{Key: r.Key, Text: r.Text, Class: classes[i], Kind: m.GapKind, Demand: heard[i].demand})
	}
	for _, t := range tr.Topics(gaps) {
		o, decided := byTopic[t.Key]
		if !decided {
			for key, d := range byTopic {
				if responder.TopicMatches(t, key) {
					o, decided = d, true
					break
				}
			}
		}
		for _, k := range t.Requests {
			s.topicOf[k] = t.Key
			if decided {
				i := at[k]
				results[i].Match = responder.ApplyOverride(results[i].Match, o)
			}
		}
		if decided {
			s.topicAction[t.Key] = o.Action
		}
		s.topics = append(s.topics, t)
	}
	return s
}

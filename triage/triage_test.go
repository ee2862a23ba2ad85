package triage

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
)

// caseOf is a request with its class and the match the responder found.
func caseOf(text string, m heed.Match) heed.Case {
	return heed.Case{Key: heed.Normalize(text), Text: text, Class: classifier.Classify(text), Match: m, Demand: 1}
}

var (
	answered = heed.Match{URL: "https://h.example/charge", Score: 0.8, GapKind: heed.GapNone}
	noPage   = heed.Match{URL: "https://h.example/charge", Score: 0.1, Gap: true, GapKind: heed.GapNoContent}
)

// TestSort: every request gets exactly one fate; the content team's decisions win over heed's, a
// request's over its topic's; service issues stay out of the topics; decided topics are not open.
func TestSort(t *testing.T) {
	cases := []heed.Case{
		caseOf("charge the lark battery", answered),
		caseOf("lark cargo child seat fitting", noPage),
		caseOf("fit a child seat to the lark cargo", noPage),
		caseOf("lark winter tyres studded", noPage),
		caseOf("studded winter tyres for the lark", noPage),
		caseOf("lark support never answered my ticket", noPage),
		caseOf("lark insurance quote online", noPage),
	}
	seat, tyres := cases[1].Key, cases[3].Key
	tr := New(analysis.New("en"))
	overrides := []heed.Override{
		{Scope: heed.ScopeRequest, Key: cases[6].Key, Action: heed.OverridePin, URL: "https://h.example/insurance"},
		{Scope: heed.ScopeRequest, Key: cases[4].Key, Action: heed.OverrideWontAnswer},
	}
	// The tyres topic is dismissed by its key; its key is known once clustered.
	var tyreTopic string
	for _, tp := range tr.Sort(append([]heed.Case{}, cases...), nil) {
		for _, k := range tp.Requests {
			if k == tyres {
				tyreTopic = tp.Key
			}
		}
	}
	if tyreTopic == "" {
		t.Fatal("the two tyre requests make no topic")
	}
	overrides = append(overrides, heed.Override{Scope: heed.ScopeTopic, Key: tyreTopic, Action: heed.OverrideWontAnswer})
	open := tr.Sort(cases, overrides)

	want := map[string]heed.Fate{
		cases[0].Key: heed.FateAnswered,
		seat:         heed.FateGap,
		cases[2].Key: heed.FateGap,
		tyres:        heed.FateDismissed, // by its topic
		cases[4].Key: heed.FateDismissed, // by its own decision, which the topic's does not replace
		cases[5].Key: heed.FateService,
		cases[6].Key: heed.FateAnswered, // pinned
	}
	got := map[string]heed.Fate{}
	for _, c := range cases {
		got[c.Key] = c.Fate
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fates (-want +got):\n%s", diff)
	}
	if c := cases[6]; c.Match.URL != "https://h.example/insurance" || c.Match.Gap || c.Match.Override != heed.OverridePin {
		t.Errorf("pinned request's match = %+v", c.Match)
	}
	if cases[5].Service == "" || cases[5].Topic != "" {
		t.Errorf("service issue: service %q, topic %q; want a reason and no topic", cases[5].Service, cases[5].Topic)
	}
	if cases[1].Topic == "" || cases[1].Topic != cases[2].Topic {
		t.Errorf("the child seat requests are in topics %q and %q, want one", cases[1].Topic, cases[2].Topic)
	}
	for _, tp := range open {
		if tp.Key == tyreTopic {
			t.Errorf("the dismissed topic %q is listed as open", tp.Key)
		}
	}
	if len(open) == 0 || open[0].Key != cases[1].Topic {
		t.Errorf("open topics %+v, want the child seat topic first", open)
	}
}

func TestHear(t *testing.T) {
	views, answers := 300, 0
	no := false
	q := func(url string) heed.Sighting {
		return heed.Sighting{Text: "t", Source: "stackexchange", URL: url, Views: &views, Answers: &answers, Answered: &no}
	}
	sightings := []heed.Sighting{
		{Text: "t", Source: "opensearch", SourceName: "suggest-uk", URL: "https://s.example/?q=t", Seed: "lark", Expansion: "alphabet", Position: 2},
		q("https://forum.example/q/1"),
		q("https://forum.example/q/1"), // the same thread found by another seed
		q("https://forum.example/q/2"),
		{Text: "t", Source: "requests", URL: "keywords.txt", Position: 9},
	}
	h := New(analysis.New("en")).Hear(sightings, 2)
	if want := Collect(sightings, 2); !cmp.Equal(h.Evidence, want) || h.Demand != Demand(want) {
		t.Errorf("evidence %+v demand %v, want %+v and %v", h.Evidence, h.Demand, want, Demand(want))
	}
	wantEx := []heed.Example{
		{Source: "suggest-uk", URL: "https://s.example/?q=t", Seed: "lark", Expansion: "alphabet", Position: 2},
		{Source: "stackexchange", URL: "https://forum.example/q/1"},
		{Source: "stackexchange", URL: "https://forum.example/q/1"},
	}
	if diff := cmp.Diff(wantEx, h.Examples); diff != "" {
		t.Errorf("examples (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"https://forum.example/q/1", "https://forum.example/q/2"}, h.Threads); diff != "" {
		t.Errorf("threads (-want +got):\n%s", diff)
	}
	if h := New(analysis.New("en")).Hear(nil, 1); h.Examples == nil || len(h.Examples) != 0 {
		t.Errorf("no sightings: examples %#v, want empty, not nil (gaps.json lists [])", h.Examples)
	}
}

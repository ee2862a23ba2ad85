package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
)

// TestServiceKinds: service issues grouped by what failed, in heed.ServiceKinds' order, each with its
// demand, its requests by source and its examples; "other" with its topics, most demand first; kinds
// nobody reported are left out.
func TestServiceKinds(t *testing.T) {
	issue := func(text, kind string, demand float64, sources ...string) Request {
		return Request{Text: text, ServiceKind: kind, Demand: demand, Evidence: heed.Evidence{Sources: sources}}
	}
	issues := []Request{
		issue("charged twice again", "billing", 5, "zendesk", "forum"),
		issue("lark app is down again", "other", 4, "forum"),
		issue("card declined again", "billing", 2, "zendesk"),
		issue("order never arrived", "delivery", 1, "sitesearch"),
	}
	topics := []heed.Topic{{Label: "small", Requests: []string{"a"}, Texts: []string{"a"}, Demand: 1}, {Label: "lark app is down again", Requests: []string{"b", "c"}, Texts: []string{"b", "c"}, Demand: 4}}
	got := serviceKinds(issues, topics)
	want := []ServiceKindGroup{
		{Kind: "billing", Requests: 2, Demand: 7, BySource: map[string]int{"zendesk": 2, "forum": 1}, Examples: []string{"charged twice again", "card declined again"}},
		{Kind: "delivery", Requests: 1, Demand: 1, BySource: map[string]int{"sitesearch": 1}, Examples: []string{"order never arrived"}},
		{Kind: "other", Requests: 1, Demand: 4, BySource: map[string]int{"forum": 1}, Examples: []string{"lark app is down again"},
			Topics: []ServiceTopic{{Label: "lark app is down again", Requests: 2, Demand: 4, Texts: []string{"b", "c"}}, {Label: "small", Requests: 1, Demand: 1, Texts: []string{"a"}}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("service kinds (-want +got):\n%s", diff)
	}
}

// TestConversationsByPage: each page keeps the forum questions it answers (the reply opportunities),
// unanswered first, then by demand; a page with none has an empty list.
func TestConversationsByPage(t *testing.T) {
	rep := &Report{
		Pages: []Page{{URL: "https://h.example/charge"}, {URL: "https://h.example/cargo"}},
		Replies: []Reply{
			{Text: "answered, high demand", URL: "https://h.example/charge", Demand: 9, Questions: []string{"https://f.example/1"}},
			{Text: "unanswered, low demand", URL: "https://h.example/charge", Demand: 1, Unanswered: 1, Questions: []string{"https://f.example/2"}},
			{Text: "answered, low demand", URL: "https://h.example/charge", Demand: 2},
		},
	}
	conversations(rep)
	var got []string
	for _, c := range rep.Pages[0].Conversations {
		got = append(got, c.Text)
	}
	if diff := cmp.Diff([]string{"unanswered, low demand", "answered, high demand", "answered, low demand"}, got); diff != "" {
		t.Errorf("conversations of the charging page (-want +got):\n%s", diff)
	}
	if c := rep.Pages[1].Conversations; c == nil || len(c) != 0 {
		t.Errorf("a page with none: %v, want an empty list", c)
	}
}

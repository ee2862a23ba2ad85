package triage

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
)

func intp(n int) *int { return &n }

// TestCollectFirstPartyEvidence: site searches, tickets and Search Console rows are counted as what
// they are, and the kinds of source a request was heard from are listed.
func TestCollectFirstPartyEvidence(t *testing.T) {
	sightings := []heed.Sighting{
		{Text: "refund", Source: "sitesearch", SourceName: "site", Searches: intp(40), Results: intp(0)},
		{Text: "refund", Source: "sitesearch", SourceName: "site", Searches: intp(10), Results: intp(3)},
		{Text: "refund", Source: "helpdesk", SourceName: "zendesk", Channel: "email", Status: "open"},
		{Text: "refund", Source: "helpdesk", SourceName: "zendesk", Channel: "chat", Status: "solved"},
		{Text: "refund", Source: "searchconsole", Impressions: intp(900), Clicks: intp(12), Page: "https://x.example/refunds"},
		{Text: "refund", Source: "searchconsole", Impressions: intp(300), Clicks: intp(40), Page: "https://x.example/returns"},
		{Text: "refund", Source: "searchconsole", Impressions: intp(700), Clicks: intp(1), Page: "https://x.example/refunds"},
		{Text: "refund", Source: "google", Position: 2},
	}
	got := Collect(sightings, 1)
	want := heed.Evidence{Sightings: 8, RunsSeen: 1, Sources: []string{"google", "searchconsole", "site", "zendesk"}, Seeds: []string{},
		Expansions: 1, Suggestions: 1, BestPosition: 2,
		Kinds:        []heed.SightingKind{heed.SightingSuggestion, heed.SightingSiteSearch, heed.SightingHelpDesk, heed.SightingSearchConsole},
		SiteSearches: 50, NoResults: 40, Tickets: 2, OpenTickets: 1, Channels: []string{"chat", "email"}, Impressions: 1900, Clicks: 53,
		SearchConsolePage: "https://x.example/refunds"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
}

// TestDemandThatConfirmsItself: a request heard from more than one kind of source ranks above the same
// evidence from one kind; a site search that found nothing above one that found something; an open
// ticket above a solved one.
func TestDemandThatConfirmsItself(t *testing.T) {
	suggested := heed.Sighting{Text: "x", Source: "google", SourceName: "google", Position: 1}
	alsoSuggested := heed.Sighting{Text: "x", Source: "bing", SourceName: "bing", Position: 1}
	searched := heed.Sighting{Text: "x", Source: "sitesearch", SourceName: "site", Searches: intp(5), Results: intp(2)}
	tests := []struct {
		name          string
		higher, lower []heed.Sighting
	}{
		{"two kinds above two sources of one kind", []heed.Sighting{suggested, searched}, []heed.Sighting{suggested, alsoSuggested}},
		{"a site search that found nothing", []heed.Sighting{{Text: "x", Source: "sitesearch", Searches: intp(5), Results: intp(0)}}, []heed.Sighting{searched}},
		{"an open ticket", []heed.Sighting{{Text: "x", Source: "helpdesk", Status: "open"}}, []heed.Sighting{{Text: "x", Source: "helpdesk", Status: "solved"}}},
		{"more searches", []heed.Sighting{{Text: "x", Source: "sitesearch", Searches: intp(500)}}, []heed.Sighting{{Text: "x", Source: "sitesearch", Searches: intp(5)}}},
	}
	for _, tt := range tests {
		h, l := Demand(Collect(tt.higher, 1)), Demand(Collect(tt.lower, 1))
		if h <= l {
			t.Errorf("%s: demand %v, not above %v", tt.name, h, l)
		}
	}
}

package index

import (
	"testing"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
)

var pages = []heed.Page{
	{URL: "/charge", Title: "How to charge your battery", Body: "Plug the charger into the battery port. A full charge takes five hours."},
	{URL: "/brakes", Title: "Adjust your brakes", Headings: []string{"Brake pads", "Cable tension"}, Body: "Turn the barrel adjuster to tighten the brake cable."},
	{URL: "/pricing", Title: "Prices", Body: "The commuter costs 1,999 pounds.", Type: heed.PagePricing},
	{URL: "/faq", Title: "Frequently asked questions", Questions: []heed.QA{{Question: "Can I ride in the rain?", Answer: "Yes, the bike is splash proof."}}},
	{URL: "/app", Title: "The Ride app", Queries: []string{"app will not pair with my bike", "bluetooth pairing problem"}},
}

func build() *Index { return Build(pages, analysis.New("en"), DefaultParams()) }

func TestSearchRanksTheAnsweringPageFirst(t *testing.T) {
	ix := build()
	tests := []struct{ q, want string }{
		{"charging the battery", "/charge"},
		{"brake cable too loose", "/brakes"},
		{"how much does the commuter cost", "/pricing"},
		{"riding in rain", "/faq"},
		{"my app won't pair", "/app"},
	}
	for _, tt := range tests {
		hits := ix.Search(ix.Prepare(tt.q), Options{K: 3})
		if len(hits) == 0 {
			t.Errorf("Search(%q) found nothing, want %s", tt.q, tt.want)
			continue
		}
		if got := pages[hits[0].Page].URL; got != tt.want {
			t.Errorf("Search(%q) best = %s (%+v), want %s", tt.q, got, hits[0], tt.want)
		}
	}
}

func TestScoresAreBoundedAndOrdered(t *testing.T) {
	ix := build()
	hits := ix.Search(ix.Prepare("battery charge brakes app rain"), Options{K: 10})
	if len(hits) < 4 {
		t.Fatalf("got %d hits, want at least 4", len(hits))
	}
	for i, h := range hits {
		if h.Coverage < 0 || h.Coverage > 1 || h.Short < 0 || h.Short > 1 {
			t.Errorf("hit %d has coverage %v, short %v; want both in [0, 1]", i, h.Coverage, h.Short)
		}
		if i > 0 && h.Best() > hits[i-1].Best() {
			t.Errorf("hits not best first: %v after %v", h.Best(), hits[i-1].Best())
		}
	}
}

func TestFullMatchScoresHigherThanPartial(t *testing.T) {
	ix := build()
	full := ix.Search(ix.Prepare("adjust brakes"), Options{K: 1})
	part := ix.Search(ix.Prepare("adjust brakes child seat"), Options{K: 1})
	if len(full) == 0 || len(part) == 0 {
		t.Fatal("no hits")
	}
	if !(full[0].Coverage > part[0].Coverage) {
		t.Errorf("coverage of a request the page fully holds (%v) is not above one with unknown words (%v)", full[0].Coverage, part[0].Coverage)
	}
	q := ix.Prepare("adjust brakes child seat")
	if got, missing := q.MatchedWords(part[0].Matched); len(got) != 2 || len(missing) != 2 || missing[0] != "child" {
		t.Errorf("matched words = %v, missing %v; want adjust and brakes matched, child and seat missing", got, missing)
	}
}

func TestShortTextSimilarity(t *testing.T) {
	ix := build()
	hits := ix.Search(ix.Prepare("app will not pair with my bike"), Options{K: 1})
	if len(hits) == 0 || hits[0].Short < 0.99 || hits[0].ShortText != "app will not pair with my bike" {
		t.Fatalf("a request equal to a declared query: %+v, want short similarity 1 and that query", hits)
	}
}

func TestLeaveOut(t *testing.T) {
	ix := build()
	q := ix.Prepare("adjust your brakes")
	for _, h := range ix.Search(q, Options{K: 10, LeaveOut: true, LeaveOutPage: 1}) {
		if h.Page == 1 {
			t.Fatalf("the left-out page was returned: %+v", h)
		}
	}
	if hits := ix.Search(q, Options{K: 10}); len(hits) == 0 || hits[0].Page != 1 {
		t.Fatalf("without leaving out, the brakes page should lead: %+v", hits)
	}
}

func TestNothingToFind(t *testing.T) {
	ix := build()
	for _, q := range []string{"", "the of and", "zebra crossing"} {
		if hits := ix.Search(ix.Prepare(q), Options{}); len(hits) != 0 {
			t.Errorf("Search(%q) = %+v, want none", q, hits)
		}
	}
	empty := Build(nil, analysis.New("en"), DefaultParams())
	if hits := empty.Search(empty.Prepare("battery"), Options{}); len(hits) != 0 {
		t.Errorf("an empty index found %+v", hits)
	}
}

func TestConcurrentSearches(t *testing.T) {
	ix := build()
	done := make(chan bool)
	for range 8 {
		go func() {
			for range 200 {
				if hits := ix.Search(ix.Prepare("charge battery"), Options{K: 2}); len(hits) == 0 || pages[hits[0].Page].URL != "/charge" {
					t.Error("wrong result under concurrency")
				}
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
}

func BenchmarkSearch(b *testing.B) {
	ix := build()
	q := ix.Prepare("how do I charge the battery of my commuter")
	b.ReportAllocs()
	for b.Loop() {
		ix.Search(q, Options{K: 4})
	}
}

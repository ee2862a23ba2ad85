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
		if i > 0 && h.Score() > hits[i-1].Score() {
			t.Errorf("hits not best first: %v after %v", h.Score(), hits[i-1].Score())
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

func TestTypoTolerance(t *testing.T) {
	ix := build()
	tests := []struct {
		q, word, want string // want: the term the word is read as, "" for none
	}{
		{"chrage", "chrage", "charg"},   // swapped letters, misspelt ending
		{"batery", "batery", "batteri"}, // a letter missing
		{"brakse", "brakse", "brake"},   // swapped at the end
		{"bluetoth", "bluetoth", "bluetooth"},
		{"lease", "lease", ""},        // a real word the site does not use is no typo
		{"car", "car", ""},            // too short to correct
		{"xqzvwk", "xqzvwk", ""},      // nothing near
		{"1999x", "1999x", ""},        // numbers are not corrected
		{"charge", "charge", "charg"}, // known words stay
	}
	for _, tt := range tests {
		q := ix.Prepare(tt.q)
		if len(q.Terms) != 1 {
			t.Fatalf("Prepare(%q): %d terms", tt.q, len(q.Terms))
		}
		term := q.Terms[0]
		switch {
		case tt.want == "" && term.Known:
			t.Errorf("Prepare(%q) read it as %q, want unknown", tt.q, term.Text)
		case tt.want != "" && (term.Text != tt.want || !term.Known):
			t.Errorf("Prepare(%q) = %q (known %v), want %q", tt.q, term.Text, term.Known, tt.want)
		case term.Word != tt.word:
			t.Errorf("Prepare(%q) word %q, want the word as written", tt.q, term.Word)
		}
	}
	// A corrected word finds its page, for a little less than the right spelling.
	right := ix.Search(ix.Prepare("charge battery"), Options{K: 1})
	typo := ix.Search(ix.Prepare("chrage batery"), Options{K: 1})
	if len(typo) == 0 || pages[typo[0].Page].URL != "/charge" {
		t.Fatalf("typos did not find /charge: %+v", typo)
	}
	if !(typo[0].Coverage < right[0].Coverage && typo[0].Coverage > 0.5*right[0].Coverage) {
		t.Errorf("coverage with typos %.3f, right %.3f: want a little less", typo[0].Coverage, right[0].Coverage)
	}
}

func TestOSA1(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"charge", "chrage", true}, {"batteri", "bateri", true}, {"abc", "abd", true}, {"abc", "abcd", true},
		{"abc", "abc", false}, {"abc", "bca", false}, {"abcd", "ab", false}, {"ébike", "ebike", true},
	}
	for _, tt := range tests {
		if got := osa1(tt.a, tt.b); got != tt.want {
			t.Errorf("osa1(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSynonyms(t *testing.T) {
	ix := build()
	// "price" is not on the pricing page, "costs" is.
	q := ix.Prepare("commuter price")
	hits := ix.Search(q, Options{K: 1})
	if len(hits) == 0 || pages[hits[0].Page].URL != "/pricing" {
		t.Fatalf("Search(commuter price) = %+v, want /pricing", hits)
	}
	if hits[0].Matched != 0b11 {
		t.Errorf("matched mask %b, want both words matched (price through its synonym cost)", hits[0].Matched)
	}
	if got := q.Terms[1].Syn; len(got) == 0 || got[0] != "cost" {
		t.Errorf("synonyms of price: %v, want cost (the indexed one)", got)
	}
}

func TestPhraseProximity(t *testing.T) {
	ps := []heed.Page{
		{URL: "/together", Title: "Battery charger guide", Body: "Everything about chargers."},
		{URL: "/apart", Title: "Battery care and the charger", Body: "Everything about chargers."},
	}
	ix := Build(ps, analysis.New("en"), DefaultParams())
	hits := ix.Search(ix.Prepare("battery charger"), Options{K: 2})
	if len(hits) != 2 || ps[hits[0].Page].URL != "/together" {
		t.Fatalf("hits %+v: want /together first", hits)
	}
	if hits[0].Proximity != 1 || hits[1].Proximity != 0 {
		t.Errorf("proximity %.2f and %.2f, want 1 and 0", hits[0].Proximity, hits[1].Proximity)
	}
}

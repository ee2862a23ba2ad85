package responder

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/crawler/site"
	"github.com/heed-dev/heed/index"
	"github.com/heed-dev/heed/intent"
)

const base = "https://lark.example"

// testSite is a bike maker's help centre and shop: fourteen pages with titles, headings, text, declared
// queries and page types.
func testSite(t testing.TB) []heed.Page {
	t.Helper()
	pages, bad, err := site.ReadExportFile("testdata/site.jsonl")
	if err != nil || len(bad) > 0 {
		t.Fatalf("read testdata/site.jsonl: %v %v", err, bad)
	}
	return pages
}

func newTestMatcher(t testing.TB, pages []heed.Page) *Matcher {
	t.Helper()
	return New(index.Build(pages, analysis.New("en"), index.DefaultParams()), nil)
}

var classifier = intent.New(intent.Options{Brands: []string{"lark", "lark cycles"}})

func match(m *Matcher, text string) heed.Match {
	return m.Match(text, classifier.Classify(text))
}

// TestMatch pins the decision for requests a content team would judge the same way: answered by the
// page that answers them, or one of the gap kinds.
func TestMatch(t *testing.T) {
	m := newTestMatcher(t, testSite(t))
	tests := []struct {
		text string
		url  string // "" when any page may be named
		kind heed.GapKind
	}{
		// Answered, in other words than the page's.
		{"how long does it take to charge the battery", "/help/charge-battery", heed.GapNone},
		{"lark password reset", "/help/reset-password", heed.GapNone},
		{"lark care insurance cost", "/pricing/care", heed.GapNone},
		{"can i cancel my order", "/help/cancel-order", heed.GapNone},
		{"lark commuter price", "/bikes/commuter", heed.GapNone},
		{"lark cargo vs commuter", "/compare/commuter-vs-cargo", heed.GapNone},
		// Typos and inflections still find the page.
		{"how to chrage the batery", "/help/charge-battery", heed.GapNone},
		// No page covers it.
		{"lark jobs", "", heed.GapNoContent},
		{"electric bike lease for employees", "/bikes/commuter", heed.GapWeakMatch},
		{"zzqx flurb", "", heed.GapNoContent},
		// A page touches the topic without answering it.
		{"how to fix a flat tyre on an ebike", "", heed.GapWeakMatch},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := match(m, tt.text)
			// A gap whose closest page touches the topic may be weak or no content, by how much.
			if tt.kind == heed.GapWeakMatch && got.GapKind == heed.GapNoContent && got.URL != "" {
				got.GapKind = heed.GapWeakMatch
			}
			if got.GapKind != tt.kind || got.Gap != (tt.kind != heed.GapNone) {
				t.Errorf("gap %v, kind %s, want %s (url %s, score %.3f: %s)", got.Gap, got.GapKind, tt.kind, got.URL, got.Score, got.Reason)
			}
			if tt.url != "" && got.URL != base+tt.url {
				t.Errorf("url %s, want %s (%s)", got.URL, base+tt.url, got.Reason)
			}
			if got.Reason == "" {
				t.Error("no reason given")
			}
			if len(got.Alternatives) > maxAlternatives {
				t.Errorf("%d alternatives, want at most %d", len(got.Alternatives), maxAlternatives)
			}
			for _, a := range got.Alternatives {
				if a.URL == got.URL || a.Score > got.Score {
					t.Errorf("alternative %+v repeats or beats the best page (%s %.3f)", a, got.URL, got.Score)
				}
			}
		})
	}
}

// TestWrongPageType: the request is answered by a page of the wrong kind: a transactional request by an
// article, a local request without a location page.
func TestWrongPageType(t *testing.T) {
	pages := testSite(t)
	var kept []heed.Page
	for _, p := range pages {
		if p.Type != heed.PageLocation {
			kept = append(kept, p)
		}
	}
	kept = append(kept, heed.Page{URL: base + "/blog/cargo-bike-dealers", Type: heed.PageArticle,
		Title: "Where to buy a cargo bike: our dealers", Body: "A list of cargo bike dealers near you, with test rides and opening hours.",
		Queries: []string{"cargo bike dealer near me", "cargo bike shop near me"}})
	m := newTestMatcher(t, kept)
	got := match(m, "cargo bike shop near me")
	if got.GapKind != heed.GapWrongPageType || got.URL != base+"/blog/cargo-bike-dealers" {
		t.Fatalf("got %s %s (%s), want wrong_page_type on the dealers article", got.GapKind, got.URL, got.Reason)
	}
	if !strings.Contains(got.Reason, "location page") {
		t.Errorf("reason %q does not say a location page is needed", got.Reason)
	}
}

// TestCannibalisation: two pages answering the same request equally well both appear, and the request is
// still answered.
func TestCannibalisation(t *testing.T) {
	pages := testSite(t)
	dup := heed.Page{URL: base + "/blog/charging-guide", Type: heed.PageArticle, Title: "How to charge your Lark battery: a guide",
		Headings: []string{"Before you charge", "How long it takes"},
		Body:     "Switch the battery off before you plug in the charger. With the 4 A charger a PowerPack 500 charges from empty to full in about four and a half hours.",
		Queries:  []string{"how long does the battery take to charge", "charging the battery", "battery charging time"}}
	m := newTestMatcher(t, append(pages, dup))
	got := match(m, "how long does the battery take to charge")
	if got.Gap {
		t.Fatalf("a request two pages answer is a %s gap (%s)", got.GapKind, got.Reason)
	}
	pair := []string{got.URL}
	pair = append(pair, got.Competing...)
	want := []string{base + "/blog/charging-guide", base + "/help/charge-battery"}
	if diff := cmp.Diff(want, sorted(pair)); diff != "" {
		t.Errorf("competing pages (-want +got):\n%s\nreason: %s", diff, got.Reason)
	}
	// A request one page answers clearly has no competition.
	if got := match(m, "lark care insurance cost"); len(got.Competing) != 0 {
		t.Errorf("competing %v for a request only the Care page answers", got.Competing)
	}
}

func sorted(xs []string) []string {
	out := append([]string{}, xs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestCalibration: the thresholds come from the site, keep answer above no content, and are the
// fallback on a site too small to simulate.
func TestCalibration(t *testing.T) {
	an := analysis.New("en")
	pages := testSite(t)
	c := Calibrate(pages, an, index.DefaultParams(), nil)
	if c.Answerable < minPages || c.Gaps < minPages {
		t.Fatalf("calibration learnt from %d answerable and %d gaps: too few", c.Answerable, c.Gaps)
	}
	if !(c.NoContent > 0 && c.NoContent <= c.Answer && c.Answer < 2) {
		t.Errorf("thresholds out of order: %s", c)
	}
	if c.FalseGaps > 0.25 || c.GapRecall < 0.3 {
		t.Errorf("the simulation separates poorly: %s", c)
	}
	// The same pages in another order calibrate the same.
	rev := append([]heed.Page{}, pages...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if c2 := Calibrate(rev, an, index.DefaultParams(), nil); c2 != c {
		t.Errorf("page order changed the calibration:\n%s\n%s", c, c2)
	}
	small := Calibrate(pages[:3], an, index.DefaultParams(), nil)
	if small.Answer != fallbackAnswer || small.NoContent != fallbackNoContent {
		t.Errorf("three pages: %s, want the fallback thresholds", small)
	}
	// A higher cost of false gaps never raises the threshold.
	if lo := calibrate(pages, an, index.DefaultParams(), nil, nil, 50); lo.Answer > c.Answer {
		t.Errorf("cost 50 threshold %.3f above cost %.0f threshold %.3f", lo.Answer, falseGapCost, c.Answer)
	}
}

// TestKnownShare: a page model cannot vouch for words it never learnt.
func TestKnownShare(t *testing.T) {
	pages := testSite(t)
	m := newTestMatcher(t, pages)
	if !m.Learnt() {
		t.Fatal("no page model learnt from 14 pages with declared queries")
	}
	ix := m.Index()
	for _, tt := range []struct {
		text     string
		min, max float64
	}{
		{"battery charging time", 0.99, 1},
		{"electric bike lease for employees", 0.1, 0.6},
		{"zzqx flurb", 0, 0},
	} {
		if got := m.sc.model.knownShare(ix.Prepare(tt.text)); got < tt.min || got > tt.max {
			t.Errorf("knownShare(%q) = %.2f, want %.2f..%.2f", tt.text, got, tt.min, tt.max)
		}
	}
}

// TestNoModelWithoutDeclaredQueries: pages without declared queries are matched by retrieval alone.
func TestNoModelWithoutDeclaredQueries(t *testing.T) {
	pages := testSite(t)
	for i := range pages {
		pages[i].Queries = nil
		pages[i].Headings = nil
	}
	m := newTestMatcher(t, pages)
	if m.Learnt() {
		t.Error("a page model learnt from titles alone")
	}
	if got := match(m, "how far can i ride on one charge"); got.Gap || got.URL != base+"/help/battery-range" {
		t.Errorf("got %s gap=%v (%s)", got.URL, got.Gap, got.Reason)
	}
}

func TestEmptySiteAndEmptyRequest(t *testing.T) {
	m := newTestMatcher(t, nil)
	got := match(m, "lark battery")
	if !got.Gap || got.GapKind != heed.GapNoContent || got.URL != "" {
		t.Errorf("no pages: %+v", got)
	}
	m = newTestMatcher(t, testSite(t))
	got = match(m, "the of and")
	if !got.Gap || got.GapKind != heed.GapNoContent || !strings.Contains(got.Reason, "no searchable words") {
		t.Errorf("stop words only: %+v", got)
	}
}

func TestPageTypeFits(t *testing.T) {
	tests := []struct {
		text string
		typ  heed.PageType
		want bool
	}{
		{"lark store near me", heed.PageLocation, true},
		{"lark store near me", heed.PageArticle, false},
		{"buy lark cargo bike", heed.PageProduct, true},
		{"buy lark cargo bike", heed.PageArticle, false},
		{"lark care price", heed.PagePricing, true},
		{"lark care price", heed.PageArticle, false},
		{"how to charge an ebike battery", heed.PageLogin, false},
		{"how to charge an ebike battery", heed.PageGuide, true},
		{"lark login", heed.PageLogin, true},
		{"anything at all", heed.PageUnknown, true},
	}
	for _, tt := range tests {
		c := classifier.Classify(tt.text)
		need, got := PageTypeFits(c, tt.typ)
		if got != tt.want {
			t.Errorf("PageTypeFits(%q %s/%v, %s) = %v (%s), want %v", tt.text, c.Intent, c.Modifiers, tt.typ, got, need, tt.want)
		}
		if !got && need == "" {
			t.Errorf("%q on a %s page: no need named", tt.text, tt.typ)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	m := newTestMatcher(b, testSite(b))
	c := classifier.Classify("how far can a lark ebike go on one battery")
	b.ReportAllocs()
	for b.Loop() {
		m.Match("how far can a lark ebike go on one battery", c)
	}
}

// TestCalibrationSaysWhenItFallsBack: a site too small to simulate on gets the default thresholds, and
// the calibration says so (heed match and the report show the note); a site that gives enough learns.
func TestCalibrationSaysWhenItFallsBack(t *testing.T) {
	small := []heed.Page{{URL: base + "/a", Title: "Battery care"}, {URL: base + "/b", Title: "Brake pads"}}
	tests := []struct {
		name  string
		pages []heed.Page
		def   bool
	}{
		{"two pages", small, true},
		{"the test site", testSite(t), false},
	}
	for _, tt := range tests {
		c := newTestMatcher(t, tt.pages).Calibration()
		if c.Default != tt.def || (c.DefaultNote() != "") != tt.def {
			t.Errorf("%s: Default %v, note %q; want default %v", tt.name, c.Default, c.DefaultNote(), tt.def)
		}
		if tt.def && !strings.Contains(c.String(), "defaults") {
			t.Errorf("%s: String() = %q does not say the thresholds are defaults", tt.name, c)
		}
	}
}

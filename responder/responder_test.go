package responder

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/index"
)

// site is a small help centre with enough pages for calibration to learn from.
func site() []heed.Page {
	pages := []heed.Page{
		{URL: "https://h.example/charge", Title: "How to charge your battery", Type: heed.PageGuide, Body: "Plug the charger into the battery. A full charge takes five hours."},
		{URL: "https://h.example/brakes", Title: "Adjust your brakes", Type: heed.PageGuide, Body: "Turn the barrel adjuster to tighten the brake cable."},
		{URL: "https://h.example/pricing", Title: "Prices of our bikes", Type: heed.PagePricing, Body: "The commuter costs 1,999 pounds and the cargo 3,499 pounds."},
		{URL: "https://h.example/blog/cargo", Title: "Why cargo bikes replace the family car", Type: heed.PageArticle, Body: "Cargo bikes carry shopping and more."},
		{URL: "https://h.example/tyres", Title: "Fix a flat tyre", Type: heed.PageGuide, Body: "Remove the wheel, find the puncture and patch the inner tube."},
		{URL: "https://h.example/lights", Title: "Lights not working", Type: heed.PageSupport, Body: "Check the light cable and the fuse under the battery."},
		{URL: "https://h.example/warranty", Title: "Warranty", Type: heed.PageSupport, Body: "Frames are covered for five years, batteries for two years."},
		{URL: "https://h.example/returns", Title: "Returns and refunds", Type: heed.PageSupport, Body: "Return a bike within 30 days for a full refund."},
		{URL: "https://h.example/app", Title: "Pair the Ride app", Type: heed.PageGuide, Body: "Open the app, turn on bluetooth and hold the power button."},
		{URL: "https://h.example/firmware", Title: "Update the motor firmware", Type: heed.PageGuide, Body: "Firmware updates arrive through the app every month."},
	}
	return pages
}

func matcher() *Matcher { return New(index.Build(site(), analysis.New("en"), index.DefaultParams())) }

func TestMatch(t *testing.T) {
	m := matcher()
	info := heed.Classification{Intent: heed.Informational}
	tests := []struct {
		name    string
		text    string
		class   heed.Classification
		wantURL string
		wantGap heed.GapKind
	}{
		{"answered", "how long does charging the battery take", info, "https://h.example/charge", heed.GapNone},
		{"answered by headings and body", "tighten brake cable", info, "https://h.example/brakes", heed.GapNone},
		{"nothing on the topic", "child seat for toddlers", info, "", heed.GapNoContent},
		{"transactional answered by a blog post", "cargo bikes", heed.Classification{Intent: heed.Transactional, Modifiers: []string{"buy"}},
			"https://h.example/blog/cargo", heed.GapWrongPageType},
		{"price answered by the pricing page", "commuter price", heed.Classification{Intent: heed.Commercial, Modifiers: []string{"price"}},
			"https://h.example/pricing", heed.GapNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.Match(tt.text, tt.class)
			if got.GapKind != tt.wantGap || (tt.wantURL != "" && got.URL != tt.wantURL) {
				t.Errorf("Match(%q) = %+v\nwant url %q, gap kind %s (calibration %s)", tt.text, got, tt.wantURL, tt.wantGap, m.Calibration())
			}
			if got.Gap != (got.GapKind != heed.GapNone) {
				t.Errorf("gap %v with gap kind %s", got.Gap, got.GapKind)
			}
			if got.Reason == "" {
				t.Error("no reason given")
			}
			if got.Score < 0 || got.Score > 1 {
				t.Errorf("score %v out of [0, 1]", got.Score)
			}
			if len(got.Alternatives) > 3 {
				t.Errorf("%d alternatives, want at most 3", len(got.Alternatives))
			}
		})
	}
}

func TestMatchWithNoSharedWords(t *testing.T) {
	got := matcher().Match("zebra crossing", heed.Classification{Intent: heed.Informational})
	want := heed.Match{Gap: true, GapKind: heed.GapNoContent, Alternatives: []heed.Alternative{}, Reason: "no page mentions “zebra”, “crossing”"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Match (-want +got):\n%s", diff)
	}
}

func TestCalibrationIsLearntFromTheIndex(t *testing.T) {
	c := matcher().Calibration()
	if c.Probes < minProbes {
		t.Fatalf("calibration used %d probes on a 10-page site, want at least %d", c.Probes, minProbes)
	}
	if !(c.NoContent > 0 && c.NoContent <= c.Answer && c.Answer < 1) {
		t.Errorf("calibration %s: want 0 < no content <= answer < 1", c)
	}
	tiny := New(index.Build(site()[:2], analysis.New("en"), index.DefaultParams())).Calibration()
	if tiny.Answer != fallbackAnswer || tiny.NoContent != fallbackNoContent {
		t.Errorf("a 2-page site calibrated to %s, want the fallback thresholds", tiny)
	}
}

func TestCalibrationScalesWithTheSite(t *testing.T) {
	// On a site where every page has a near twin, a request whose page is missing still finds the twin:
	// the bar to count as answered must rise above the one for a site of unrelated pages.
	var twins, distinct []heed.Page
	for i := range 20 {
		twins = append(twins, heed.Page{URL: fmt.Sprintf("https://t.example/%d", i), Title: fmt.Sprintf("topic%d word%d thing%d", i/2, i/2, i%2)})
		distinct = append(distinct, heed.Page{URL: fmt.Sprintf("https://d.example/%d", i), Title: fmt.Sprintf("topic%d word%d thing%d", i, i, i)})
	}
	tw := New(index.Build(twins, analysis.New("en"), index.DefaultParams())).Calibration()
	d := New(index.Build(distinct, analysis.New("en"), index.DefaultParams())).Calibration()
	if !(tw.Answer > d.Answer) {
		t.Errorf("a site of twins calibrated to %s, unrelated pages to %s: want a higher answer bar for twins", tw, d)
	}
	if d.Answer != minAnswer {
		t.Errorf("unrelated pages calibrated to %s, want the bound %v", d, minAnswer)
	}
}

func TestPageTypeFits(t *testing.T) {
	c := func(in heed.Intent, mods ...string) heed.Classification {
		return heed.Classification{Intent: in, Modifiers: mods}
	}
	tests := []struct {
		class heed.Classification
		page  heed.PageType
		fits  bool
	}{
		{c(heed.Transactional, "local"), heed.PageLocation, true},
		{c(heed.Transactional, "local"), heed.PageGuide, false},
		{c(heed.Transactional, "buy"), heed.PageArticle, false},
		{c(heed.Transactional, "buy"), heed.PageProduct, true},
		{c(heed.Commercial, "price"), heed.PagePricing, true},
		{c(heed.Commercial, "comparison"), heed.PageComparison, true},
		{c(heed.Commercial, "comparison"), heed.PageSupport, false},
		{c(heed.Informational), heed.PageGuide, true},
		{c(heed.Informational), heed.PageLogin, false},
		{c(heed.Navigational, "login"), heed.PageLogin, true},
		{c(heed.Transactional, "buy"), heed.PageUnknown, true},
		{c(heed.Transactional), heed.PageArticle, false},
	}
	for _, tt := range tests {
		need, fits := PageTypeFits(tt.class, tt.page)
		if fits != tt.fits {
			t.Errorf("PageTypeFits(%s %v, %q) = %v, want %v", tt.class.Intent, tt.class.Modifiers, tt.page, fits, tt.fits)
		}
		if !fits && need == "" {
			t.Errorf("PageTypeFits(%s %v, %q) does not say what is needed", tt.class.Intent, tt.class.Modifiers, tt.page)
		}
	}
}

func TestDemand(t *testing.T) {
	yes, no := true, false
	n := func(i int) *int { return &i }
	suggested := []heed.Sighting{{Source: "opensearch", Seed: "bike", Position: 1}, {Source: "opensearch", Seed: "bike", Expansion: "alphabet", Position: 4}}
	e := Collect(suggested, 1)
	if e.Suggestions != 2 || e.BestPosition != 1 || e.Expansions != 2 || len(e.Sources) != 1 {
		t.Errorf("Collect(suggestions) = %+v", e)
	}
	forum := []heed.Sighting{
		{Source: "stackexchange", URL: "q/1", Seed: "bike", Score: n(5), Answers: n(0), Views: n(900), Answered: &no},
		{Source: "stackexchange", URL: "q/1", Seed: "battery", Score: n(5), Answers: n(0), Views: n(900), Answered: &no},
		{Source: "stackexchange", URL: "q/2", Seed: "bike", Score: n(1), Answers: n(2), Views: n(100), Answered: &yes},
	}
	f := Collect(forum, 1)
	if f.Questions != 2 || f.Votes != 6 || f.Views != 1000 || f.Unanswered != 1 || len(f.Seeds) != 2 {
		t.Errorf("Collect(forum) = %+v: a question found by two seeds must count once", f)
	}
	low := Demand(Collect(suggested[1:], 1))
	high := Demand(Collect(suggested, 1))
	if !(high > low) {
		t.Errorf("demand of a first-place suggestion seen twice (%v) is not above one seen once in 4th place (%v)", high, low)
	}
	if !(Demand(Collect(suggested, 5)) > high) {
		t.Error("recurrence across runs does not raise demand")
	}
	if Demand(heed.Evidence{}) != 0 {
		t.Error("no evidence must mean no demand")
	}
}

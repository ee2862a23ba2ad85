package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
)

// TestSearchConsoleAgreement: over the requests Search Console showed a page for, the share where
// Google's page is heed's (the same page written with or without www., a trailing slash or another
// scheme), and the others listed, most impressions first, a gap among them.
func TestSearchConsoleAgreement(t *testing.T) {
	ev := func(page string, impressions int) heed.Evidence {
		return heed.Evidence{SearchConsolePage: page, Impressions: impressions}
	}
	pages := map[string]heed.Page{"https://h.example/range": {URL: "https://h.example/range", Title: "Battery range"},
		"https://h.example/charge": {URL: "https://h.example/charge", Title: "Charging"}}
	answered := []Request{
		{Key: "a", Text: "lark range", URL: "https://h.example/range", Evidence: ev("http://www.h.example/range/", 900)},
		{Key: "b", Text: "charge time", URL: "https://h.example/range", Reason: "title words", Evidence: ev("https://h.example/charge", 400)},
		{Key: "c", Text: "no console", URL: "https://h.example/range"},
	}
	gaps := []Request{{Key: "d", Text: "lark refund", URL: "https://h.example/charge", Gap: true, Evidence: ev("https://h.example/charge", 1200)}}
	sum, dis := searchConsole(pages, answered, gaps)
	if diff := cmp.Diff(&SearchConsoleSummary{Queries: 3, Same: 1, Agreement: 0.3333}, sum); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	want := []Disagreement{
		{Key: "d", Text: "lark refund", GooglePage: "https://h.example/charge", GoogleTitle: "Charging", Gap: true, Impressions: 1200},
		{Key: "b", Text: "charge time", GooglePage: "https://h.example/charge", GoogleTitle: "Charging", HeedPage: "https://h.example/range", HeedTitle: "Battery range", Reason: "title words", Impressions: 400},
	}
	if diff := cmp.Diff(want, dis); diff != "" {
		t.Errorf("disagreements (-want +got):\n%s", diff)
	}
	if sum, _ := searchConsole(pages, []Request{{Key: "x"}}); sum != nil {
		t.Errorf("no Search Console rows: summary %+v, want none", sum)
	}
	r := sample()
	r.Summary.SearchConsole, r.Disagreements = searchConsole(pages, answered, gaps)
	var b strings.Builder
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`<section id="search-console">`, `href="#search-console"`, "33% of them", "no page: a gap",
		`<a href="https://h.example/charge" rel="noopener noreferrer nofollow">Charging</a>`} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("report.html lacks %s", s)
		}
	}
}

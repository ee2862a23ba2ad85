package site

import (
	"net/url"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
)

func TestExtract(t *testing.T) {
	body, err := os.ReadFile("testdata/page.html")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://127.0.0.1:8080/help/charge-your-battery")
	ex, err := Extract(base, body)
	if err != nil {
		t.Fatal(err)
	}
	want := heed.Page{
		URL:         "http://127.0.0.1:8080/help/charge-your-battery",
		Title:       "How to charge your Lark battery | Lark Help",
		Description: "Charging times, chargers and battery care.",
		Headings:    []string{"How to charge your Lark battery", "Before you charge", "Cold weather"},
		Body: "How to charge your Lark battery\nUse the 4 A charger. It takes five hours.\nBefore you charge\nSwitch the battery off.\n" +
			"Cold weather\nBring it indoors\nWait an hour\nCode: <script src=\"https://ride.example/embed.js\"></script>\nRange Other bad",
		Questions: []heed.QA{
			{Question: "How long does a full charge take?", Answer: "About five hours."},
			{Question: "Can I charge in the rain?", Answer: "No."},
			{Question: "Charge the battery", Answer: "Switch off.\nPlug in."},
		},
		Type: heed.PageFAQ,
		Lang: "en-GB",
	}
	if diff := cmp.Diff(want, ex.Page); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	if ex.Canonical != "https://help.larkcycles.example/help/charge-your-battery?utm=x" || ex.NoIndex {
		t.Errorf("canonical %q, noindex %v", ex.Canonical, ex.NoIndex)
	}
	wantLinks := []string{"http://127.0.0.1:8080/", "http://127.0.0.1:8080/help/brakes", "http://127.0.0.1:8080/help/range", "https://other.example/x"}
	if diff := cmp.Diff(wantLinks, ex.Links); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
}

func TestExtractTypesAndRobots(t *testing.T) {
	tests := []struct {
		name, path, html string
		want             heed.PageType
		noindex          bool
	}{
		{"login form", "/account", `<html><body><form><input type="password"></form></body></html>`, heed.PageLogin, false},
		{"product JSON-LD", "/x", `<script type="application/ld+json">{"@type":"Product","name":"Lark Fold"}</script>`, heed.PageProduct, false},
		{"graph with an article", "/x", `<script type="application/ld+json">{"@graph":[{"@type":"WebPage"},{"@type":"BlogPosting"}]}</script>`, heed.PageArticle, false},
		{"og:type", "/x", `<meta property="og:type" content="product">`, heed.PageProduct, false},
		{"path: pricing", "/pricing", `<p>prices</p>`, heed.PagePricing, false},
		{"path: blog", "/blog/why-cargo", `<p>x</p>`, heed.PageArticle, false},
		{"path: store locator", "/stores/london", `<p>x</p>`, heed.PageLocation, false},
		{"unknown", "/x/y", `<p>x</p>`, heed.PageUnknown, false},
		{"noindex", "/x", `<meta name="robots" content="NOINDEX, follow">`, heed.PageUnknown, true},
		{"robots none", "/x", `<meta name="googlebot" content="none">`, heed.PageUnknown, true},
		{"broken JSON-LD ignored", "/help/x", `<script type="application/ld+json">{"@type": "FAQ</script>`, heed.PageSupport, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse("https://h.example" + tt.path)
			ex, err := Extract(u, []byte(tt.html))
			if err != nil {
				t.Fatal(err)
			}
			if ex.Page.Type != tt.want || ex.NoIndex != tt.noindex {
				t.Errorf("type %q noindex %v, want %q %v", ex.Page.Type, ex.NoIndex, tt.want, tt.noindex)
			}
		})
	}
}

func FuzzExtract(f *testing.F) {
	body, _ := os.ReadFile("testdata/page.html")
	f.Add(body)
	f.Add([]byte(`<script type="application/ld+json">[[[[[[[[[[[[{"@type":"Question"}]]]]]]]]]]]]</script>`))
	f.Add([]byte("<html><title>\xff\xfe</title>"))
	base, _ := url.Parse("https://h.example/p")
	f.Fuzz(func(t *testing.T, b []byte) {
		ex, err := Extract(base, b)
		if err != nil {
			return
		}
		if len(ex.Page.Body) > maxBody*4 || len(ex.Page.Questions) > maxQuestions || len(ex.Links) > maxLinks {
			t.Fatalf("limits exceeded: body %d, questions %d, links %d", len(ex.Page.Body), len(ex.Page.Questions), len(ex.Links))
		}
	})
}

package triage

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/intent"
)

var classifier = intent.New(intent.Options{Brands: []string{"lark", "lark cycles"}})

func gapItems(texts map[string]float64) []GapItem {
	var out []GapItem
	for text, demand := range texts {
		out = append(out, GapItem{Key: heed.Normalize(text), Text: text, Class: classifier.Classify(text), Kind: heed.GapNoContent, Demand: demand})
	}
	slices.SortFunc(out, func(a, b GapItem) int { return cmpString(a.Key, b.Key) })
	return out
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// groups returns the topics as sets of texts, sorted, for comparison.
func groups(ts []heed.Topic) [][]string {
	var out [][]string
	for _, t := range ts {
		g := slices.Clone(t.Texts)
		slices.Sort(g)
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b []string) int { return cmpString(a[0], b[0]) })
	return out
}

func TestCluster(t *testing.T) {
	an := analysis.New("en")
	items := gapItems(map[string]float64{
		"lark ebike lease":                   3,
		"lease an ebike through work":        2,
		"ebike leasing for employees":        1.5,
		"lark jobs":                          2.5,
		"lark careers":                       1,
		"jobs at lark cycles":                1,
		"lark cargo bike child seat":         4,
		"child seat for cargo bike":          1,
		"how to fix a flat tyre":             2,
		"repair a puncture on an ebike tyre": 1,
	})
	got := Cluster(items, an)
	want := [][]string{
		{"child seat for cargo bike", "lark cargo bike child seat"},
		{"ebike leasing for employees", "lark ebike lease", "lease an ebike through work"},
		{"how to fix a flat tyre", "repair a puncture on an ebike tyre"},
		{"jobs at lark cycles", "lark careers", "lark jobs"},
	}
	if diff := cmp.Diff(want, groups(got)); diff != "" {
		t.Errorf("topics (-want +got):\n%s", diff)
	}
	// Topics come by demand; each is labelled by its most demanded request, and sums its demand.
	for i := 1; i < len(got); i++ {
		if got[i].Demand > got[i-1].Demand {
			t.Errorf("topic %q (%.2f) after %q (%.2f)", got[i].Label, got[i].Demand, got[i-1].Label, got[i-1].Demand)
		}
	}
	first := got[0]
	if first.Label != "lark ebike lease" || first.Demand != 6.5 || first.Texts[0] != first.Label {
		t.Errorf("first topic %+v: want the lease topic, demand 6.5, labelled by its top request", first)
	}
	if first.Kinds[heed.GapNoContent] != 3 || len(first.Requests) != 3 || first.Key == "" || first.Title == "" {
		t.Errorf("first topic %+v: kinds, requests, key or title missing", first)
	}
	var n int
	for _, c := range first.Intents {
		n += c
	}
	if n != 3 {
		t.Errorf("intent mix %v sums to %d, want 3", first.Intents, n)
	}
}

// TestClusterIsStable: the topics do not depend on the order the gaps come in, and their keys survive
// a run that adds a request.
func TestClusterIsStable(t *testing.T) {
	an := analysis.New("en")
	texts := map[string]float64{
		"lark ebike lease": 3, "lease an ebike through work": 2, "lark jobs": 2.5, "lark careers": 1,
		"child seat for cargo bike": 1, "lark cargo bike child seat": 4, "winter tyres": 1, "snow tyres for ebikes": 1,
	}
	items := gapItems(texts)
	want := Cluster(items, an)
	for seed := range uint64(5) {
		shuffled := slices.Clone(items)
		rand.New(rand.NewPCG(seed, 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if diff := cmp.Diff(want, Cluster(shuffled, an)); diff != "" {
			t.Fatalf("order changed the topics (-want +got):\n%s", diff)
		}
	}
	texts["ebike lease price"] = 0.5
	later := Cluster(gapItems(texts), an)
	for _, tp := range want {
		var found []string
		for _, l := range later {
			if TopicMatches(l, tp.Key) {
				found = append(found, l.Label)
			}
		}
		if len(found) != 1 {
			t.Errorf("topic key %q (%s) matches %d topics after one more request (%v), want 1", tp.Key, tp.Label, len(found), found)
		}
	}
}

func TestClusterEmpty(t *testing.T) {
	if got := Cluster(nil, analysis.New("en")); got == nil || len(got) != 0 {
		t.Errorf("Cluster(nil) = %#v, want an empty list", got)
	}
	// Requests without searchable words each stand alone.
	got := Cluster(gapItems(map[string]float64{"the of": 1, "and to": 1}), analysis.New("en"))
	if len(got) != 2 {
		t.Errorf("%d topics from two stop-word requests, want 2", len(got))
	}
}

func TestSuggestPageType(t *testing.T) {
	tests := []struct {
		texts []string
		want  heed.PageType
	}{
		{[]string{"how to fix a flat tyre", "how do i repair a puncture"}, heed.PageGuide},
		{[]string{"lark store near me", "ebike shop near me"}, heed.PageLocation},
		{[]string{"lark cargo price", "how much does the cargo cost"}, heed.PagePricing},
		{[]string{"lark vs vanmoof", "lark or cowboy"}, heed.PageComparison},
		{[]string{"buy lark cargo bike"}, heed.PageProduct},
	}
	for _, tt := range tests {
		var cs []heed.Classification
		for _, x := range tt.texts {
			cs = append(cs, classifier.Classify(x))
		}
		if got := SuggestPageType(cs); got != tt.want {
			t.Errorf("SuggestPageType(%q) = %s, want %s (%+v)", tt.texts, got, tt.want, cs)
		}
	}
}

func BenchmarkCluster(b *testing.B) {
	an := analysis.New("en")
	words := []string{"battery", "charge", "range", "winter", "tyre", "cargo", "child", "seat", "lease", "price",
		"app", "pair", "brake", "light", "lock", "theft", "insurance", "warranty", "frame", "motor"}
	rng := rand.New(rand.NewPCG(1, 2))
	var items []GapItem
	for i := range 5000 {
		text := "lark " + words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
		items = append(items, GapItem{Key: text + string(rune('a'+i%26)), Text: text, Demand: rng.Float64()})
	}
	b.ReportAllocs()
	for b.Loop() {
		Cluster(items, an)
	}
}

// TestStrongestTiesIgnoreRounding: weights that differ only in their last bits (the same sum taken in
// another order) tie, and the tie goes alphabetically, so a topic's key does not hang on float rounding.
func TestStrongestTiesIgnoreRounding(t *testing.T) {
	third, a, b := 1.0/3, 0.1, 0.2
	centroid := map[string]float64{"zebra": a + b, "apple": 0.3, "mango": third, "kiwi": 1 - 2*third, "fig": 0.01}
	if centroid["zebra"] == centroid["apple"] || centroid["kiwi"] == centroid["mango"] {
		t.Fatal("want weights that differ in their last bits")
	}
	got := strongest(centroid, 4)
	want := []string{"kiwi", "mango", "apple", "zebra"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("strongest (-want +got):\n%s", diff)
	}
}

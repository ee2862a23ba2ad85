package triage

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/encoder"
	"github.com/heed-dev/heed/evaluation"
)

var sentenceEncoder = sync.OnceValues(encoder.New)

// meaningItems are gapItems with their sentence vectors.
func meaningItems(t testing.TB, texts map[string]float64) []GapItem {
	t.Helper()
	enc, err := sentenceEncoder()
	if err != nil {
		t.Fatal(err)
	}
	items := gapItems(texts)
	all := make([]string, len(items))
	for i, it := range items {
		all[i] = it.Text
	}
	for i, v := range enc.Encode(all) {
		items[i].Vec = heed.Quantise(v)
	}
	return items
}

func TestClusterByMeaning(t *testing.T) {
	an := analysis.New("en")
	tests := []struct {
		name  string
		texts map[string]float64
		want  [][]string
	}{
		{
			name: "paraphrases together, unrelated apart, a request alone when nothing is close",
			texts: map[string]float64{
				"how do i reset my password": 3, "i forgot my password and cannot log in": 2, "reset password": 1,
				"when will my order arrive": 3, "how long does shipping take": 2, "delivery time for my order": 1,
				"cancel my subscription": 2, "how do i stop my membership": 1,
				"what is the capital of france": 1,
			},
			want: [][]string{
				{"cancel my subscription", "how do i stop my membership"},
				{"delivery time for my order", "how long does shipping take", "when will my order arrive"},
				{"how do i reset my password", "i forgot my password and cannot log in", "reset password"},
				{"what is the capital of france"},
			},
		},
		{
			name: "paraphrases that share no word",
			texts: map[string]float64{
				"cancel my subscription": 1, "how do i stop my membership": 1,
				"lark ebike battery range": 1, "how far can the ebike go on one charge": 1,
				"child seat for the cargo bike": 1, "opening hours of the lark shop": 1,
			},
			want: [][]string{
				{"cancel my subscription", "how do i stop my membership"},
				{"child seat for the cargo bike"},
				{"how far can the ebike go on one charge", "lark ebike battery range"},
				{"opening hours of the lark shop"},
			},
		},
		{
			name: "nothing close: each alone",
			texts: map[string]float64{
				"what is the capital of france": 1, "lark ebike battery range": 1, "is there a student discount": 1,
				"how do i reset my password": 1, "when will my order arrive": 1,
			},
			want: [][]string{
				{"how do i reset my password"}, {"is there a student discount"}, {"lark ebike battery range"},
				{"what is the capital of france"}, {"when will my order arrive"},
			},
		},
		{
			name:  "one request",
			texts: map[string]float64{"lark ebike battery range": 1},
			want:  [][]string{{"lark ebike battery range"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Cluster(meaningItems(t, tt.texts), an)
			if diff := cmp.Diff(tt.want, groups(got)); diff != "" {
				t.Errorf("topics (-want +got):\n%s", diff)
			}
			for _, tp := range got {
				checkBrief(t, tp, tt.texts)
			}
		})
	}
}

// checkBrief holds a topic's label, title and outline to its requests: the label is one of them, the
// title and every line of the outline one of them tidied, the outline's lines distinct, at most
// maxOutline, and the first one of the most demanded requests.
func checkBrief(t *testing.T, tp heed.Topic, demand map[string]float64) {
	t.Helper()
	tidied := map[string]bool{}
	for _, x := range tp.Texts {
		tidied[tidy(GapItem{Text: x})] = true
		tidied[tidy(GapItem{Text: x})+"?"] = true
	}
	if !slices.Contains(tp.Texts, tp.Label) {
		t.Errorf("topic %q: label %q is none of its requests", tp.Texts, tp.Label)
	}
	if !tidied[tp.Title] {
		t.Errorf("topic %q: title %q is none of its requests", tp.Texts, tp.Title)
	}
	if len(tp.Outline) == 0 || len(tp.Outline) > maxOutline {
		t.Errorf("topic %q: %d lines of outline, want 1 to %d", tp.Texts, len(tp.Outline), maxOutline)
	}
	for k, line := range tp.Outline {
		if !tidied[line] || slices.Contains(tp.Outline[:k], line) {
			t.Errorf("topic %q: outline line %q is none of its requests, or twice", tp.Texts, line)
		}
	}
	top := map[string]bool{}
	for k, x := range tp.Texts {
		if demand[x] == demand[tp.Texts[0]] {
			top[strings.TrimSuffix(tidy(GapItem{Text: tp.Texts[k]}), "?")] = true
		}
	}
	if len(tp.Outline) > 0 && !top[strings.TrimSuffix(tp.Outline[0], "?")] {
		t.Errorf("topic %q: outline starts with %q, want one of its most demanded requests", tp.Texts, tp.Outline[0])
	}
}

// handItems are gaps with vectors made by hand: e_k is the k-th axis of 16 dimensions.
func handItems(specs []struct {
	text   string
	demand float64
	vec    map[int]float64
}) []GapItem {
	var items []GapItem
	for _, sp := range specs {
		v := make([]float64, 16)
		for k, x := range sp.vec {
			v[k] = x
		}
		vec := make([]float32, 16)
		for k, x := range unit64(v) {
			vec[k] = float32(x)
		}
		items = append(items, GapItem{Key: heed.Normalize(sp.text), Text: sp.text, Class: classifier.Classify(sp.text),
			Kind: heed.GapNoContent, Demand: sp.demand, Vec: heed.Quantise(vec)})
	}
	return items
}

// TestTopicBrief: a topic is labelled by the request nearest its centre, whatever its demand; its title
// is one of the requests near the centre, a question first; its outline is its distinct questions, most
// demanded first, a paraphrase of one already there (and the statement between the two questions, close
// to the first) left out.
func TestTopicBrief(t *testing.T) {
	items := handItems([]struct {
		text   string
		demand float64
		vec    map[int]float64
	}{
		// A topic around e0: the pairing question (most demanded), its paraphrase, a second question
		// off to one side, and the statement at the centre, least demanded.
		{"how do i pair the app with my bike", 5, map[int]float64{0: 1, 1: 0.9}},
		{"how to pair the app with the bike", 4, map[int]float64{0: 1, 1: 0.92}},
		{"why does the app lose the connection", 3, map[int]float64{0: 1, 2: 1.4}},
		{"app bike connection", 1, map[int]float64{0: 1, 1: 0.45, 2: 0.45}},
		// Requests about nothing else.
		{"snow tyres", 2, map[int]float64{5: 1}},
		{"opening hours", 2, map[int]float64{6: 1}},
		{"gift cards", 2, map[int]float64{7: 1}},
		{"student discount", 2, map[int]float64{8: 1}},
	})
	got := Cluster(items, analysis.New("en"))
	if len(got) == 0 || len(got[0].Texts) != 4 {
		t.Fatalf("topics %q: want the four app requests first, together", groups(got))
	}
	tp := got[0]
	want := heed.Topic{
		Label: "app bike connection",
		Title: "How do i pair the app with my bike?",
		Outline: []string{
			"How do i pair the app with my bike?",
			"Why does the app lose the connection?",
		},
	}
	if diff := cmp.Diff(want, heed.Topic{Label: tp.Label, Title: tp.Title, Outline: tp.Outline}); diff != "" {
		t.Errorf("brief (-want +got):\n%s", diff)
	}
	if tp.Texts[0] != "how do i pair the app with my bike" || tp.Demand != 13 {
		t.Errorf("requests %q, demand %v: want the most demanded first, demand 13", tp.Texts, tp.Demand)
	}
	for _, other := range got[1:] {
		if len(other.Texts) != 1 {
			t.Errorf("topic %q: want each other request alone", other.Texts)
		}
	}
}

// TestClusterByMeaningIgnoresOrder: the topics, their briefs and keys do not depend on the order the
// gaps come in, nor on the number of processors, whether the gaps fit one cell or take rounds over many.
func TestClusterByMeaningIgnoresOrder(t *testing.T) {
	an := analysis.New("en")
	small := meaningItems(t, map[string]float64{
		"how do i reset my password": 3, "i forgot my password and cannot log in": 2, "reset password": 1,
		"when will my order arrive": 3, "how long does shipping take": 2, "delivery time for my order": 1,
		"cancel my subscription": 2, "how do i stop my membership": 1, "what is the capital of france": 1,
	})
	for _, tt := range []struct {
		name          string
		items         []GapItem
		target, block int
	}{
		{"one cell", small, 1000, 3000},
		{"many cells", syntheticGaps(3000, 32, 60, 3), 100, 250},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer SetBlocks(tt.target, tt.block)()
			want := Cluster(tt.items, an)
			for seed := range uint64(3) {
				shuffled := slices.Clone(tt.items)
				rand.New(rand.NewPCG(seed, 9)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				if diff := cmp.Diff(want, Cluster(shuffled, an)); diff != "" {
					t.Fatalf("order changed the topics (-want +got):\n%s", diff)
				}
			}
			// Nor on how many goroutines share the work.
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			if diff := cmp.Diff(want, Cluster(tt.items, an)); diff != "" {
				t.Fatalf("one processor changed the topics (-want +got):\n%s", diff)
			}
		})
	}
}

// TestClusterByMeaningInCellsAgreesWithExact: cut into cells of a hundred, a set of 3,000 gaps of 60
// topics, with their families of close topics and a fifth of requests about nothing else, comes out as
// it does in one cell, exactly, but for a few requests (adjusted Rand index of the two at least 0.95),
// and both find the topics the gaps were made from.
func TestClusterByMeaningInCellsAgreesWithExact(t *testing.T) {
	an := analysis.New("en")
	items := syntheticGaps(3000, 32, 60, 4)
	restore := SetBlocks(5000, 5000)
	exact := Cluster(items, an)
	restore()
	restore = SetBlocks(100, 250)
	blocked := Cluster(items, an)
	restore()
	truth := make([]string, len(items))
	for i, it := range items {
		truth[i] = it.Key // a request about nothing else is its own topic
		if f := strings.Fields(it.Text); len(f) > 1 {
			truth[i] = f[1][:strings.Index(f[1], "w")]
		}
	}
	byKey := func(ts []heed.Topic) []string {
		at := map[string]string{}
		for _, tp := range ts {
			for _, r := range tp.Requests {
				at[r] = tp.Requests[0]
			}
		}
		out := make([]string, len(items))
		for i, it := range items {
			out[i] = at[it.Key]
		}
		return out
	}
	t.Logf("exactly %d topics, in cells %d: ARI between %.3f, with truth %.3f and %.3f", len(exact), len(blocked),
		adjustedRand(byKey(exact), byKey(blocked)), adjustedRand(truth, byKey(exact)), adjustedRand(truth, byKey(blocked)))
	if ari := adjustedRand(byKey(exact), byKey(blocked)); ari < 0.95 {
		t.Errorf("in cells, %d topics; exactly, %d: adjusted Rand index %.3f, want at least 0.95", len(blocked), len(exact), ari)
	}
	for name, ts := range map[string][]heed.Topic{"exactly": exact, "in cells": blocked} {
		if ari := adjustedRand(truth, byKey(ts)); ari < 0.9 {
			t.Errorf("%s: adjusted Rand index %.3f with the topics the gaps were made from, want at least 0.9", name, ari)
		}
	}
}

// adjustedRand is the adjusted Rand index of two labellings of the same items.
func adjustedRand(a, b []string) float64 {
	c, err := evaluation.ScoreClustering(a, b)
	if err != nil {
		panic(err)
	}
	return c.ARI
}

// TestClusterFallsBackToWords: without a vector for every gap (or with vectors of two lengths), the
// topics are the lexical ones, exactly.
func TestClusterFallsBackToWords(t *testing.T) {
	an := analysis.New("en")
	texts := map[string]float64{
		"lark ebike lease": 3, "lease an ebike through work": 2, "lark jobs": 2.5, "lark careers": 1,
		"child seat for cargo bike": 1, "lark cargo bike child seat": 4,
	}
	want := Cluster(gapItems(texts), an)
	some := meaningItems(t, texts)
	some[2].Vec = heed.Vector8{}
	mixed := meaningItems(t, texts)
	mixed[0].Vec.Q = mixed[0].Vec.Q[:8]
	for name, items := range map[string][]GapItem{"one without": some, "two lengths": mixed} {
		if diff := cmp.Diff(want, Cluster(items, an)); diff != "" {
			t.Errorf("%s: topics (-want +got):\n%s", name, diff)
		}
	}
	for _, tp := range want {
		if tp.Outline != nil {
			t.Errorf("lexical topic %q has an outline %q", tp.Texts, tp.Outline)
		}
	}
}

// TestAverageLinkage holds the nearest-neighbour chain to average linkage done the slow way: join the two
// groups of the highest mean similarity over their members' pairs while it is at least the threshold.
func TestAverageLinkage(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for trial := range 40 {
		m := 2 + rng.IntN(30)
		sims := make([]float32, m*m)
		for a := range m {
			for b := range a {
				v := float32(rng.Float64()*1.4 - 0.4)
				sims[a*m+b], sims[b*m+a] = v, v
			}
		}
		join := float32(0.2 + 0.4*rng.Float64())
		want := slowAverageLinkage(sims, m, join)
		size := make([]float64, m)
		for k := range size {
			size[k] = 1
		}
		got := averageLinkage(slices.Clone(sims), size, m, join)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("trial %d (%d groups, join at %.2f): roots (-want +got):\n%s", trial, m, join, diff)
		}
	}
}

// slowAverageLinkage is average linkage from the definition; it returns each item's smallest fellow.
func slowAverageLinkage(sims []float32, m int, join float32) []int32 {
	var groups [][]int
	for i := range m {
		groups = append(groups, []int{i})
	}
	for {
		ba, bb, best := -1, -1, math.Inf(-1)
		for a := range groups {
			for b := range a {
				var sum float64
				for _, i := range groups[a] {
					for _, j := range groups[b] {
						sum += float64(sims[i*m+j])
					}
				}
				if v := sum / float64(len(groups[a])*len(groups[b])); v > best {
					ba, bb, best = a, b, v
				}
			}
		}
		if ba < 0 || best < float64(join) {
			break
		}
		groups[bb] = append(groups[bb], groups[ba]...)
		groups = slices.Delete(groups, ba, ba+1)
	}
	root := make([]int32, m)
	for _, g := range groups {
		for _, i := range g {
			root[i] = int32(slices.Min(g))
		}
	}
	return root
}

// TestNearestAcrossCells: the neighbours found in a gap's own cell and, near a border, the next are
// nearly all its true nearest neighbours.
func TestNearestAcrossCells(t *testing.T) {
	defer SetBlocks(150, 400)()
	items := syntheticGaps(3000, 32, 60, 6)
	s := newSpace(items, analysis.New("en"))
	cs := cells(s.n, s.dim, s.unitCentred, 0)
	if len(cs) < 10 {
		t.Fatalf("%d cells, want many", len(cs))
	}
	second, margin := secondCells(cs, s.n, s.dim, s.unitCentred)
	got := s.nearest(cs, second, margin)
	all := make([]int32, s.n)
	for i := range all {
		all[i] = int32(i)
	}
	none := make([]int32, s.n)
	for i := range none {
		none[i] = -1
	}
	want := s.nearest([][]int32{all}, none, margin)
	found, total := 0, 0
	for i := range s.n {
		for _, w := range want[i*neighbours : (i+1)*neighbours] {
			if w.j < 0 || w.s < neighbourSimilarity {
				continue // only close neighbours count
			}
			total++
			if slices.ContainsFunc(got[i*neighbours:(i+1)*neighbours], func(x neighbour) bool { return x.j == w.j }) {
				found++
			}
		}
	}
	if recall := float64(found) / float64(total); recall < 0.9 {
		t.Errorf("found %d of %d close neighbours (%.3f), want at least 0.9", found, total, recall)
	}
}

func BenchmarkClusterByMeaning(b *testing.B) {
	items := syntheticGaps(20000, 512, 400, 2)
	an := analysis.New("en")
	b.ReportAllocs()
	for b.Loop() {
		Cluster(items, an)
	}
	b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Seconds(), "gaps/s")
}

// TestDistinctKeys: topics that share their three strongest words take their next ones, or a place,
// until no two share a key; a topic alone with its key keeps it.
func TestDistinctKeys(t *testing.T) {
	topic := func(terms ...string) heed.Topic {
		return heed.Topic{Terms: terms, Key: strings.Join(slices.Sorted(slices.Values(terms[:min(3, len(terms))])), " ")}
	}
	tests := []struct {
		name   string
		topics []heed.Topic
		want   []string
	}{
		{"distinct keys stay", []heed.Topic{topic("card", "pending", "top"), topic("card", "declin", "pay")},
			[]string{"card pending top", "card declin pay"}},
		{"the fourth word tells them apart", []heed.Topic{topic("card", "pending", "top", "fail"), topic("card", "pending", "top", "revert")},
			[]string{"card fail pending top", "card pending revert top"}},
		{"the first to run out of words keeps the key", []heed.Topic{topic("card", "pending", "top"), topic("card", "pending", "top", "revert")},
			[]string{"card pending top", "card pending revert top"}},
		{"a place when the words run out", []heed.Topic{topic("card", "pending", "top"), topic("card", "pending", "top"), topic("card", "pending", "top")},
			[]string{"card pending top", "card pending top #2", "card pending top #3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			distinctKeys(tt.topics)
			var got []string
			for _, tp := range tt.topics {
				got = append(got, tp.Key)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			for k, tp := range tt.topics {
				if !TopicMatches(tp, tp.Key) {
					t.Errorf("topic %d no longer matches its key %q", k, tp.Key)
				}
			}
		})
	}
}

// TestClusterLooksPastTheFrame: search suggestions repeat their seed ("lark e-bike ..."), and what most
// gaps carry must not make a topic of requests that ask different things about it, while requests
// that ask the same thing of two products still meet. The old centring on the mean of all made one
// topic of most of the "lark e-bike" requests below.
func TestClusterLooksPastTheFrame(t *testing.T) {
	texts := map[string]float64{
		"lark e-bike 2026": 1, "lark e-bike top speed": 1, "what is the lark e-bike top speed": 1,
		"lark e-bike with trailer": 1, "lark e-bike can you ride in rain": 1,
		"can you ride a lark e-bike in the rain": 1, "lark e-bike insurance": 1, "lark e-bike insurance uk": 1,
		"lark e-bike student discount": 1, "lark e-bike discount code": 1, "lark e-bike kickstand": 1,
		"lark e-bike motor noise": 1,
		"lark battery life":       1, "lark battery drains fast": 1, "lark battery disposal": 1,
		"lark battery recycling": 1, "lark battery key lost": 1,
		"lark cargo child seat": 1, "lark cargo two kids": 1, "lark cargo max weight": 1,
		"lark cargo insurance": 1, "lark cargo kickstand": 1,
	}
	topicOf := map[string]int{}
	for k, tp := range Cluster(meaningItems(t, texts), analysis.New("en")) {
		for _, text := range tp.Texts {
			topicOf[text] = k
		}
	}
	together := [][2]string{
		{"lark e-bike insurance", "lark cargo insurance"},
		{"lark e-bike insurance", "lark e-bike insurance uk"},
		{"lark e-bike discount code", "lark e-bike student discount"},
		{"lark e-bike top speed", "what is the lark e-bike top speed"},
		{"lark e-bike can you ride in rain", "can you ride a lark e-bike in the rain"},
		{"lark battery life", "lark battery drains fast"},
		{"lark cargo child seat", "lark cargo two kids"},
		{"lark e-bike kickstand", "lark cargo kickstand"},
	}
	for _, p := range together {
		if topicOf[p[0]] != topicOf[p[1]] {
			t.Errorf("%q and %q ask the same: want one topic", p[0], p[1])
		}
	}
	apart := [][2]string{
		{"lark e-bike 2026", "lark e-bike top speed"},
		{"lark e-bike insurance", "lark e-bike discount code"},
		{"lark e-bike kickstand", "lark e-bike motor noise"},
		{"lark e-bike 2026", "lark e-bike insurance"},
		{"lark battery life", "lark battery disposal"},
		{"lark battery key lost", "lark battery life"},
		{"lark cargo max weight", "lark cargo insurance"},
		{"lark e-bike with trailer", "lark e-bike insurance"},
		{"lark e-bike motor noise", "lark e-bike top speed"},
	}
	for _, p := range apart {
		if topicOf[p[0]] == topicOf[p[1]] {
			t.Errorf("%q and %q ask different things: want two topics", p[0], p[1])
		}
	}
}

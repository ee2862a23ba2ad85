package triage

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
)

// GapItem is one gap request to group into topics.
type GapItem struct {
	Key    string
	Text   string
	Class  heed.Classification
	Kind   heed.GapKind
	Demand float64
	// Vec is the request's sentence vector (encoder.Encode, quantised), empty without an encoder. When
	// every gap has one, the topics are made by meaning (see Cluster); it is read, never changed.
	Vec heed.Vector8
}

// Clustering settings.
const (
	// joinSimilarity is the cosine similarity a request needs with a topic's centroid to join it.
	// Requests that share their informative words ("ebike battery range", "how far does the ebike go on a
	// battery") meet it; requests that share only a brand or a common word do not.
	joinSimilarity = 0.4
	// A term in more than commonShare of the gaps (and more than commonMin of them) is left out of
	// the comparison.
	commonShare = 0.08
	commonMin   = 4
	// minShared is how many terms a request must share with a topic to join it (all of them when it
	// or the topic has fewer).
	minShared = 2
	// keyTerms is how many of a topic's strongest terms make its key, and topicTerms how many it lists.
	keyTerms   = 3
	topicTerms = 6
	// maxBgWeight caps the background weight of a word: a word absent from the background corpus is
	// informative, but no more than a rare one.
	maxBgWeight = 9
)

// Cluster groups gap requests into topics a writer can answer with one page each, highest demand first.
// When every gap has a sentence vector (of one length), topics are made by meaning (clusterByMeaning);
// otherwise by shared words (clusterByWords). Each topic gets a label, a stable key (its strongest
// terms, for overrides that outlive a run), its requests best first, the intent mix, the summed demand,
// and the page type and title to write. The result does not depend on the order of items.
func Cluster(items []GapItem, an *analysis.Analyzer) []heed.Topic {
	if len(items) == 0 {
		return []heed.Topic{}
	}
	order := slices.Clone(items)
	slices.SortFunc(order, func(a, b GapItem) int {
		if c := cmp.Compare(b.Demand, a.Demand); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return cmp.Compare(a.Text, b.Text)
	})
	byMeaning := withVectors(order)
	var out []heed.Topic
	if byMeaning {
		out = clusterByMeaning(order, an)
	} else {
		out = clusterByWords(order, an)
	}
	slices.SortStableFunc(out, func(a, b heed.Topic) int {
		if c := cmp.Compare(b.Demand, a.Demand); c != 0 {
			return c
		}
		if c := cmp.Compare(len(b.Requests), len(a.Requests)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return cmp.Compare(a.Requests[0], b.Requests[0])
	})
	if byMeaning {
		distinctKeys(out)
	}
	return out
}

// clusterByWords groups gaps, most demanded first (order), by the words that matter: requests that
// share at least two of them, weighted by how rare they are in ordinary language, with synonyms as one
// word and the words too many gaps carry (a brand name, the main product) left out so that they do not
// glue everything together. A topic's label is its most demanded request.
func clusterByWords(order []GapItem, an *analysis.Analyzer) []heed.Topic {
	terms, df := termsOf(order, an)
	c := clusterer{bg: an.BackgroundIDF(), byTerm: map[string][]int{}, vec: map[string]float64{}}
	// Words a large share of the gaps carry (the brand, the main product) tell no topic apart.
	common := max(commonMin, int(commonShare*float64(len(order))))
	for i := range order {
		c.add(i, terms[i], df, common)
	}
	out := make([]heed.Topic, 0, len(c.topics))
	for _, tp := range c.topics {
		out = append(out, tp.topic(order))
	}
	return out
}

// termsOf are each item's terms, with synonyms as one, and how many items hold each term.
func termsOf(order []GapItem, an *analysis.Analyzer) ([][]string, map[string]int) {
	terms := make([][]string, len(order))
	df := map[string]int{}
	seenTerm := map[string]bool{}
	var toks []analysis.Token
	for i, it := range order {
		clear(seenTerm)
		toks = an.Analyze(toks[:0], it.Text)
		for _, tok := range toks {
			if tok.Form == analysis.Part {
				continue // "e-bike" is "ebike", not also "e" and "bike"
			}
			// Synonyms are one word here: "jobs" and "careers" are one topic.
			t := an.Canonical(tok.Term)
			if !seenTerm[t] {
				seenTerm[t] = true
				terms[i] = append(terms[i], t)
				df[t]++
			}
		}
	}
	return terms, df
}

// topic is a cluster being built. Its centroid is the mean of its members' unit vectors; it is kept as
// their sum (and the sum's squared length), which points the same way, so that a member joins in the
// time of its own terms rather than of all the topic's.
type topic struct {
	members []int
	sum     map[string]float64
	sq      float64
}

// clusterer adds gaps, most demanded first, to the topic they are nearest, or to a new one.
type clusterer struct {
	bg     map[string]float64
	topics []*topic
	byTerm map[string][]int   // term -> topics whose centroid holds it
	tried  []int              // per topic: the last gap it was tried for, plus one
	vec    map[string]float64 // the gap being added
}

// weight is a term's rarity in ordinary language; among the gaps, only the words that too many of them
// carry are left out, since a word rare among a few gaps is no sign of a topic.
func (c *clusterer) weight(t string) float64 {
	if c.bg == nil {
		return 1
	}
	if w, ok := c.bg[t]; ok {
		return min(w, maxBgWeight)
	}
	return maxBgWeight
}

// add puts the i-th gap, with terms, in its topic.
func (c *clusterer) add(i int, terms []string, df map[string]int, common int) {
	vec := c.vec
	clear(vec)
	var norm float64
	for _, t := range terms {
		if df[t] > common {
			continue
		}
		w := c.weight(t)
		vec[t] = w
		norm += w * w
	}
	norm = math.Sqrt(norm)
	best, bestSim := -1, 0.0
	if norm > 0 {
		best, bestSim = c.nearest(i, norm)
	}
	if best < 0 || bestSim < joinSimilarity {
		c.topics = append(c.topics, &topic{sum: map[string]float64{}})
		c.tried = append(c.tried, 0)
		best = len(c.topics) - 1
	}
	tp := c.topics[best]
	tp.members = append(tp.members, i)
	for t, w := range vec {
		old, ok := tp.sum[t]
		if !ok {
			c.byTerm[t] = append(c.byTerm[t], best)
		}
		if norm > 0 {
			d := w / norm
			tp.sum[t] = old + d
			tp.sq += 2*old*d + d*d
		}
	}
}

// nearest is the topic whose centroid is most similar to the i-th gap's vector (of length norm) among
// those sharing enough of its terms, and the similarity; -1 when none does.
func (c *clusterer) nearest(i int, norm float64) (int, float64) {
	best, bestSim := -1, 0.0
	for t := range c.vec {
		for _, ti := range c.byTerm[t] {
			if c.tried[ti] == i+1 {
				continue
			}
			c.tried[ti] = i + 1
			tp := c.topics[ti]
			var dot float64
			shared := 0
			for t2, w := range c.vec {
				if s, ok := tp.sum[t2]; ok {
					dot += w * s
					shared++
				}
			}
			// One shared word is no topic: "snow tyres for ebikes" is not about "ebike lease".
			if shared < min(minShared, len(c.vec), len(tp.sum)) {
				continue
			}
			if sim := dot / (norm * math.Sqrt(tp.sq)); sim > bestSim || sim == bestSim && best >= 0 && ti < best {
				best, bestSim = ti, sim
			}
		}
	}
	return best, bestSim
}

// topic is the finished topic: its label, key, members, intent mix, demand, page type and title.
func (tp *topic) topic(order []GapItem) heed.Topic {
	lead := order[tp.members[0]]
	t := tally(order, tp.members)
	t.Label = lead.Text
	t.Terms = strongest(tp.sum, topicTerms)
	t.Key = strings.Join(slices.Sorted(slices.Values(t.Terms[:min(len(t.Terms), keyTerms)])), " ")
	if t.Key == "" {
		t.Key = heed.Normalize(lead.Text)
	}
	t.Title = suggestTitle(lead)
	return t
}

// tally is a topic's members (their keys and texts, in order), intent mix, gap kinds, summed demand and
// the page type to write, whichever way the topic was found.
func tally[I int | int32](order []GapItem, members []I) heed.Topic {
	t := heed.Topic{Intents: map[heed.Intent]int{}, Kinds: map[heed.GapKind]int{}}
	var demand float64
	classes := make([]heed.Classification, 0, len(members))
	for _, m := range members {
		it := order[m]
		t.Requests = append(t.Requests, it.Key)
		t.Texts = append(t.Texts, it.Text)
		t.Intents[it.Class.Intent]++
		t.Kinds[it.Kind]++
		demand += it.Demand
		classes = append(classes, it.Class)
	}
	t.Demand = heed.Round(demand, 2)
	t.PageType = SuggestPageType(classes)
	return t
}

// strongest returns a centroid's n strongest terms, strongest first.
func strongest(centroid map[string]float64, n int) []string {
	ts := make([]string, 0, len(centroid))
	for t := range centroid {
		ts = append(ts, t)
	}
	// Weights equal but for rounding (sums taken in another order) are a tie, broken alphabetically:
	// a topic's key must not hang on the last bits of a float.
	w := make(map[string]float64, len(centroid))
	for t, x := range centroid {
		w[t] = roundSig(x, 9)
	}
	slices.SortFunc(ts, func(a, b string) int {
		if c := cmp.Compare(w[b], w[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return ts[:min(len(ts), n)]
}

// roundSig rounds x to d significant digits.
func roundSig(x float64, d int) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	p := math.Pow(10, float64(d)-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

// TopicMatches reports whether a topic is the one a stored topic key names: a topic's key is its three
// strongest terms, and a topic that gained or lost requests since still holds at least two of them
// among its strongest terms. A content team's decision on a topic so outlives the run it was made in.
func TopicMatches(t heed.Topic, key string) bool {
	if t.Key == key {
		return true
	}
	want := strings.Fields(key)
	if len(want) == 0 {
		return false
	}
	n := 0
	for _, w := range want {
		if slices.Contains(t.Terms, w) {
			n++
		}
	}
	return n >= min(2, len(want)) && n*3 >= len(want)*2
}

// SuggestPageType is the kind of page a writer should create for a group of requests: the one that suits
// most of them (see PageTypeFits), the first request's when they split evenly.
func SuggestPageType(classes []heed.Classification) heed.PageType {
	if len(classes) == 0 {
		return heed.PageArticle
	}
	votes := map[heed.PageType]int{}
	for _, c := range classes {
		votes[suggestOne(c)]++
	}
	// Ties go to what the first (most demanded) request needs.
	best := suggestOne(classes[0])
	bestN := votes[best]
	for _, t := range heed.PageTypes {
		if votes[t] > bestN {
			best, bestN = t, votes[t]
		}
	}
	return best
}

func suggestOne(c heed.Classification) heed.PageType {
	if n, ok := heed.ModifierNeed(c); ok {
		return n.Types[0]
	}
	switch c.Intent {
	case heed.Transactional:
		return heed.PageProduct
	case heed.Commercial:
		if slices.Contains(c.Modifiers, heed.ModBest) || slices.Contains(c.Modifiers, heed.ModReview) {
			return heed.PageComparison
		}
		return heed.PageProduct
	case heed.Navigational:
		return heed.PageSupport
	}
	switch c.QuestionType {
	case heed.QHowTo:
		return heed.PageGuide
	case heed.QTroubleshooting:
		if slices.Contains(c.Modifiers, heed.ModHowTo) {
			return heed.PageGuide
		}
		return heed.PageSupport
	case heed.QComparison:
		return heed.PageComparison
	case heed.QNone:
		return heed.PageArticle
	}
	return heed.PageFAQ
}

// suggestTitle turns a topic's leading request into a working title: capitalised, and ending in a
// question mark when it asks one.
func suggestTitle(it GapItem) string {
	s := strings.Join(strings.Fields(it.Text), " ")
	if s == "" {
		return s
	}
	r, size := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[size:]
	if q := it.Class.QuestionType; q != heed.QNone && q != "" && !strings.HasSuffix(s, "?") {
		s += "?"
	}
	return s
}

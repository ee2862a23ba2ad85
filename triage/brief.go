package triage

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/encoder"
)

// The brief of a topic by meaning.
const (
	// titleCandidates is how many of the requests nearest a topic's centre may give it its title.
	titleCandidates = 5
	// titleWords: a request of more words makes a title only when no shorter one is near the centre.
	titleWords = 12
	// maxOutline bounds a topic's outline.
	maxOutline = 8
	// outlineSame: two requests at least this similar (as clusterByMeaning compares them, before
	// smoothing) ask the same question. On the development sets, an outline so names 88% (BANKING77)
	// and 94% (CLINC150) of the intents that two or more of a topic's requests ask.
	outlineSame = 0.45
)

// topic is the brief of the topic made of the gaps members (ascending, so most demanded first).
func (s *space) topic(order []GapItem, members []int32) heed.Topic {
	lead := order[members[0]]
	t := tally(order, members)
	central := s.byCentrality(members)
	t.Label = order[central[0]].Text
	t.Title = title(order, central)
	t.Outline, _ = s.outline(order, outlineOrder(order, central))
	t.Terms = strongest(s.wordCentroid(members), topicTerms)
	t.Key = strings.Join(slices.Sorted(slices.Values(t.Terms[:min(len(t.Terms), keyTerms)])), " ")
	if t.Key == "" {
		t.Key = heed.Normalize(lead.Text)
	}
	return t
}

// byCentrality returns members from the nearest to the topic's centre (the mean of their vectors as
// clusterByMeaning compares them before smoothing) to the farthest; equals keep their order (demand).
func (s *space) byCentrality(members []int32) []int32 {
	if len(members) == 1 {
		return members
	}
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	dense, row := sc.dense(s.dim), sc.row(s.dim)
	sparse := sc.sparse()
	for _, m := range members {
		s.centred(row, int(m))
		for d, x := range row {
			dense[d] += float64(x)
		}
		for _, tw := range s.lex[m] {
			sparse[tw.term] += float64(tw.w)
		}
	}
	sim := make([]float64, len(members))
	for k, m := range members {
		s.centred(row, int(m))
		var v float64
		for d, x := range row {
			v += float64(x) * dense[d]
		}
		for _, tw := range s.lex[m] {
			v += float64(tw.w) * sparse[tw.term]
		}
		sim[k] = roundSig(v, 9) // equal but for the order of the sums is equal
	}
	order := make([]int, len(members))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sim[b], sim[a]) })
	out := make([]int32, len(members))
	for k, o := range order {
		out[k] = members[o]
	}
	return out
}

// scratch is the working space of one topic's brief, kept for the next.
type scratch struct {
	d    []float64
	a, b []float32
	m    map[int32]float64
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// dense returns n zeros.
func (sc *scratch) dense(n int) []float64 {
	if cap(sc.d) < n {
		sc.d = make([]float64, n)
	}
	sc.d = sc.d[:n]
	clear(sc.d)
	return sc.d
}

// row and other return two rows of n floats.
func (sc *scratch) row(n int) []float32   { return grow(&sc.a, n) }
func (sc *scratch) other(n int) []float32 { return grow(&sc.b, n) }

// sparse returns an empty map.
func (sc *scratch) sparse() map[int32]float64 {
	if sc.m == nil {
		sc.m = map[int32]float64{}
	}
	clear(sc.m)
	return sc.m
}

// title is a page title from one of the requests nearest the topic's centre (central, nearest first): a
// question before a statement, one of at most titleWords words before a longer one, then the nearest;
// tidied, never reworded.
func title(order []GapItem, central []int32) string {
	rank := func(i int32) int {
		r := 0
		if !isQuestion(order[i]) {
			r += 2
		}
		if len(strings.Fields(order[i].Text)) > titleWords {
			r++
		}
		return r
	}
	best := central[0]
	for _, c := range central[1:min(len(central), titleCandidates)] {
		if rank(c) < rank(best) {
			best = c
		}
	}
	return tidy(order[best])
}

// outlineOrder is the order in which requests may enter the outline: the most demanded first; among
// equals, one of at most titleWords words before a longer one, then the nearer the centre (central is
// the members from the nearest).
func outlineOrder(order []GapItem, central []int32) []int32 {
	out := slices.Clone(central)
	long := func(i int32) bool { return len(strings.Fields(order[i].Text)) > titleWords }
	slices.SortStableFunc(out, func(a, b int32) int {
		if c := cmp.Compare(order[b].Demand, order[a].Demand); c != 0 {
			return c
		}
		switch {
		case !long(a) && long(b):
			return -1
		case long(a) && !long(b):
			return 1
		}
		return 0
	})
	return out
}

// outline is the distinct questions among the candidates, in their order: a request joins it unless it
// asks what one already in it asks (the two are at least outlineSame similar). It returns the lines and
// the requests they come from.
func (s *space) outline(order []GapItem, cands []int32) ([]string, []int32) {
	if len(cands) == 1 {
		return []string{tidy(order[cands[0]])}, cands
	}
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	a, b := sc.row(s.dim), sc.other(s.dim)
	var out []string
	var taken []int32
	for _, m := range cands {
		s.centred(a, int(m))
		same := false
		for _, t := range taken {
			s.centred(b, int(t))
			if sim := float64(encoder.Dot(a, b)) + sparseDot(s.lex[m], s.lex[t]); sim >= outlineSame {
				same = true
				break
			}
		}
		if same {
			continue
		}
		taken = append(taken, m)
		out = append(out, tidy(order[m]))
		if len(out) == maxOutline {
			break
		}
	}
	return out, taken
}

// wordCentroid is the sum of the members' word vectors as the lexical topics weigh them (background
// weight, the words too many gaps carry left out), for the topic's terms and key.
func (s *space) wordCentroid(members []int32) map[string]float64 {
	c := clusterer{bg: s.bg}
	common := max(commonMin, int(commonShare*float64(s.n)))
	sum := map[string]float64{}
	for _, m := range members {
		var norm float64
		for _, t := range s.terms[m] {
			if s.df[t] <= common {
				norm += c.weight(t) * c.weight(t)
			}
		}
		for _, t := range s.terms[m] {
			if s.df[t] <= common {
				sum[t] += c.weight(t) / math.Sqrt(norm)
			}
		}
	}
	return sum
}

// distinctKeys gives topics that share a key (two topics by meaning may have the same three strongest
// words) keys of their own: each of them takes its next strongest terms, one at a time, while it shares
// its key with another; topics that run out of terms are told apart by their place (#2, #3, ...) in
// topics (by demand). A key so still names its topic for TopicMatches.
func distinctKeys(topics []heed.Topic) {
	for n := keyTerms + 1; ; n++ {
		shared := map[string][]int{}
		for k, t := range topics {
			shared[t.Key] = append(shared[t.Key], k)
		}
		more := false
		for _, ks := range shared {
			if len(ks) < 2 {
				continue
			}
			for place, k := range ks {
				t := &topics[k]
				switch {
				case n <= len(t.Terms):
					t.Key = strings.Join(slices.Sorted(slices.Values(t.Terms[:n])), " ")
					more = true
				case place > 0 && n == len(t.Terms)+1:
					t.Key += " #" + strconv.Itoa(place+1)
				}
			}
		}
		if !more {
			return
		}
	}
}

// isQuestion reports whether the classifier took the request for a question.
func isQuestion(it GapItem) bool {
	q := it.Class.QuestionType
	return q != heed.QNone && q != "" || strings.HasSuffix(strings.TrimSpace(it.Text), "?")
}

// tidy is a request as a heading: spaces collapsed, capitalised, ending in a question mark when it asks
// one and in no full stop.
func tidy(it GapItem) string {
	s := strings.TrimRight(strings.Join(strings.Fields(it.Text), " "), ".!")
	if s == "" {
		return s
	}
	s = suggestTitle(GapItem{Text: s})
	if isQuestion(it) && !strings.HasSuffix(s, "?") {
		s += "?"
	}
	return s
}

// sparseDot is the dot product of two sparse vectors.
func sparseDot(a, b []termWeight) float64 {
	var s float64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].term < b[j].term:
			i++
		case a[i].term > b[j].term:
			j++
		default:
			s += float64(a[i].w) * float64(b[j].w)
			i++
			j++
		}
	}
	return s
}

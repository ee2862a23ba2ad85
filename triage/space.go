package triage

import (
	"math"
	"slices"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
)

// termWeight is one term of a sparse vector; a vector is a list of them by ascending term.
type termWeight struct {
	term int32
	w    float32
}

// space is the gaps as they are compared by meaning. A gap is the concatenation of two unit vectors
// weighted √meaningWeight and √(1-meaningWeight): its sentence vector, centred on the mean of the set's
// (the direction that all of one site's requests share says nothing about which of them belong
// together; for a small set the mean is shrunk toward zero, see meanPrior), and its words, each weighted
// by how rare it is both in ordinary language and among the gaps. The dot product of two gaps is so
// meaningWeight·(cosine of meanings) + (1-meaningWeight)·(cosine of words).
type space struct {
	n, dim int
	vecs   []heed.Vector8 // the gaps' sentence vectors, in the order of the gaps
	// means are the means gaps are centred on: means[0] that of all, then one for each frame (see
	// frames); frameOf is each gap's.
	means   [][]float32
	frameOf []int32
	share   []float32      // how much of its frame's mean, beyond the mean of all, a gap is centred on
	scale   []float32      // √meaningWeight over the length of each vector less the mean (0 for none)
	lex     [][]termWeight // each gap's words, of length √(1-meaningWeight) (or none)
	terms   [][]string     // each gap's terms, synonyms as one (for topic keys)
	df      map[string]int // in how many gaps each term is
	bg      map[string]float64
	// After smooth: each gap's neighbours (see nearest), the scale of its smoothed vector and its word part.
	nb          []neighbour
	smoothScale []float32
	smoothLex   [][]termWeight
}

// newSpace puts the gaps in their space; every gap has a vector of the same length.
func newSpace(order []GapItem, an *analysis.Analyzer) *space {
	s := &space{n: len(order), dim: order[0].Vec.Len(), vecs: make([]heed.Vector8, len(order))}
	for i, it := range order {
		s.vecs[i] = it.Vec
	}
	s.terms, s.df = termsOf(order, an)
	s.frames(order)
	s.scale = make([]float32, s.n)
	parallelChunks(s.n, func(lo, hi int) {
		row := make([]float32, s.dim)
		for i := lo; i < hi; i++ {
			clear(row)
			s.addCentred(row, i, 1)
			var norm float64
			for _, c := range row {
				norm += float64(c) * float64(c)
			}
			if norm > 0 {
				s.scale[i] = float32(math.Sqrt(meaningWeight / norm))
			}
		}
	})
	s.bg = an.BackgroundIDF()
	s.lex = s.lexical()
	return s
}

// frames sets the means the gaps are centred on. A gap's frame is the set of the words it carries that
// many gaps carry (more than commonShare of them, the words the word part leaves out): the brand and
// product of "lark e-bike top speed", "lark e-bike 2026" and "lark e-bike with trailer", the seed that
// search suggestions repeat. Such a frame pulls the sentences that share it together whatever else they
// ask, so a gap is centred on the mean of its frame's gaps (drawn toward the mean of all by framePrior
// gaps' worth) as far as the frame is what the gap says (frameShare), and what is left is what it asks
// about the brand. A gap that carries none of those words is centred on the mean of all, itself drawn
// toward zero by meanPrior gaps' worth in a small set.
func (s *space) frames(order []GapItem) {
	common := max(commonMin, int(commonShare*float64(s.n)))
	s.frameOf = make([]int32, s.n)
	s.share = make([]float32, s.n)
	ids := map[string]int32{}
	var sums [][]float64
	var counts []int
	all := make([]float64, s.dim)
	add := func(sum []float64, v heed.Vector8) {
		for d, x := range v.Q {
			sum[d] += float64(x) * float64(v.Scale)
		}
	}
	var key []string
	for i, ts := range s.terms {
		v := s.vecs[i]
		add(all, v)
		key = key[:0]
		for _, t := range ts {
			if s.df[t] > common {
				key = append(key, t)
			}
		}
		if len(key) == 0 {
			continue
		}
		slices.Sort(key)
		k := strings.Join(key, "\x00")
		id, ok := ids[k]
		if !ok {
			id = int32(len(sums) + 1)
			ids[k] = id
			sums, counts = append(sums, make([]float64, s.dim)), append(counts, 0)
		}
		s.frameOf[i] = id
		s.share[i] = frameShare(len(key), len(strings.Fields(order[i].Text)))
		add(sums[id-1], v)
		counts[id-1]++
	}
	global := make([]float32, s.dim)
	for d := range global {
		global[d] = float32(all[d] / (float64(s.n) + meanPrior))
	}
	s.means = append(make([][]float32, 0, len(sums)+1), global)
	for f, sum := range sums {
		m := make([]float32, s.dim)
		for d := range m {
			m[d] = float32((sum[d] + framePrior*float64(global[d])) / (float64(counts[f]) + framePrior))
		}
		s.means = append(s.means, m)
	}
}

// lexical are the gaps' word vectors. A word's weight is the geometric mean of its rarity in ordinary
// language (its background weight, as the lexical topics use) and among these gaps (log n/df): a word
// rare in English but carried by every gap tells them apart no better than one common in both. Words
// that too many gaps carry are left out, as in the lexical topics.
func (s *space) lexical() [][]termWeight {
	c := clusterer{bg: s.bg}
	common := max(commonMin, int(commonShare*float64(s.n)))
	ids := map[string]int32{}
	out := make([][]termWeight, s.n)
	scale := math.Sqrt(1 - meaningWeight)
	for i, ts := range s.terms {
		var v []termWeight
		var norm float64
		for _, t := range ts {
			df := s.df[t]
			if df > common {
				continue
			}
			w := math.Sqrt(c.weight(t) * math.Log(float64(s.n)/float64(df)))
			if w == 0 {
				continue
			}
			id, ok := ids[t]
			if !ok {
				id = int32(len(ids))
				ids[t] = id
			}
			v = append(v, termWeight{id, float32(w)})
			norm += w * w
		}
		for k := range v {
			v[k].w = float32(float64(v[k].w) / math.Sqrt(norm) * scale)
		}
		slices.SortFunc(v, func(a, b termWeight) int { return int(a.term - b.term) })
		out[i] = v
	}
	return out
}

// frameShare is how far a gap of words words, frame of them, is centred on its frame's mean rather than
// the mean of all: a sentence vector is much like a mean over its words, so a frame weighs in it about
// its share of the words; the share is raised to the power 1.5, which keeps sentences that name their
// product once among many words ("why has my card not arrived yet") close to the mean of all. Chosen on
// the development splits and the demo (TestTopicsOnSharedData, TestClusterLooksPastTheFrame).
func frameShare(frame, words int) float32 {
	sh := min(1, float64(frame)/float64(max(1, words)))
	return float32(sh * math.Sqrt(sh))
}

// centred writes gap i's sentence vector, less the mean of all and scaled to length √meaningWeight,
// into dst.
func (s *space) centred(dst []float32, i int) {
	clear(dst)
	s.addCentred(dst, i, s.scale[i])
}

// addCentred adds gap i's sentence vector, less its frame's mean, times f to dst.
func (s *space) addCentred(dst []float32, i int, f float32) {
	v, global, mean, a := s.vecs[i], s.means[0][:len(dst)], s.means[s.frameOf[i]][:len(dst)], s.share[i]
	q, vs := v.Q[:len(dst)], v.Scale
	for d := range dst {
		dst[d] += (float32(q[d])*vs - global[d] - a*(mean[d]-global[d])) * f
	}
}

// unitCentred is centred scaled to unit length, for cutting the gaps into cells.
func (s *space) unitCentred(dst []float32, i int) {
	s.centred(dst, i)
	scale := float32(1 / math.Sqrt(meaningWeight))
	for d := range dst {
		dst[d] *= scale
	}
}

// posting is one column's weight for a term.
type posting struct {
	col int32
	w   float32
}

// addLexical adds to sims (len(rows) × len(cols), row-major) the dot products of the rows' and the
// columns' sparse vectors; post is scratch space.
func addLexical(sims []float32, rows, cols [][]termWeight, post map[int32][]posting) {
	for t, ps := range post {
		post[t] = ps[:0]
	}
	for c, v := range cols {
		for _, tw := range v {
			post[tw.term] = append(post[tw.term], posting{int32(c), tw.w})
		}
	}
	nc := len(cols)
	for r, v := range rows {
		out := sims[r*nc : (r+1)*nc]
		for _, tw := range v {
			for _, p := range post[tw.term] {
				out[p.col] += tw.w * p.w
			}
		}
	}
}

// appendSum appends to dst the sum of the sparse vectors whose terms are in parts (in any order, a term
// perhaps more than once), by ascending term; parts is sorted on the way.
func appendSum(dst, parts []termWeight) []termWeight {
	slices.SortFunc(parts, func(a, b termWeight) int { return int(a.term - b.term) })
	for k, tw := range parts {
		if k > 0 && tw.term == parts[k-1].term {
			dst[len(dst)-1].w += tw.w
			continue
		}
		dst = append(dst, tw)
	}
	return dst
}

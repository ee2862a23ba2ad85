package triage

import (
	"math"
	"slices"

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
	vecs   [][]float32    // the gaps' sentence vectors, in the order of the gaps
	mean   []float32      // their mean
	scale  []float32      // √meaningWeight over the length of each vector less the mean (0 for none)
	lex    [][]termWeight // each gap's words, of length √(1-meaningWeight) (or none)
	terms  [][]string     // each gap's terms, synonyms as one (for topic keys)
	df     map[string]int // in how many gaps each term is
	bg     map[string]float64
	// After smooth: each gap's neighbours (see nearest), the scale of its smoothed vector and its word part.
	nb          []neighbour
	smoothScale []float32
	smoothLex   [][]termWeight
}

// newSpace puts the gaps in their space; every gap has a vector of the same length.
func newSpace(order []GapItem, an *analysis.Analyzer) *space {
	s := &space{n: len(order), dim: len(order[0].Vec), vecs: make([][]float32, len(order))}
	sum := make([]float64, s.dim)
	for i, it := range order {
		s.vecs[i] = it.Vec
		for d, x := range it.Vec {
			sum[d] += float64(x)
		}
	}
	s.mean = make([]float32, s.dim)
	for d := range s.mean {
		s.mean[d] = float32(sum[d] / (float64(s.n) + meanPrior))
	}
	s.scale = make([]float32, s.n)
	parallelChunks(s.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var norm float64
			for d, x := range s.vecs[i] {
				c := float64(x - s.mean[d])
				norm += c * c
			}
			if norm > 0 {
				s.scale[i] = float32(math.Sqrt(meaningWeight / norm))
			}
		}
	})
	s.terms, s.df = termsOf(order, an)
	s.bg = an.BackgroundIDF()
	s.lex = s.lexical()
	return s
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

// centred writes gap i's sentence vector, less the mean of all and scaled to length √meaningWeight,
// into dst.
func (s *space) centred(dst []float32, i int) {
	v, mean, scale := s.vecs[i], s.mean[:len(dst)], s.scale[i]
	v = v[:len(dst)]
	for d := range dst {
		dst[d] = (v[d] - mean[d]) * scale
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

package triage

import (
	"cmp"
	"math"
	"slices"

	"github.com/heed-dev/heed/encoder"
)

// neighbour is another gap and how similar it is.
type neighbour struct {
	j int32
	s float32
}

// better orders neighbours most similar first, then by position.
func better(a, b neighbour) int {
	switch {
	case a.s > b.s:
		return -1
	case a.s < b.s:
		return 1
	}
	return int(a.j - b.j)
}

// nearest finds each gap's nearest neighbours (at most neighbours of them), most similar first: row i of
// the result (nb[i*neighbours:(i+1)*neighbours]) holds gap i's, and an empty place has j -1. A gap is
// compared with the gaps of its own cell and, when it lies near the border (its own cell's centre is less
// than borderMargin nearer than the next cell's), with those of the next cell too: cell c is searched
// for its own gaps and for the gaps near its border that it is next to (at most as many as it has of its
// own, the nearest to the border first).
func (s *space) nearest(cs [][]int32, second []int32, margin []float32) []neighbour {
	guests := make([][]int32, len(cs))
	for i, c := range second {
		if c >= 0 && margin[i] < borderMargin {
			guests[c] = append(guests[c], int32(i))
		}
	}
	for c, g := range guests {
		if len(g) > len(cs[c]) {
			slices.SortStableFunc(g, func(a, b int32) int { return cmp.Compare(margin[a], margin[b]) })
			guests[c] = g[:len(cs[c])]
		}
	}
	// A gap's neighbours come from two cells: its own (found[0]) and its next (found[1]).
	found := [2][]neighbour{make([]neighbour, s.n*neighbours), make([]neighbour, s.n*neighbours)}
	for k := range found[1] {
		found[0][k].j, found[1][k].j = -1, -1
	}
	parallel(len(cs), func(c int) {
		members := slices.Concat(cs[c], guests[c])
		slices.Sort(members)
		own := make(map[int32]bool, len(cs[c]))
		for _, i := range cs[c] {
			own[i] = true
		}
		s.nearestIn(members, func(i int32) []neighbour {
			f := found[1]
			if own[i] {
				f = found[0]
			}
			return f[int(i)*neighbours : int(i+1)*neighbours]
		})
	})
	all := make([]neighbour, 0, 2*neighbours)
	for i := range s.n {
		mine := found[0][i*neighbours : (i+1)*neighbours]
		all = append(append(all[:0], mine...), found[1][i*neighbours:(i+1)*neighbours]...)
		all = slices.DeleteFunc(all, func(x neighbour) bool { return x.j < 0 })
		slices.SortFunc(all, better)
		all = slices.CompactFunc(all, func(a, b neighbour) bool { return a.j == b.j })
		for k := range mine {
			mine[k] = neighbour{j: -1}
			if k < len(all) {
				mine[k] = all[k]
			}
		}
	}
	return found[0]
}

// nearestIn finds, for each of members, its nearest others among them, and writes them into the place
// dst gives for it.
func (s *space) nearestIn(members []int32, dst func(i int32) []neighbour) {
	m := len(members)
	buf := takeBuffers()
	defer giveBuffers(buf)
	cols := grow(&buf.rows, m*s.dim)
	colLex := make([][]termWeight, m)
	for k, i := range members {
		s.centred(cols[k*s.dim:(k+1)*s.dim], int(i))
		colLex[k] = s.lex[i]
	}
	sims := grow(&buf.sims, min(m, chunkRows)*m)
	post := buf.postings()
	var top []neighbour
	for lo := 0; lo < m; lo += chunkRows {
		hi := min(lo+chunkRows, m)
		block := sims[:(hi-lo)*m]
		encoder.Dots(block, cols[lo*s.dim:hi*s.dim], cols, s.dim)
		addLexical(block, colLex[lo:hi], colLex, post)
		for r := lo; r < hi; r++ {
			top = topNeighbours(top[:0], block[(r-lo)*m:(r-lo+1)*m], members, r)
			out := dst(members[r])
			for k := range out {
				out[k] = neighbour{j: -1}
				if k < len(top) {
					out[k] = top[k]
				}
			}
		}
	}
}

// topNeighbours appends to top the most similar of row's columns (but column self), as gaps.
func topNeighbours(top []neighbour, row []float32, members []int32, self int) []neighbour {
	for c, x := range row {
		if c == self {
			continue
		}
		nb := neighbour{members[c], x}
		if len(top) == neighbours && better(nb, top[len(top)-1]) >= 0 {
			continue
		}
		at, _ := slices.BinarySearchFunc(top, nb, better)
		top = slices.Insert(top, at, nb)
		if len(top) > neighbours {
			top = top[:neighbours]
		}
	}
	return top
}

// smooth draws each gap's vector toward its close neighbours: gap i becomes x_i plus 1/neighbours of
// each neighbour x_j at least neighbourSimilarity similar, scaled to unit length. A paraphrase so takes on
// what its neighbours share, and a gap with nothing close stays as it was. It keeps the neighbours, each
// gap's scale and its word part; smoothed makes the sentence part from them.
func (s *space) smooth(nb []neighbour) {
	s.nb = nb
	s.smoothScale = make([]float32, s.n)
	chunks := make([][]termWeight, (s.n+chunkRows-1)/chunkRows)
	ends := make([]int32, s.n) // where each gap's word part ends within its chunk's
	parallelChunks(s.n, func(lo, hi int) {
		row := make([]float32, s.dim)
		var words, parts []termWeight
		for i := lo; i < hi; i++ {
			parts = append(parts[:0], s.lex[i]...)
			for _, x := range s.closeTo(i) {
				for _, tw := range s.lex[x.j] {
					parts = append(parts, termWeight{tw.term, tw.w / neighbours})
				}
			}
			start := len(words)
			words = appendSum(words, parts)
			lex := words[start:]
			s.smoothScale[i] = 1
			s.smoothed(row, i)
			var norm float64
			for _, v := range row {
				norm += float64(v) * float64(v)
			}
			for _, tw := range lex {
				norm += float64(tw.w) * float64(tw.w)
			}
			if norm > 0 {
				s.smoothScale[i] = float32(1 / math.Sqrt(norm))
			}
			for k := range lex {
				lex[k].w *= s.smoothScale[i]
			}
			ends[i] = int32(len(words))
		}
		chunks[lo/chunkRows] = words
	})
	s.smoothLex = make([][]termWeight, s.n)
	for c, words := range chunks {
		words = slices.Clip(words)
		start := int32(0)
		for i := c * chunkRows; i < min((c+1)*chunkRows, s.n); i++ {
			s.smoothLex[i] = words[start:ends[i]:ends[i]]
			start = ends[i]
		}
	}
}

// closeTo is gap i's neighbours at least neighbourSimilarity similar.
func (s *space) closeTo(i int) []neighbour {
	nb := s.nb[i*neighbours : (i+1)*neighbours]
	n := 0
	for n < len(nb) && nb[n].j >= 0 && nb[n].s >= neighbourSimilarity {
		n++
	}
	return nb[:n]
}

// smoothed writes gap i's sentence part, drawn toward its close neighbours (see smooth), into dst.
func (s *space) smoothed(dst []float32, i int) {
	s.centred(dst, i)
	sc := s.smoothScale[i]
	for _, x := range s.closeTo(i) {
		s.addCentred(dst, int(x.j), s.scale[x.j]/neighbours)
	}
	for d := range dst {
		dst[d] *= sc
	}
}

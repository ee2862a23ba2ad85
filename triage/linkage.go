package triage

import (
	"math"
	"slices"
	"sync"

	"github.com/heed-dev/heed/encoder"
)

// averageLinkage joins groups while two of them have a mean similarity (over all pairs of their gaps) of
// at least joinMeaning, by the nearest-neighbour chain: sims holds the m×m mean similarities of m groups
// of size gaps each, and is overwritten. It returns each group's root: the smallest group it ended up
// joined with. Equal similarities go to the lower group, so the result depends on sims and size only.
//
// A group whose nearest is less similar than joinMeaning is set aside for good: a merged group's mean
// similarity to another lies between its parts', so it can only come closer to none.
func averageLinkage(sims []float32, size []float64, m int, join float32) []int32 {
	root := make([]int32, m)
	active := make([]bool, m)
	for i := range root {
		root[i], active[i] = int32(i), true
	}
	var chain []int
	start := 0
	for {
		if len(chain) == 0 {
			for start < m && !active[start] {
				start++
			}
			if start == m {
				break
			}
			chain = append(chain, start)
		}
		a := chain[len(chain)-1]
		prev, best, bs := -1, -1, float32(math.Inf(-1))
		if len(chain) > 1 {
			prev = chain[len(chain)-2]
			best, bs = prev, sims[a*m+prev] // a tie keeps the chain's previous group: the chain then ends
		}
		row := sims[a*m : (a+1)*m]
		for k, x := range row {
			if x > bs && k != a && active[k] {
				best, bs = k, x
			}
		}
		switch {
		case best < 0 || bs < join:
			for _, c := range chain {
				active[c] = false
			}
			chain = chain[:0]
		case best == prev:
			chain = chain[:len(chain)-2]
			joinGroups(sims, size, active, root, m, min(a, prev), max(a, prev))
		default:
			chain = append(chain, best)
		}
	}
	for i := range root {
		root[i] = findRoot(root, root[i])
	}
	return root
}

// joinGroups joins group y into group x: x's mean similarity to every other group becomes the
// size-weighted mean of x's and y's (Lance and Williams' update for average linkage).
func joinGroups(sims []float32, size []float64, active []bool, root []int32, m, x, y int) {
	wx, wy := size[x]/(size[x]+size[y]), size[y]/(size[x]+size[y])
	for k := range m {
		if active[k] && k != x && k != y {
			v := float32(wx*float64(sims[x*m+k]) + wy*float64(sims[y*m+k]))
			sims[x*m+k], sims[k*m+x] = v, v
		}
	}
	size[x] += size[y]
	active[y] = false
	root[y] = int32(x)
}

// findRoot follows root to the group i ended in.
func findRoot(root []int32, i int32) int32 {
	for root[i] != i {
		root[i] = root[root[i]]
		i = root[i]
	}
	return i
}

// groupSet is the clusters being built: each is a set of gaps with the sum of their (smoothed) vectors.
// A group of one gap keeps no sum of its own: its vector is made again from its gap when needed, so that
// the many requests that join nothing cost no memory beyond their gap's.
type groupSet struct {
	s     *space
	first []int32        // each group's first gap, ascending
	size  []float64      // each group's number of gaps
	sum   [][]float32    // each group's sum of sentence parts (nil for a group of one)
	lex   [][]termWeight // each group's sum of word parts
	of    []int32        // for each gap, a gap of its group, towards the first (union-find)
}

// newGroupSet puts each gap in a group of its own.
func newGroupSet(s *space) *groupSet {
	gs := &groupSet{s: s, first: make([]int32, s.n), size: make([]float64, s.n), sum: make([][]float32, s.n),
		lex: make([][]termWeight, s.n), of: make([]int32, s.n)}
	for i := range s.n {
		gs.first[i], gs.size[i], gs.lex[i], gs.of[i] = int32(i), 1, s.smoothLex[i], int32(i)
	}
	return gs
}

// sumOf writes group g's sum of sentence parts into dst.
func (gs *groupSet) sumOf(dst []float32, g int) {
	if gs.sum[g] == nil {
		gs.s.smoothed(dst, int(gs.first[g]))
		return
	}
	copy(dst, gs.sum[g])
}

// row writes the direction of group g's sentence sum, for cutting groups into cells.
func (gs *groupSet) row(dst []float32, g int) {
	gs.sumOf(dst, g)
	var norm float64
	for _, x := range dst {
		norm += float64(x) * float64(x)
	}
	scale := float32(0)
	if norm > 0 {
		scale = float32(1 / math.Sqrt(norm))
	}
	for d := range dst {
		dst[d] *= scale
	}
}

// joinIn returns, for each group of one cell (members, ascending), the group it joins within the cell
// (its index in members).
func (gs *groupSet) joinIn(members []int32, join float32) []int32 {
	m, dim := len(members), gs.s.dim
	buf := takeBuffers()
	defer giveBuffers(buf)
	rows := grow(&buf.rows, m*dim)
	lex := make([][]termWeight, m)
	size := make([]float64, m)
	for k, g := range members {
		gs.sumOf(rows[k*dim:(k+1)*dim], int(g))
		lex[k], size[k] = gs.lex[g], gs.size[g]
	}
	sims := grow(&buf.sims, m*m)
	encoder.Dots(sims, rows, rows, dim)
	addLexical(sims, lex, lex, buf.postings())
	for a := range m {
		for b := range a {
			// The products of sums, over the pairs they stand for, are mean similarities; the mean of
			// the two halves makes the matrix exactly symmetric.
			v := (sims[a*m+b] + sims[b*m+a]) / 2 / float32(size[a]*size[b])
			sims[a*m+b], sims[b*m+a] = v, v
		}
	}
	return averageLinkage(sims, size, m, join)
}

// round cuts the groups into cells (cs, or new cells when cs is nil) and joins groups within each by
// average linkage. It returns how many groups joined others, and how many cells there were.
func (gs *groupSet) round(cs [][]int32, round int, join float32) (int, int) {
	if cs == nil {
		cs = cells(len(gs.first), gs.s.dim, gs.row, round)
	}
	roots := make([][]int32, len(cs))
	parallel(len(cs), func(c int) { roots[c] = gs.joinIn(cs[c], join) })
	var merges [][]int32 // each: a root, then the groups that join it
	keep := make([]bool, len(gs.first))
	for c, members := range cs {
		at := map[int32]int{}
		for k, g := range members {
			r := members[roots[c][k]]
			if r == g {
				keep[g] = true
				continue
			}
			j, ok := at[r]
			if !ok {
				j = len(merges)
				at[r] = j
				merges = append(merges, []int32{r})
			}
			merges[j] = append(merges[j], g)
		}
	}
	parallel(len(merges), func(j int) { gs.merge(merges[j][0], merges[j][1:]) })
	joined := len(gs.first)
	gs.compact(keep)
	return joined - len(gs.first), len(cs)
}

// merge adds the groups parts to group r (whose first gap comes before theirs). Merges of distinct
// groups may run at once.
func (gs *groupSet) merge(r int32, parts []int32) {
	dim := gs.s.dim
	dst := make([]float32, dim)
	gs.sumOf(dst, int(r))
	words := slices.Clone(gs.lex[r])
	row := make([]float32, dim)
	for _, g := range parts {
		gs.sumOf(row, int(g))
		for d, x := range row {
			dst[d] += x
		}
		words = append(words, gs.lex[g]...)
		gs.size[r] += gs.size[g]
		gs.of[gs.first[g]] = gs.first[r]
		gs.sum[g], gs.lex[g] = nil, nil
	}
	gs.sum[r], gs.lex[r] = dst, slices.Clip(appendSum(nil, words))
}

// compact drops the groups that joined others.
func (gs *groupSet) compact(keep []bool) {
	n := 0
	for g, k := range keep {
		if k {
			gs.first[n], gs.size[n], gs.sum[n], gs.lex[n] = gs.first[g], gs.size[g], gs.sum[g], gs.lex[g]
			n++
		}
	}
	gs.first, gs.size = gs.first[:n], gs.size[:n]
	gs.sum, gs.lex = slices.Clip(gs.sum[:n]), slices.Clip(gs.lex[:n])
}

// buffers are the scratch space of one cell's work, kept for the next cell (a set for each goroutine
// that ever ran at once) until the clustering ends: not in a sync.Pool, which a collection empties, so
// that a night's thousands of cells reuse a few sets instead of leaving hundreds of megabytes behind.
type buffers struct {
	rows, sims []float32
	post       map[int32][]posting
}

var freeBuffers struct {
	sync.Mutex
	list []*buffers
}

// takeBuffers returns a set of buffers, from an earlier cell if one is free.
func takeBuffers() *buffers {
	freeBuffers.Lock()
	defer freeBuffers.Unlock()
	if n := len(freeBuffers.list); n > 0 {
		b := freeBuffers.list[n-1]
		freeBuffers.list = freeBuffers.list[:n-1]
		return b
	}
	return new(buffers)
}

// giveBuffers keeps b for a later cell.
func giveBuffers(b *buffers) {
	freeBuffers.Lock()
	freeBuffers.list = append(freeBuffers.list, b)
	freeBuffers.Unlock()
}

// dropBuffers lets the free buffers go, once a clustering is done.
func dropBuffers() {
	freeBuffers.Lock()
	freeBuffers.list = nil
	freeBuffers.Unlock()
}

// grow returns (*buf)[:n], making *buf larger first if it must; the contents are not cleared.
func grow(buf *[]float32, n int) []float32 {
	if cap(*buf) < n {
		*buf = make([]float32, n)
	}
	return (*buf)[:n]
}

// postings is the scratch map of addLexical.
func (b *buffers) postings() map[int32][]posting {
	if b.post == nil {
		b.post = map[int32][]posting{}
	}
	return b.post
}

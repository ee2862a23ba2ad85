package triage

import (
	"math"
	"slices"
	"sync"

	"github.com/heed-dev/heed/encoder"
)

// The vectors are cut into cells by spherical k-means, and the exact work (neighbours, average linkage)
// is done inside cells, so that it grows with the number of gaps times a cell's size rather than with
// its square. cellTarget is the size k-means aims at; maxBlock the most rows a cell may hold (a larger
// one is cut again). A set of at most maxBlock rows is one cell, clustered exactly. (Variables, so that
// tests can send small sets down the paths of large ones.)
var cellTarget, maxBlock = 1000, 3000

const (
	// sampleFactor rows per cell train k-means, for kmeansRounds rounds.
	sampleFactor = 40
	kmeansRounds = 8
	// borderMargin: a row whose own cell's centre is less than this much more similar to it than the
	// next cell's lies near the border, and its neighbours are sought on both sides.
	borderMargin = 0.1
	// chunkRows rows are gathered and compared at a time.
	chunkRows = 256
)

// rowFunc writes row i, a vector of unit length, into dst.
type rowFunc func(dst []float32, i int)

// cells cuts the rows 0..n-1 into cells of at most maxBlock rows: the members of each cell, ascending,
// cells in the order of their smallest member. round varies the cut (a later round of clustering cuts
// elsewhere, so that what fell on two sides of a border once meets the next time). The cut depends on
// the rows and round only.
func cells(n, dim int, row rowFunc, round int) [][]int32 {
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	out := cutCell(all, dim, row, round, 0)
	slices.SortFunc(out, func(a, b []int32) int { return int(a[0] - b[0]) })
	return out
}

// cutCell cuts the rows of members until no part holds more than maxBlock.
func cutCell(members []int32, dim int, row rowFunc, round, depth int) [][]int32 {
	if len(members) <= maxBlock {
		return [][]int32{members}
	}
	k := (len(members) + cellTarget - 1) / cellTarget
	parts := kmeans(members, k, dim, row, round)
	if len(parts) < 2 || depth > 8 {
		// The rows do not come apart (all alike): cut them in runs of maxBlock.
		parts = parts[:0]
		for lo := 0; lo < len(members); lo += maxBlock {
			parts = append(parts, members[lo:min(lo+maxBlock, len(members))])
		}
		return parts
	}
	var out [][]int32
	for _, p := range parts {
		out = append(out, cutCell(p, dim, row, round, depth+1)...)
	}
	return out
}

// kmeans is spherical k-means on the members' rows, trained on an evenly spaced sample of them and then
// applied to all; it returns the non-empty parts, each ascending.
func kmeans(members []int32, k, dim int, row rowFunc, round int) [][]int32 {
	stride := max(1, len(members)/(k*sampleFactor))
	var sample []int32
	for i := round % stride; i < len(members); i += stride {
		sample = append(sample, members[i])
	}
	sampleRows := gatherRows(make([]float32, len(sample)*dim), sample, dim, row)
	centres := make([]float32, k*dim)
	for c := range k {
		// Evenly spaced sample rows start the centres; the round shifts them.
		j := (c*len(sample)/k + round*7919) % len(sample)
		copy(centres[c*dim:(c+1)*dim], sampleRows[j*dim:(j+1)*dim])
	}
	assign := make([]int32, len(sample))
	var sims []float32
	for range kmeansRounds {
		nearestCentres(assign, nil, nil, sampleRows, centres, dim, &sims)
		centres = centroids(centres, sampleRows, assign, dim)
	}
	full := make([]int32, len(members))
	parallelChunks(len(members), func(lo, hi int) {
		buf := takeBuffers()
		defer giveBuffers(buf)
		rows := gatherRows(grow(&buf.rows, (hi-lo)*dim), members[lo:hi], dim, row)
		nearestCentres(full[lo:hi], nil, nil, rows, centres, dim, &buf.sims)
	})
	parts := make([][]int32, k)
	for i, c := range full {
		parts[c] = append(parts[c], members[i])
	}
	return slices.DeleteFunc(parts, func(p []int32) bool { return len(p) == 0 })
}

// centroids are the normalised means of the rows of each centre; a centre with no rows keeps its place.
func centroids(old, rows []float32, assign []int32, dim int) []float32 {
	k := len(old) / dim
	sums := make([]float64, k*dim)
	counts := make([]int, k)
	for i, c := range assign {
		counts[c]++
		s := sums[int(c)*dim : int(c+1)*dim]
		for d, x := range rows[i*dim : (i+1)*dim] {
			s[d] += float64(x)
		}
	}
	out := slices.Clone(old)
	for c := range k {
		if counts[c] > 0 {
			unitInto(out[c*dim:(c+1)*dim], sums[c*dim:(c+1)*dim])
		}
	}
	return out
}

// unitInto writes v, scaled to unit length, into dst; a zero v leaves dst as it was.
func unitInto(dst []float32, v []float64) {
	var n float64
	for _, x := range v {
		n += x * x
	}
	if n == 0 {
		return
	}
	n = math.Sqrt(n)
	for d, x := range v {
		dst[d] = float32(x / n)
	}
}

// nearestCentres sets first[i] to the centre most similar to row i of rows, and second[i] (when second
// is not nil) to the next, and sim[i] to the similarities of both; ties go to the lower centre.
func nearestCentres(first, second []int32, sim [][2]float32, rows, centres []float32, dim int, scratch *[]float32) {
	n, k := len(rows)/dim, len(centres)/dim
	sims := grow(scratch, min(n, chunkRows)*k)
	for lo := 0; lo < n; lo += chunkRows {
		hi := min(lo+chunkRows, n)
		s := sims[:(hi-lo)*k]
		encoder.Dots(s, rows[lo*dim:hi*dim], centres, dim)
		for i := lo; i < hi; i++ {
			r := s[(i-lo)*k : (i-lo+1)*k]
			b1, b2 := int32(-1), int32(-1)
			for c, x := range r {
				switch {
				case b1 < 0 || x > r[b1]:
					b1, b2 = int32(c), b1
				case b2 < 0 || x > r[b2]:
					b2 = int32(c)
				}
			}
			first[i] = b1
			if second != nil {
				second[i] = b2
				sim[i] = [2]float32{r[b1], r[b2]}
			}
		}
	}
}

// gatherRows writes the rows of idx one after another into dst, and returns it.
func gatherRows(dst []float32, idx []int32, dim int, row rowFunc) []float32 {
	for j, i := range idx {
		row(dst[j*dim:(j+1)*dim], int(i))
	}
	return dst
}

// secondCells is, for each row, the cell other than its own whose centre is nearest (-1 with one cell),
// and how much nearer the row is to its own cell's centre than to that one's.
func secondCells(cs [][]int32, n, dim int, row rowFunc) ([]int32, []float32) {
	second, margin := make([]int32, n), make([]float32, n)
	if len(cs) < 2 {
		for i := range second {
			second[i] = -1
		}
		return second, margin
	}
	centres := make([]float32, len(cs)*dim)
	own := make([]int32, n)
	buf := make([]float32, dim)
	for c, members := range cs {
		sum := make([]float64, dim)
		for _, i := range members {
			own[i] = int32(c)
			row(buf, int(i))
			for d, x := range buf {
				sum[d] += float64(x)
			}
		}
		unitInto(centres[c*dim:(c+1)*dim], sum)
	}
	parallelChunks(n, func(lo, hi int) {
		buf := takeBuffers()
		defer giveBuffers(buf)
		idx := make([]int32, hi-lo)
		for j := range idx {
			idx[j] = int32(lo + j)
		}
		first, next, sims := make([]int32, hi-lo), make([]int32, hi-lo), make([][2]float32, hi-lo)
		rows := gatherRows(grow(&buf.rows, (hi-lo)*dim), idx, dim, row)
		nearestCentres(first, next, sims, rows, centres, dim, &buf.sims)
		for j := range idx {
			i := lo + j
			// A row's own cell has the nearest centre unless the cell was cut again or its centre moved
			// after the row was placed: then the nearest is another, and the row lies on a border.
			second[i], margin[i] = first[j], sims[j][1]-sims[j][0]
			if first[j] == own[i] {
				second[i], margin[i] = next[j], sims[j][0]-sims[j][1]
			}
			margin[i] = max(margin[i], 0)
		}
	})
	return second, margin
}

// parallelChunks calls f on the runs of chunkRows of 0..n-1, on as many goroutines as there are
// processors; the runs are disjoint, so f may write each one's results without locks.
func parallelChunks(n int, f func(lo, hi int)) {
	parallel((n+chunkRows-1)/chunkRows, func(c int) { f(c*chunkRows, min((c+1)*chunkRows, n)) })
}

// parallel calls f(0..jobs-1), each once, on as many goroutines as there are processors.
func parallel(jobs int, f func(job int)) {
	workers := min(jobs, maxWorkers())
	if workers <= 1 {
		for j := range jobs {
			f(j)
		}
		return
	}
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				j := next
				next++
				mu.Unlock()
				if j >= jobs {
					return
				}
				f(j)
			}
		})
	}
	wg.Wait()
}

package triage

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/heed-dev/heed"
)

// syntheticGaps are n gaps of dim-long vectors in the shape of a night's: topics of sizes falling off as
// a power law around a few thousand centres, the centres in families (close topics that must stay apart),
// all sharing one direction (the site's subject), and a share of requests near no centre at all. Each
// topic has its words, and a request carries three of them and one word of the whole vocabulary.
func syntheticGaps(n, dim, topics int, seed uint64) []GapItem {
	rng := rand.New(rand.NewPCG(seed, 7))
	randomUnit := func() []float64 {
		v := make([]float64, dim)
		for d := range v {
			v[d] = rng.NormFloat64()
		}
		return unit64(v)
	}
	shared := randomUnit()
	const family = 8
	centres := make([][]float64, topics)
	var parent []float64
	for t := range centres {
		if t%family == 0 {
			parent = randomUnit()
		}
		c := randomUnit()
		for d := range c {
			c[d] = 0.5*shared[d] + 0.6*parent[d] + 0.62*c[d]
		}
		centres[t] = unit64(c)
	}
	// Topic t is asked about in proportion to 1/(t+10).
	cum := make([]float64, topics)
	var total float64
	for t := range cum {
		total += 1 / float64(t+10)
		cum[t] = total
	}
	items := make([]GapItem, n)
	for i := range items {
		t := -1
		if rng.Float64() > 0.2 { // one request in five is about nothing else asked
			x := rng.Float64() * total
			t = min(topics-1, int(search(cum, x)))
		}
		v := make([]float64, dim)
		words := fmt.Sprintf("v%d", rng.IntN(20000))
		noise := 0.9
		if t >= 0 {
			copy(v, centres[t])
			for range 3 {
				words += fmt.Sprintf(" t%dw%d", t, rng.IntN(6))
			}
		} else {
			copy(v, shared)
			noise = 1.6
		}
		for d := range v {
			v[d] += noise * rng.NormFloat64() / math.Sqrt(float64(dim))
		}
		vec := make([]float32, dim)
		for d, x := range unit64(v) {
			vec[d] = float32(x)
		}
		items[i] = GapItem{Key: fmt.Sprintf("q%07d", i), Text: words, Kind: heed.GapNoContent, Demand: float64(1 + rng.IntN(5)), Vec: heed.Quantise(vec)}
	}
	return items
}

// search is the first index of cum (ascending) at least x.
func search(cum []float64, x float64) int {
	lo, hi := 0, len(cum)
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func unit64(v []float64) []float64 {
	var n float64
	for _, x := range v {
		n += x * x
	}
	n = math.Sqrt(n)
	for d := range v {
		v[d] /= n
	}
	return v
}

package triage

import (
	"runtime"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
)

// The setting of topics by meaning: one for every set of gaps, whatever its size or subject, chosen on
// the development splits of two public intent sets (BANKING77-OOS valid, CLINC150 val; see
// TestTopicsOnSharedData).
const (
	// meaningWeight is the share of sentence vectors in the similarity of two gaps, the rest being
	// their words (see space).
	meaningWeight = 0.7
	// meanPrior: the mean that gaps are centred on is their sum over their number plus meanPrior, so
	// that in a small set a gap is not pushed away from its own paraphrases by its share of the mean.
	meanPrior = 50
	// framePrior: the mean of a frame's gaps (see space.frames) is drawn toward the mean of all by
	// this many gaps' worth.
	framePrior = 2
	// Each gap is drawn toward its nearest neighbours (at most this many) that are at least
	// neighbourSimilarity similar to it (see smooth).
	neighbours          = 5
	neighbourSimilarity = 0.4
	// joinMeaning is the least mean similarity, over all their pairs of gaps, at which two groups are
	// one topic (average linkage).
	joinMeaning = 0.45
)

// The rounds of joining when the gaps are more than one cell holds (see rounds).
const (
	// stagedRounds come first, at thresholds stagedStep apart above joinMeaning (0.75, 0.65, 0.55),
	// so that the surest joins are made first, as exact average linkage makes them, before the cells'
	// borders matter much.
	stagedRounds = 3
	stagedStep   = 0.1
	// Then rounds at joinMeaning follow, at most maxRounds, until fewer than 1 group in stopShare
	// joined another.
	maxRounds = 6
	stopShare = 100
)

// maxWorkers is how many goroutines share the work out.
func maxWorkers() int { return runtime.GOMAXPROCS(0) }

// withVectors reports whether every gap has a sentence vector, all of one length.
func withVectors(items []GapItem) bool {
	dim := items[0].Vec.Len()
	if dim == 0 {
		return false
	}
	for _, it := range items {
		if it.Vec.Len() != dim {
			return false
		}
	}
	return true
}

// clusterByMeaning groups gaps (order, most demanded first) that mean the same, by average linkage: two
// groups are one topic while the mean similarity of their gaps is at least joinMeaning. Gaps are
// compared by their centred sentence vectors and their rare words (space), each drawn toward its close
// neighbours first (smooth), so that a topic's paraphrases hold together and a request with nothing
// close stands alone.
//
// It scales by cells: the gaps are cut into cells of about cellTarget by k-means on their vectors;
// neighbours are sought in a gap's own cell and, near a border, the next; groups are joined within
// cells; then the groups are cut into cells again, elsewhere, and joined again (rounds). The work grows
// with the number of gaps times the size of a cell, and a set of at most maxBlock gaps is one cell,
// clustered exactly.
func clusterByMeaning(order []GapItem, an *analysis.Analyzer) []heed.Topic {
	defer dropBuffers()
	s := newSpace(order, an)
	cs := cells(s.n, s.dim, s.unitCentred, 0)
	second, margin := secondCells(cs, s.n, s.dim, s.unitCentred)
	s.smooth(s.nearest(cs, second, margin))
	members := rounds(newGroupSet(s), cs)
	out := make([]heed.Topic, len(members))
	parallel(len(members), func(k int) { out[k] = s.topic(order, members[k]) })
	return out
}

// rounds joins the groups (each gap alone, in the cells cs) round after round and returns the topics
// as lists of gaps, each ascending, by their first gap.
func rounds(gs *groupSet, cs [][]int32) [][]int32 {
	staged := 0
	if len(cs) > 1 {
		staged = stagedRounds
	}
	for r := range staged + maxRounds {
		join := float32(joinMeaning + stagedStep*float64(max(0, staged-r)))
		joined, cellCount := gs.round(cs, r, join)
		cs = nil // from the second round on, the groups are cut into cells anew
		if cellCount == 1 && r >= staged || r > staged && joined*stopShare < len(gs.first) {
			break // in one cell, the joining is exact: nothing is left to join
		}
		if cellCount == 1 {
			staged = r + 1 // the groups fit one cell: join them there, exactly, at joinMeaning
		}
	}
	byFirst := map[int32]int{}
	var out [][]int32
	for i := range int32(len(gs.of)) {
		f := findRoot(gs.of, i)
		k, ok := byFirst[f]
		if !ok {
			k = len(out)
			byFirst[f] = k
			out = append(out, nil)
		}
		out[k] = append(out[k], i)
	}
	return out
}

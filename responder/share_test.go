package responder

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/index"
	"github.com/heed-dev/heed/responder/respondertest"
)

// normals draws n scores around mean.
func normals(r *rand.Rand, n int, mean, sd float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = mean + sd*r.NormFloat64()
	}
	return out
}

// TestGapShareEstimatesTheMix: from two simulated score samples, the share of gaps among requests
// mixed in a known proportion is found again.
func TestGapShareEstimatesTheMix(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sim := newSimScores(normals(r, 600, 0.9, 0.15), normals(r, 300, 0.35, 0.15))
	for _, want := range []float64{0.03, 0.2, 0.5, 0.8} {
		n := 2000
		g := int(want * float64(n))
		scores := append(normals(r, n-g, 0.9, 0.15), normals(r, g, 0.35, 0.15)...)
		if got := gapShare(sim, scores); got < want-0.04 || got > want+0.04 {
			t.Errorf("gap share %.3f, want %.2f ± 0.04", got, want)
		}
	}
	// Scores nowhere near either sample leave the estimate inside its bounds.
	if got := gapShare(sim, []float64{50, 60, 70}); got < minShare || got > maxShare {
		t.Errorf("gap share %.3f outside [%.2f, %.2f]", got, minShare, maxShare)
	}
}

// TestThresholdsFollowTheShare: where gaps are common a borderline score is called a gap sooner, and a
// higher cost of false gaps calls fewer.
func TestThresholdsFollowTheShare(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	sim := newSimScores(normals(r, 600, 0.9, 0.2), normals(r, 300, 0.4, 0.2))
	prev := -1.0
	for _, share := range []float64{0.02, 0.1, 0.3, 0.6, 0.9} {
		c := thresholdsForShare(sim, falseGapCost, share)
		if c.Answer < prev {
			t.Errorf("share %.2f: threshold %.3f fell under %.3f of a smaller share", share, c.Answer, prev)
		}
		if !(c.NoContent <= c.Answer) {
			t.Errorf("share %.2f: no content %.3f above answer %.3f", share, c.NoContent, c.Answer)
		}
		prev = c.Answer
	}
	if lo, hi := thresholdsForShare(sim, 16, 0.3), thresholdsForShare(sim, 1, 0.3); lo.Answer > hi.Answer {
		t.Errorf("cost 16 threshold %.3f above cost 1 threshold %.3f", lo.Answer, hi.Answer)
	}
}

// TestAdaptLearnsTheShareOfTheRequests: a night whose requests are mostly gaps is decided with a
// threshold at least as high as a night of mostly answerable ones, each with its share estimated near
// the truth; too few requests, or a site too small to simulate on, leave the calibration as it was.
func TestAdaptLearnsTheShareOfTheRequests(t *testing.T) {
	site := respondertest.Subjects(90, 60)
	ix := index.Build(site.Pages, analysis.New("en"), index.DefaultParams())
	learnt := New(ix, nil).Calibration()
	if learnt.Answerable < minShareProbes || learnt.Gaps < minShareProbes {
		t.Fatalf("the synthetic site gives %d answerable and %d simulated gaps, want %d of each", learnt.Answerable, learnt.Gaps, minShareProbes)
	}
	requests := func(share float64, n int) []string { return site.Requests(share, n, uint64(1000*share)) }
	var answers []float64
	for _, share := range []float64{0.1, 0.7} {
		m := New(ix, nil)
		m.Adapt(requests(share, 1000), nil)
		c := m.Calibration()
		t.Logf("requests %.0f%% gaps: %s", 100*share, c)
		if c.Requests != 1000 || c.GapShare < share-0.15 || c.GapShare > share+0.15 {
			t.Errorf("requests %.0f%% gaps: estimated %.3f from %d requests", 100*share, c.GapShare, c.Requests)
		}
		if !strings.Contains(c.String(), "are gaps (estimated from 1000 of them)") {
			t.Errorf("the calibration does not say what it adapted to: %s", c)
		}
		answers = append(answers, c.Answer)
	}
	if answers[1] < answers[0] {
		t.Errorf("mostly gaps: threshold %.3f, under mostly answerable's %.3f", answers[1], answers[0])
	}
	// However many of the requests are gaps, the share never costs more than a tenth of the simulated
	// answerable requests.
	all := New(ix, nil)
	all.Adapt(requests(1, 1000), nil)
	if c := all.Calibration(); c.FalseGaps > maxAdaptedFalseGaps+1e-9 || c.Answer < answers[1] {
		t.Errorf("requests all gaps: %s; want at most %.0f%% false gaps, and a threshold at least %.3f", c, 100*maxAdaptedFalseGaps, answers[1])
	}
	// A matcher over the same pages told the share a night estimated decides as that night did (heed
	// serve after a run).
	night := New(ix, nil)
	night.Adapt(requests(0.7, 1000), nil)
	share, n := night.GapShare()
	later := New(ix, nil)
	later.AdaptToShare(share, n)
	if got, want := later.Calibration(), night.Calibration(); got != want {
		t.Errorf("told the night's share: %s\nthe night: %s", got, want)
	}
	few := New(ix, nil)
	few.Adapt(requests(0.7, minShareRequests-1), nil)
	if got := few.Calibration(); got != learnt {
		t.Errorf("%d requests changed the calibration:\n%s\n%s", minShareRequests-1, learnt, got)
	}
	small := newTestMatcher(t, testSite(t))
	before := small.Calibration()
	small.Adapt(requests(0.7, 1000), nil)
	if got := small.Calibration(); got != before {
		t.Errorf("a site of %d simulated requests changed its calibration:\n%s\n%s", before.Answerable+before.Gaps, before, got)
	}
}

// FuzzGapShare: whatever the scores (repeated, far apart, not finite), the estimated share stays in its
// bounds and the threshold learnt for it is a number.
func FuzzGapShare(f *testing.F) {
	f.Add(0.9, 0.4, 0.7, 0.0, 10)
	f.Add(1.0, 1.0, 1.0, 0.0, 3)
	f.Add(math.NaN(), 0.4, math.Inf(1), 1e300, 50)
	f.Fuzz(func(t *testing.T, a, g, x, spread float64, n int) {
		n = 1 + abs(n)%200
		r := rand.New(rand.NewPCG(uint64(n), 1))
		sim := newSimScores(normals(r, n, a, spread), normals(r, n, g, spread))
		scores := append(normals(r, n, x, spread), a, g)
		share := gapShare(sim, scores)
		if !(share >= minShare && share <= maxShare) {
			t.Fatalf("share %v outside [%v, %v]", share, minShare, maxShare)
		}
		c := bounded(thresholdsForShare(sim, falseGapCost, share), sim, 0)
		if math.IsNaN(c.Answer) || math.IsNaN(c.NoContent) {
			t.Fatalf("thresholds %s for share %v", c, share)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

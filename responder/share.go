package responder

import (
	"math"
	"slices"
)

// The share of gaps among the requests a site hears decides how strict its gap decision should be. The
// simulation tells how answerable requests and gaps score on the site, but it mixes them in its own
// proportion (a fifth of the pages left out), while one site's requests are mostly answered and another's
// mostly not. A borderline score is more likely a gap where gaps are common. So, once the night's
// requests are known, heed estimates their share of gaps from their scores (the mixture of the two
// simulated distributions that best explains them, by expectation-maximisation: Saerens, Latinne and
// Decaestecker, "Adjusting the outputs of a classifier to new a priori probabilities", 2002) and moves
// the threshold to where the cost of the wrong decisions is lowest for that share, with the same
// falseGapCost.

const (
	// maxShareSample bounds the requests the share is estimated from: they are ranked once more.
	maxShareSample = 2000
	// minShareRequests is how many requests an estimate needs; with fewer, the simulation's own mix
	// stands.
	minShareRequests = 100
	// minShareProbes is how many simulated requests of each kind the two score distributions need to be
	// told apart: from fewer, their estimated densities follow single requests, and so would the share.
	minShareProbes = 100
	// Bounds of the estimated share: a night of requests is never taken to be all gaps or none.
	minShare, maxShare = 0.01, 0.99
	// maxAdaptedFalseGaps bounds what the share may cost: the threshold it moves to never calls more
	// than this part of the simulated answerable requests gaps (unless the pages' own threshold did).
	// The estimate leans high where the site's answerable requests score lower than the simulated ones
	// do; on a night of mostly gaps it would otherwise run away and call every request a gap.
	maxAdaptedFalseGaps = 0.1
)

// density is a kernel density estimate of a sample of scores, tabulated on a grid.
type density struct {
	lo, step float64
	at       []float64
}

// densityGrid is how many points a density is tabulated on.
const densityGrid = 512

// newDensity estimates the density of the sorted scores xs (simScores keeps them so) over [lo, hi] with a
// Gaussian kernel of Silverman's bandwidth.
func newDensity(xs []float64, lo, hi float64) density {
	n := float64(len(xs))
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= n
	variance := 0.0
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	h := 1.06 * math.Sqrt(variance/n) * math.Pow(n, -0.2)
	h = max(h, 1e-3)
	d := density{lo: lo, step: (hi - lo) / (densityGrid - 1), at: make([]float64, densityGrid)}
	norm := 1 / (n * h * math.Sqrt(2*math.Pi))
	for g := range d.at {
		t := lo + float64(g)*d.step
		// Only the sample within 6 bandwidths adds anything.
		from, _ := slices.BinarySearch(xs, t-6*h)
		sum := 0.0
		for _, x := range xs[from:] {
			if x > t+6*h {
				break
			}
			z := (t - x) / h
			sum += math.Exp(-z * z / 2)
		}
		d.at[g] = sum * norm
	}
	return d
}

// value is the density at x, interpolated between grid points (0 outside the grid).
func (d density) value(x float64) float64 {
	f := (x - d.lo) / d.step
	if f < 0 || f > float64(len(d.at)-1) || math.IsNaN(f) {
		return 0
	}
	i := int(f)
	if i == len(d.at)-1 {
		return d.at[i]
	}
	w := f - float64(i)
	return d.at[i]*(1-w) + d.at[i+1]*w
}

// newSimScores keeps the simulated scores of each kind that are finite numbers, sorted: what the
// thresholds and the share read.
func newSimScores(answerable, gaps []float64) simScores {
	s := simScores{finite(answerable), finite(gaps)}
	slices.Sort(s.answerable)
	slices.Sort(s.gaps)
	return s
}

// gapShare estimates the share of gaps among requests that scored scores, from the simulated scores.
// Scores that are not finite are left out; with no score, or no simulated score of either kind, there is
// no evidence of gaps (minShare).
func gapShare(sim simScores, scores []float64) float64 {
	scores = finite(scores)
	if len(sim.answerable) == 0 || len(sim.gaps) == 0 || len(scores) == 0 {
		return minShare
	}
	lo, hi := span(sim.answerable, sim.gaps, scores)
	da, dg := newDensity(sim.answerable, lo, hi), newDensity(sim.gaps, lo, hi)
	// A floor keeps a score that neither sample came near from deciding alone.
	const floor = 1e-6
	pa, pg := make([]float64, len(scores)), make([]float64, len(scores))
	for i, x := range scores {
		pa[i], pg[i] = da.value(x)+floor, dg.value(x)+floor
	}
	share := 0.5
	for range 500 {
		sum := 0.0
		for i := range scores {
			g, a := share*pg[i], (1-share)*pa[i]
			sum += g / (g + a)
		}
		next := sum / float64(len(scores))
		done := math.Abs(next-share) < 1e-6
		share = next
		if done {
			break
		}
	}
	return min(max(share, minShare), maxShare)
}

// thresholdsForShare learns the thresholds from the simulated scores for requests of which share are
// gaps: Answer where the expected cost of the wrong decisions, share × the gaps missed plus
// cost × (1 − share) × the answerable requests called gaps, is lowest. The two kinds' scores are
// smoothed (their densities, as gapShare reads them) so that the threshold moves with the share and the
// cost rather than jumping between single simulated requests.
func thresholdsForShare(sim simScores, cost, share float64) Calibration {
	answerable, gaps := sim.answerable, sim.gaps
	if len(answerable) == 0 || len(gaps) == 0 {
		return Calibration{Answerable: len(answerable), Gaps: len(gaps)}
	}
	lo, hi := span(answerable, gaps)
	da, dg := newDensity(answerable, lo, hi), newDensity(gaps, lo, hi)
	// The cost of calling every request under t a gap, less that of calling none, over the grid.
	ca, cg := 0.0, 0.0
	best, bestGain := lo, 0.0
	for g := range da.at {
		ca += da.at[g] * da.step
		cg += dg.at[g] * dg.step
		if gain := share*cg - cost*(1-share)*ca; gain > bestGain {
			best, bestGain = lo+float64(g)*da.step, gain
		}
	}
	return calibrationAt(sim, best)
}

// bounded lowers c's threshold to where it calls maxAdaptedFalseGaps of the simulated answerable
// requests gaps, when it is above both that and the pages' own threshold before.
func bounded(c Calibration, sim simScores, before float64) Calibration {
	if len(sim.answerable) == 0 || len(sim.gaps) == 0 {
		return c
	}
	// Under the k-th smallest score lie at most k of them.
	ceiling := max(sim.answerable[int(maxAdaptedFalseGaps*float64(len(sim.answerable)))], before)
	if c.Answer <= ceiling {
		return c
	}
	return calibrationAt(sim, ceiling)
}

// span is the range of the scores of all samples, widened by a tenth on each side: the grid their
// densities are tabulated on.
func span(samples ...[]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, xs := range samples {
		for _, x := range xs {
			lo, hi = min(lo, x), max(hi, x)
		}
	}
	pad := 0.1 * (hi - lo + 1e-3)
	return lo - pad, hi + pad
}

// finite returns xs without the scores that are not finite numbers (xs itself when all are), in order.
func finite(xs []float64) []float64 {
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			out := slices.Clone(xs[:i])
			for _, y := range xs[i+1:] {
				if !math.IsNaN(y) && !math.IsInf(y, 0) {
					out = append(out, y)
				}
			}
			return out
		}
	}
	return xs
}

// below is the share of the sorted scores xs under t.
func below(xs []float64, t float64) float64 {
	n, _ := slices.BinarySearch(xs, t)
	return float64(n) / float64(len(xs))
}

// sampleEvenly returns up to n indexes of 0..total-1, evenly spread.
func sampleEvenly(total, n int) []int {
	if total <= n {
		out := make([]int, total)
		for i := range out {
			out[i] = i
		}
		return out
	}
	out := make([]int, n)
	for k := range out {
		out[k] = k * total / n
	}
	return out
}

package responder

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/index"
)

// Calibration holds the thresholds of the gap decision, learnt from the site itself.
type Calibration struct {
	// Answer is the gap score (see gapScore) a request needs to count as answered.
	Answer float64
	// NoContent is the gap score under which no page even touches the request's topic.
	NoContent float64
	// Answerable and Gaps are how many simulated requests of each kind the thresholds were learnt from.
	Answerable, Gaps int
	// FalseGaps and GapRecall are the rates measured on the simulation at the thresholds.
	FalseGaps, GapRecall float64
	// Meaning is the weight of the requests' meaning in the ranking that the thresholds were learnt for,
	// chosen from meaningWeights (0 without an encoder, or when words alone separate the site's
	// simulated requests best).
	Meaning float64
	// GapShare is the share of gaps estimated among the requests the thresholds were learnt again for
	// (see Matcher.Adapt), from a sample of Requests of them; 0 when the simulation's own mix stands.
	GapShare float64
	Requests int
	// Default is set when the pages gave too little to learn from (fewer than minPages pages, or fewer
	// than minPages simulated requests of either kind): the thresholds are heed's defaults, not the
	// site's, and gap decisions are rougher.
	Default bool
}

// DefaultNote says why the thresholds are the defaults and what would let heed learn them ("" when
// they were learnt).
func (c Calibration) DefaultNote() string {
	if !c.Default {
		return ""
	}
	return fmt.Sprintf("the gap thresholds are heed's defaults, not learnt from the site: its pages gave %d simulated answerable requests and %d simulated gaps, and learning needs %d of each (at least %d pages, with titles, declared queries or FAQ questions); gap decisions are rougher until the pages give more",
		c.Answerable, c.Gaps, minPages, minPages)
}

func (c Calibration) String() string {
	if c.Default {
		return fmt.Sprintf("answer >= %.3f, no content < %.3f (defaults: %s)", c.Answer, c.NoContent, c.DefaultNote())
	}
	s := fmt.Sprintf("answer >= %.3f, no content < %.3f (learnt from %d simulated answerable requests and %d simulated gaps: %.0f%% false gaps, %.0f%% gaps caught)",
		c.Answer, c.NoContent, c.Answerable, c.Gaps, 100*c.FalseGaps, 100*c.GapRecall)
	if c.Meaning > 0 {
		s += fmt.Sprintf("; meaning weighs %.2g against words", c.Meaning)
	}
	if c.GapShare > 0 {
		s += fmt.Sprintf("; for requests of which about %.0f%% are gaps (estimated from %d of them)", 100*c.GapShare, c.Requests)
	}
	return s
}

const (
	// folds of the simulation: each leaves out a fifth of the pages (their texts become simulated gaps)
	// and a fifth of the other pages' declared queries and questions (they become simulated answerable
	// requests).
	folds = 5
	// falseGapCost is how much worse a false gap is than a missed one: a content team acts on every gap
	// it is shown, so a report should rather miss a gap than invent one. The threshold minimises the
	// cost of the wrong decisions on the simulated requests: the gaps missed plus falseGapCost times the
	// answerable requests called gaps. Counts, not rates: a site whose pages declare many ways of being
	// asked yields many answerable probes, and its threshold then guards them more.
	falseGapCost = 4.0
	// maxProbesPerPage bounds the texts of one page used as probes.
	maxProbesPerPage = 5
	// maxProbePages bounds the pages probes are taken from (the first by the hash order): on a site of a
	// hundred thousand pages, a few thousand tell the thresholds as well as all of them, in a fraction of
	// the time. Every page stays in the folds' indexes.
	maxProbePages = 5000
	// calibrationEpochs is how long the fold models train: they only need to rank like the real one.
	calibrationEpochs = 6
	// Fallbacks for sites too small to simulate on (fewer than minPages pages).
	minPages          = 6
	fallbackAnswer    = 0.6
	fallbackNoContent = 0.3
)

// probe is a text used to simulate a request: whether its page was left out of the fold (a gap) or
// present (answerable), and which page answers it.
type probe struct {
	text string
	page int
	gap  bool
}

// Calibrate learns the gap thresholds of a site by simulation. Its pages are split into folds; in each,
// the left-out pages' titles, declared queries and questions are asked of the rest of the site (what a
// request scores when its page is missing), and a fifth of the present pages' declared queries and
// questions (or, for pages with none, their titles) are held out of the index and asked (what an
// answerable request scores when worded differently from the page). The thresholds are those that best
// separate the two. Without an encoder (enc nil) the requests are matched by their words alone.
func Calibrate(pages []heed.Page, an *analysis.Analyzer, p index.Params, enc Encoder) Calibration {
	var sem *semantic
	if enc != nil {
		sem = newSemantic(pages, enc)
	}
	return calibrate(pages, an, p, sem, meaningWeights, falseGapCost)
}

// calibrate learns the thresholds for each weight of meaning (only 0 without sem), and returns those of
// the weight that separates the simulated requests best.
func calibrate(pages []heed.Page, an *analysis.Analyzer, p index.Params, sem *semantic, weights []float64, cost float64) Calibration {
	c, _ := calibrateScores(pages, an, p, sem, weights, cost)
	return c
}

// simScores are the sorted gap scores of a site's simulated answerable requests and gaps, under the
// weight of meaning the calibration chose: what the thresholds are learnt again from when the share of
// gaps among the requests is known (see Matcher.Adapt).
type simScores struct {
	answerable, gaps []float64
}

// calibrateScores is calibrate, with the simulated scores of the chosen weight.
func calibrateScores(pages []heed.Page, an *analysis.Analyzer, p index.Params, sem *semantic, weights []float64, cost float64) (Calibration, simScores) {
	if len(pages) < minPages {
		return Calibration{Answer: fallbackAnswer, NoContent: fallbackNoContent, Default: true}, simScores{}
	}
	if len(pages) > maxCalibrationPages {
		pages = samplePages(pages, maxCalibrationPages)
	}
	if sem == nil {
		weights = []float64{0}
	}
	sims := simulate(pages, an, p, sem, weights)
	var best Calibration
	var bestScores simScores
	bestValue := math.Inf(-1)
	for k, w := range weights {
		answerable, gaps := sims[k].answerable, sims[k].gaps
		if len(answerable) < minPages || len(gaps) < minPages {
			if k == 0 {
				best = Calibration{Answer: fallbackAnswer, NoContent: fallbackNoContent, Answerable: len(answerable), Gaps: len(gaps), Default: true}
			}
			continue
		}
		scores := newSimScores(scoresOf(answerable, gapScore), scoresOf(gaps, gapScore))
		c := thresholds(scores, cost)
		c.Meaning = w
		// The value of a weight: the simulated gaps caught and answerable requests answered right, less
		// cost times the answerable requests called gaps, at its best threshold.
		nA, nG := float64(len(answerable)), float64(len(gaps))
		value := nG*c.GapRecall + nA*(1-c.FalseGaps) - cost*nA*c.FalseGaps
		if value > bestValue+1e-9 {
			best, bestScores, bestValue = c, scores, value
		}
	}
	return best, bestScores
}

// scoresOf are the gap scores of rankings.
func scoresOf(rankings [][]candidate, score func([]candidate) float64) []float64 {
	out := make([]float64, len(rankings))
	for i, r := range rankings {
		out[i] = score(r)
	}
	return out
}

// foldsOf assigns each page a fold and a rank, in the order of the hashes of their urls (the same
// whatever the pages' order).
func foldsOf(pages []heed.Page) (foldOf, rankOf []int) {
	foldOf = make([]int, len(pages))
	order := make([]int, len(pages))
	for i := range order {
		order[i] = i
	}
	key := func(i int) string { s := sha256.Sum256([]byte(pages[i].URL)); return string(s[:]) }
	sort.Slice(order, func(a, b int) bool { return key(order[a]) < key(order[b]) })
	rankOf = make([]int, len(pages))
	for rank, i := range order {
		foldOf[i], rankOf[i] = rank%folds, rank
	}
	return foldOf, rankOf
}

// outcome is what one simulated request scored, whether it was a gap and, if not, whether its page
// ranked first.
type outcome struct {
	cands   []candidate
	gap     bool
	correct bool
	order   int // the fold, then the probe: the order of outcomes whatever order the folds end in
}

// simulation is what the simulated requests of a site scored under one weight of meaning: the
// rankings of the answerable ones whose page ranked first, and of the gaps.
type simulation struct {
	answerable, gaps [][]candidate
}

// simulate runs the folds, two at a time, ranking each simulated request under each weight of meaning.
func simulate(pages []heed.Page, an *analysis.Analyzer, p index.Params, sem *semantic, weights []float64) []simulation {
	foldOf, rankOf := foldsOf(pages)
	var mu sync.Mutex
	results := make([][]outcome, len(weights))
	var wg sync.WaitGroup
	slots := make(chan struct{}, 2)
	for f := range folds {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			local := runFold(pages, foldOf, rankOf, f, an, p, sem, weights)
			mu.Lock()
			for k := range weights {
				results[k] = append(results[k], local[k]...)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	out := make([]simulation, len(weights))
	for k, rs := range results {
		// The folds finish in any order: sort so that the thresholds do not depend on it.
		slices.SortFunc(rs, func(a, b outcome) int { return cmp.Compare(a.order, b.order) })
		for _, o := range rs {
			switch {
			case o.gap:
				out[k].gaps = append(out[k].gaps, o.cands)
			case o.correct:
				out[k].answerable = append(out[k].answerable, o.cands)
			}
		}
	}
	return out
}

// runFold asks fold f's probes of the site without them, under each weight of meaning.
func runFold(pages []heed.Page, foldOf, rankOf []int, f int, an *analysis.Analyzer, p index.Params, sem *semantic, weights []float64) [][]outcome {
	reduced, probes := foldPages(pages, foldOf, rankOf, f)
	sc := newScorer(reduced.pages, an, p, calibrationEpochs, sem)
	out := make([][]outcome, len(weights))
	for n, pr := range probes {
		var vec []float32
		if sem != nil {
			vec = sem.vectorOf(pr.text)
		}
		for k, w := range weights {
			_, cands := sc.weighted(w).rank(pr.text, vec)
			o := outcome{cands: cands[:min(len(cands), maxKeptCandidates)], gap: pr.gap, order: f<<32 | n}
			if !pr.gap && len(cands) > 0 && reduced.orig[cands[0].page] == pr.page {
				o.correct = true
			}
			out[k] = append(out[k], o)
		}
	}
	return out
}

// maxKeptCandidates is how many of a simulated request's candidates are kept for the gap decision: the
// evidence reads the best pages only.
const maxKeptCandidates = candidates

// thresholds learns the thresholds from the simulated scores: Answer where the cost of the wrong
// decisions is lowest, NoContent under half the gaps.
func thresholds(sim simScores, cost float64) Calibration {
	answerable, gaps := sim.answerable, sim.gaps
	// Candidate thresholds: every simulated score.
	cands := append(append([]float64{}, answerable...), gaps...)
	slices.Sort(cands)
	// The threshold sits halfway between the two simulated scores where the cost is lowest, not on
	// either: the simulation only says the boundary lies between them.
	best, bestJ := 0.0, 0.0
	nA, nG := float64(len(answerable)), float64(len(gaps))
	for k, t := range cands {
		if j := nG*below(gaps, t) - cost*nA*below(answerable, t); j > bestJ {
			best, bestJ = t, j
			if k > 0 {
				best = (cands[k-1] + t) / 2
			}
		}
	}
	return calibrationAt(sim, best)
}

// calibrationAt is the calibration that answers from threshold t: its rates on the simulated scores,
// and NoContent under what half of the simulated gaps score, never above t.
func calibrationAt(sim simScores, t float64) Calibration {
	c := Calibration{Answer: t, Answerable: len(sim.answerable), Gaps: len(sim.gaps)}
	c.FalseGaps, c.GapRecall = below(sim.answerable, t), below(sim.gaps, t)
	c.NoContent = min(quantile(sim.gaps, 0.5), t)
	return c
}

// maxCalibrationPages bounds the site the simulation runs on: a larger site is calibrated on a sample
// of this many pages (the same sample every time, whatever the pages' order), which keeps the start of a
// matcher on a hundred thousand pages to seconds. The sample's requests meet fewer competing pages than
// the whole site's would, so its thresholds lean towards answering.
const maxCalibrationPages = 20000

// samplePages returns n pages chosen by the hash of their url.
func samplePages(pages []heed.Page, n int) []heed.Page {
	type keyed struct {
		key [32]byte
		i   int
	}
	ks := make([]keyed, len(pages))
	for i, p := range pages {
		ks[i] = keyed{sha256.Sum256([]byte(p.URL)), i}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return bytes.Compare(a.key[:], b.key[:]) })
	out := make([]heed.Page, 0, n)
	for _, k := range ks[:n] {
		out = append(out, pages[k.i])
	}
	return out
}

// reducedSite is a fold's site: the pages kept, with some texts held out, and their original indexes.
type reducedSite struct {
	pages []heed.Page
	orig  []int
}

// foldPages builds fold f: the pages outside it, with a fifth of their short texts held out, and the
// probes.
func foldPages(pages []heed.Page, foldOf, rankOf []int, f int) (reducedSite, []probe) {
	var r reducedSite
	var probes []probe
	for i, p := range pages {
		probing := rankOf[i] < maxProbePages
		texts := shortTexts(p)
		if foldOf[i] == f {
			if !probing {
				continue
			}
			for j, t := range texts {
				if j == maxProbesPerPage {
					break
				}
				probes = append(probes, probe{text: t, page: i, gap: true})
			}
			continue
		}
		kept := p
		declared := len(p.Queries) + len(p.Questions)
		switch {
		case !probing:
		case declared >= 2:
			// Hold out the declared queries and questions whose turn is this fold.
			kept.Queries, kept.Questions = nil, nil
			n := 0
			for j, q := range p.Queries {
				if (rankOf[i]+j)%folds == f && n < maxProbesPerPage {
					probes = append(probes, probe{text: q, page: i})
					n++
					continue
				}
				kept.Queries = append(kept.Queries, q)
			}
			for j, qa := range p.Questions {
				if (rankOf[i]+len(p.Queries)+j)%folds == f && n < maxProbesPerPage {
					probes = append(probes, probe{text: qa.Question, page: i})
					n++
					continue
				}
				kept.Questions = append(kept.Questions, qa)
			}
		default:
			// A page that only has its title and headings to be asked by: ask them, each held out, as
			// requests worded like them but answered by the page's text.
			if p.Title != "" && (p.Body != "" || len(p.Headings) > 0) && (rankOf[i]/folds)%folds == f {
				probes = append(probes, probe{text: p.Title, page: i})
				kept.Title = ""
			}
			kept.Headings = nil
			n := 0
			for j, h := range p.Headings {
				if h != p.Title && (rankOf[i]+j)%folds == f && n < maxProbesPerPage && p.Body != "" {
					probes = append(probes, probe{text: h, page: i})
					n++
					continue
				}
				kept.Headings = append(kept.Headings, h)
			}
		}
		r.orig = append(r.orig, i)
		r.pages = append(r.pages, kept)
	}
	return r, probes
}

// shortTexts are the texts a page can be asked by: its title, declared queries and questions, and, for a
// page with fewer than two of those, its headings.
func shortTexts(p heed.Page) []string {
	var out []string
	if strings.TrimSpace(p.Title) != "" {
		out = append(out, p.Title)
	}
	out = append(out, p.Queries...)
	for _, qa := range p.Questions {
		out = append(out, qa.Question)
	}
	if len(p.Queries)+len(p.Questions) < 2 {
		for _, h := range p.Headings {
			if h != p.Title {
				out = append(out, h)
			}
		}
	}
	return out
}

// quantile of sorted xs, by linear interpolation.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	pos := q * float64(len(xs)-1)
	i := int(pos)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	f := pos - float64(i)
	return xs[i]*(1-f) + xs[i+1]*f
}

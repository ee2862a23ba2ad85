package responder

import (
	"sort"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/index"
)

// scorer ranks a site's pages for a request: full-text retrieval; where the pages offer enough
// declared queries and questions to learn from, a page model; and, with an encoder, the meaning of the
// request against the pages' short texts.
type scorer struct {
	ix    *index.Index
	model *pageModel
	sem   *semantic
	// meaning is the weight of the request's meaning against the page model's 1 and retrieval's
	// retrievalWeight: one of meaningWeights, chosen by the calibration.
	meaning float64
}

// newScorer indexes pages and trains the page model when they allow one; sem, when not nil, is the
// meaning side of a larger site that holds pages.
func newScorer(pages []heed.Page, an *analysis.Analyzer, p index.Params, epochs int, sem *semantic) *scorer {
	return &scorer{ix: index.Build(pages, an, p), model: trainPageModel(pages, an, epochs), sem: sem.restrict(pages)}
}

// weighted returns the scorer with meaning weighing w.
func (s *scorer) weighted(w float64) *scorer {
	c := *s
	c.meaning = w
	return &c
}

// candidate is a page ranked for a request.
type candidate struct {
	page  int
	score float64   // 0..1: how well the page answers the request
	prob  float64   // the page model's probability, when there is a model
	hit   index.Hit // retrieval's signals; zero when retrieval did not find the page
	sim   float64   // the best cosine of the request with one of the page's short texts, with an encoder
	row   int32     // the short text that reached sim; -1 when none did
}

// Mixing of the signals: the model decides among pages its declared queries tell apart, retrieval
// adds the evidence of the pages' text, meaning the evidence of requests worded unlike the page.
const (
	retrievalWeight = 0.5
	// marginWeight is how much a page's lead over the next counts in the gap decision: a request that a
	// page answers usually fits it clearly better than any other, while one whose page is missing fits
	// several pages a little.
	marginWeight = 1.0
	// candidates is how many pages retrieval and the model each propose.
	candidates = 10
)

// meaningWeights are the weights of meaning the calibration chooses from, by how well each separates the
// site's simulated answerable requests from its simulated gaps: words alone (0), words first, or both
// alike. A site whose pages declare many ways of being asked gains most from meaning; one whose pages
// only have a title and a text may gain nothing, since its simulated requests can only be asked by
// titles held out.
var meaningWeights = []float64{0, 0.5, 1}

// semFloor is the cosine under which two sentences are taken to share no meaning.
const semFloor = 0.3

// rank returns the pages best first, with the analysed query. vec is the request's vector, nil without
// an encoder.
func (s *scorer) rank(text string, vec []float32) (index.Query, []candidate) {
	q := s.ix.Prepare(text)
	useSem := s.sem != nil && vec != nil && s.meaning > 0
	if len(q.Terms) == 0 && !useSem {
		return q, nil
	}
	var hits []index.Hit
	if len(q.Terms) > 0 {
		hits = s.ix.Search(q, index.Options{K: candidates})
	}
	var probs map[int]float64
	if s.model != nil && len(q.Terms) > 0 {
		probs = s.model.predict(q, text)
	}
	byPage := map[int]*candidate{}
	for _, h := range hits {
		byPage[h.Page] = &candidate{page: h.Page, hit: h, row: -1}
	}
	for _, pg := range topPages(probs, candidates) {
		if byPage[pg] == nil {
			byPage[pg] = &candidate{page: pg, row: -1}
		}
	}
	if useSem && s.sem.brute {
		for _, pg := range s.sem.nearest(vec, candidates) {
			if byPage[pg] == nil {
				byPage[pg] = &candidate{page: pg, row: -1}
			}
		}
	}
	known := 0.0
	if probs != nil {
		known = s.model.knownShare(q)
	}
	out := make([]candidate, 0, len(byPage))
	for pg, c := range byPage {
		num, den := retrievalWeight*c.hit.Score(), retrievalWeight
		if probs != nil {
			c.prob = probs[pg] * known
			num, den = num+c.prob, den+1
		}
		if useSem {
			c.sim, c.row = s.sem.similarity(vec, pg)
			num, den = num+s.meaning*meaning(c.sim), den+s.meaning
		}
		c.score = num / den
		if c.score > 0 {
			out = append(out, *c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].page < out[j].page
	})
	return q, out
}

// topPages returns the n pages of highest probability.
func topPages(probs map[int]float64, n int) []int {
	pages := make([]int, 0, len(probs))
	for pg := range probs {
		pages = append(pages, pg)
	}
	sort.Slice(pages, func(i, j int) bool {
		if probs[pages[i]] != probs[pages[j]] {
			return probs[pages[i]] > probs[pages[j]]
		}
		return pages[i] < pages[j]
	})
	if len(pages) > n {
		pages = pages[:n]
	}
	return pages
}

// gapScore is what the gap decision compares with its thresholds: the best page's score plus its lead
// over the next page.
func gapScore(c []candidate) float64 {
	switch len(c) {
	case 0:
		return 0
	case 1:
		return c[0].score * (1 + marginWeight)
	}
	return c[0].score + marginWeight*(c[0].score-c[1].score)
}

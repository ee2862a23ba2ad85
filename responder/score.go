package responder

import (
	"sort"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/index"
)

// scorer ranks a site's pages for a request: full-text retrieval, and, where the pages offer enough
// declared queries and questions to learn from, a page model.
type scorer struct {
	ix    *index.Index
	model *pageModel
}

// newScorer indexes pages and trains the page model when they allow one.
func newScorer(pages []heed.Page, an *analysis.Analyzer, p index.Params, epochs int) *scorer {
	return &scorer{ix: index.Build(pages, an, p), model: trainPageModel(pages, an, epochs)}
}

// candidate is a page ranked for a request.
type candidate struct {
	page  int
	score float64   // 0..1: how well the page answers the request
	prob  float64   // the page model's probability, when there is a model
	hit   index.Hit // retrieval's signals; zero when retrieval did not find the page
}

// Mixing of the two signals: the model decides among pages its declared queries tell apart, retrieval
// adds the evidence of the pages' text.
const (
	retrievalWeight = 0.5
	// marginWeight is how much a page's lead over the next counts in the gap decision: a request that a
	// page answers usually fits it clearly better than any other, while one whose page is missing fits
	// several pages a little.
	marginWeight = 1.0
	// candidates is how many pages retrieval and the model each propose.
	candidates = 10
)

// rank returns the pages best first, with the analysed query.
func (s *scorer) rank(text string) (index.Query, []candidate) {
	q := s.ix.Prepare(text)
	if len(q.Terms) == 0 {
		return q, nil
	}
	hits := s.ix.Search(q, index.Options{K: candidates})
	var probs map[int]float64
	if s.model != nil {
		probs = s.model.predict(q, text)
	}
	if probs == nil {
		out := make([]candidate, len(hits))
		for i, h := range hits {
			out[i] = candidate{page: h.Page, score: h.Score(), hit: h}
		}
		return q, out
	}
	byPage := map[int]*candidate{}
	for _, h := range hits {
		byPage[h.Page] = &candidate{page: h.Page, hit: h}
	}
	for _, pg := range topPages(probs, candidates) {
		if byPage[pg] == nil {
			byPage[pg] = &candidate{page: pg}
		}
	}
	known := s.model.knownShare(q)
	out := make([]candidate, 0, len(byPage))
	for pg, c := range byPage {
		c.prob = probs[pg] * known
		c.score = (c.prob + retrievalWeight*c.hit.Score()) / (1 + retrievalWeight)
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

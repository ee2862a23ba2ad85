// Package index is heed's full-text index of the organisation's pages: an in-memory inverted index scored
// with BM25F over a page's fields (title, headings, description, body, FAQ questions, declared queries),
// plus a nearest-neighbour score over its short texts (each declared query and each FAQ question on its
// own), built for many short requests against a fixed set of pages.
//
// An Index is built once from a slice of pages and is then read-only and safe for concurrent searches.
package index

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
)

// Field is one part of a page.
type Field uint8

// The fields of a page, in the order of Weights.
const (
	Title Field = iota
	Headings
	Description
	Body
	Questions
	Queries
	NumFields
)

var fieldNames = [NumFields]string{"title", "headings", "description", "body", "questions", "queries"}

func (f Field) String() string {
	if f < NumFields {
		return fieldNames[f]
	}
	return "field?"
}

// Params are the scoring parameters. They describe how text behaves, not any one data set.
type Params struct {
	K1      float64
	Weights [NumFields]float64 // how much a term in the field counts
	B       [NumFields]float64 // length normalisation per field
}

// DefaultParams are BM25F parameters in the usual ranges: k1 = 1.2, titles and questions worth more than
// body text, long bodies normalised more than short titles.
func DefaultParams() Params {
	return Params{
		K1:      1.2,
		Weights: [NumFields]float64{Title: 3, Headings: 1.5, Description: 1, Body: 1, Questions: 2, Queries: 1.5},
		B:       [NumFields]float64{Title: 0.3, Headings: 0.5, Description: 0.5, Body: 0.75, Questions: 0.5, Queries: 0.75},
	}
}

// posting is one (page, field) that holds a term, with how often.
type posting struct {
	doc   int32
	field Field
	tf    uint16
}

// shortPosting is one short text (declared query or FAQ question) that holds a term.
type shortPosting struct {
	short int32
}

// short is one declared query or FAQ question of a page, scored on its own.
type short struct {
	page   int32
	text   string
	field  Field
	weight float64 // the sum of its distinct terms' idf, filled once idf is known
}

// Index is the inverted index. Build it with Build.
type Index struct {
	an     *analysis.Analyzer
	params Params
	pages  []heed.Page

	terms    map[string]int32
	postings [][]posting
	shortsOf [][]shortPosting
	df       []int32   // pages holding the term
	idf      []float64 // per term id
	missIDF  float64   // idf of a term no page holds

	fieldLen [NumFields][]uint32
	avgLen   [NumFields]float64
	shorts   []short

	pool sync.Pool // *scratch
}

// Build indexes pages with the analyzer an. Pages keep their order: a Hit's Page is an index into Pages.
func Build(pages []heed.Page, an *analysis.Analyzer, p Params) *Index {
	ix := &Index{an: an, params: p, pages: pages, terms: map[string]int32{}}
	for f := range ix.fieldLen {
		ix.fieldLen[f] = make([]uint32, len(pages))
	}
	var toks []analysis.Token
	counts := map[int32]uint16{}
	add := func(doc int, f Field, text string) {
		toks = an.Analyze(toks[:0], text)
		ix.fieldLen[f][doc] += uint32(len(toks))
		for _, t := range toks {
			id := ix.termID(t.Term)
			if counts[id] < math.MaxUint16 {
				counts[id]++
			}
		}
	}
	flush := func(doc int, f Field) {
		for id, n := range counts {
			ix.postings[id] = append(ix.postings[id], posting{doc: int32(doc), field: f, tf: n})
		}
		clear(counts)
	}
	for doc, pg := range pages {
		add(doc, Title, pg.Title)
		flush(doc, Title)
		for _, h := range pg.Headings {
			add(doc, Headings, h)
		}
		flush(doc, Headings)
		add(doc, Description, pg.Description)
		flush(doc, Description)
		add(doc, Body, pg.Body)
		for _, qa := range pg.Questions {
			add(doc, Body, qa.Answer)
		}
		flush(doc, Body)
		for _, qa := range pg.Questions {
			add(doc, Questions, qa.Question)
			ix.addShort(doc, Questions, qa.Question)
		}
		flush(doc, Questions)
		for _, q := range pg.Queries {
			add(doc, Queries, q)
			ix.addShort(doc, Queries, q)
		}
		flush(doc, Queries)
	}
	for f := range ix.fieldLen {
		var sum float64
		for _, n := range ix.fieldLen[f] {
			sum += float64(n)
		}
		if len(pages) > 0 {
			ix.avgLen[f] = sum / float64(len(pages))
		}
	}
	// Postings were appended field by field within a page, and pages in order: sort by doc, then field,
	// which they already nearly are.
	ix.df = make([]int32, len(ix.postings))
	ix.idf = make([]float64, len(ix.postings))
	n := float64(len(pages))
	for id, ps := range ix.postings {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].doc < ps[j].doc })
		var last int32 = -1
		for _, p := range ps {
			if p.doc != last {
				ix.df[id]++
				last = p.doc
			}
		}
		ix.idf[id] = bm25IDF(n, float64(ix.df[id]))
	}
	// A word no page holds weighs as much as the rarest word some page holds: on a small site most
	// ordinary words are unseen, and weighing them above every word the site uses would drown the match.
	ix.missIDF = bm25IDF(n, 1)
	for i := range ix.shorts {
		ix.shorts[i].weight = ix.textWeight(ix.shorts[i].text)
	}
	return ix
}

func bm25IDF(n, df float64) float64 { return math.Log(1 + (n-df+0.5)/(df+0.5)) }

func (ix *Index) termID(t string) int32 {
	id, ok := ix.terms[t]
	if !ok {
		id = int32(len(ix.postings))
		ix.terms[t] = id
		ix.postings = append(ix.postings, nil)
		ix.shortsOf = append(ix.shortsOf, nil)
	}
	return id
}

func (ix *Index) addShort(doc int, f Field, text string) {
	id := int32(len(ix.shorts))
	ix.shorts = append(ix.shorts, short{page: int32(doc), text: text, field: f})
	seen := map[int32]bool{}
	for _, t := range ix.an.Analyze(nil, text) {
		tid := ix.termID(t.Term)
		if !seen[tid] {
			seen[tid] = true
			ix.shortsOf[tid] = append(ix.shortsOf[tid], shortPosting{short: id})
		}
	}
}

// textWeight is the weight a short text has as a query: the sum of its distinct terms' idf.
func (ix *Index) textWeight(text string) float64 { return ix.Prepare(text).Weight }

// Pages returns the indexed pages, in the order they were given.
func (ix *Index) Pages() []heed.Page { return ix.pages }

// Len is the number of indexed pages.
func (ix *Index) Len() int { return len(ix.pages) }

// Analyzer is the analyzer the index was built with.
func (ix *Index) Analyzer() *analysis.Analyzer { return ix.an }

// Term is one distinct term of a query with its weight.
type Term struct {
	Text  string // the analysed term
	Word  string // the word as the request wrote it
	IDF   float64
	Known bool // some page holds it
}

// Query is an analysed request, ready to search with.
type Query struct {
	Terms  []Term
	Weight float64 // the sum of the terms' idf: what a page matching every term would reach
}

// Prepare analyses text into a Query. A compound the index knows in its joined form ("ebike" for
// "e-bike") is searched as that one term, not also as its parts, so that it weighs as one word.
func (ix *Index) Prepare(text string) Query {
	var q Query
	skipParts := false
	for _, t := range ix.an.Analyze(nil, text) {
		switch t.Form {
		case analysis.Joined:
			_, known := ix.terms[t.Term]
			skipParts = known
			if !known {
				continue
			}
		case analysis.Part:
			if skipParts {
				continue
			}
		default:
			skipParts = false
		}
		if slices.ContainsFunc(q.Terms, func(x Term) bool { return x.Text == t.Term }) {
			continue
		}
		id, ok := ix.terms[t.Term]
		w := ix.missIDF
		if ok {
			w = ix.idf[id]
		}
		q.Terms = append(q.Terms, Term{Text: t.Term, Word: t.Word, IDF: w, Known: ok})
		q.Weight += w
	}
	return q
}

// Hit is one page found for a query, with the signals behind its score.
type Hit struct {
	Page int // index into Pages
	// Coverage is the page's BM25F score divided by the query's weight: the share of the query's
	// information the page holds, each term saturating with how often and where it occurs. 0..1.
	Coverage float64
	// Short is the best similarity between the query and one of the page's short texts (a declared
	// query or an FAQ question): shared idf over the mean of both texts' idf (a weighted Dice). 0..1.
	Short float64
	// ShortText is the short text that reached Short.
	ShortText  string
	ShortField Field
	// Matched has bit i set when the query's i-th term occurs in the page (first 64 terms).
	Matched uint64
	// InTitle has bit i set when the query's i-th term occurs in the title or a heading.
	InTitle uint64
}

// Options narrow a search.
type Options struct {
	K int // how many pages to return; 0 means 5
	// LeaveOut, when set, is a page the search ignores, as if it were not indexed: calibration leaves a
	// page out to see what a request whose page is missing scores.
	LeaveOut     bool
	LeaveOutPage int
}

// scratch holds the dense per-search buffers, reused through a pool.
type scratch struct {
	hitOf   []int32 // page -> index into hits, -1 when untouched
	shared  []float64
	touched []int32 // short texts with shared > 0
	hits    []Hit
}

func (ix *Index) getScratch() *scratch {
	if s, ok := ix.pool.Get().(*scratch); ok {
		return s
	}
	s := &scratch{hitOf: make([]int32, len(ix.pages)), shared: make([]float64, len(ix.shorts))}
	for i := range s.hitOf {
		s.hitOf[i] = -1
	}
	return s
}

func (ix *Index) putScratch(s *scratch) {
	for _, h := range s.hits {
		s.hitOf[h.Page] = -1
	}
	for _, sid := range s.touched {
		s.shared[sid] = 0
	}
	s.hits, s.touched = s.hits[:0], s.touched[:0]
	ix.pool.Put(s)
}

// hit returns the scratch hit of page doc, adding it when new.
func (s *scratch) hit(doc int32) *Hit {
	if i := s.hitOf[doc]; i >= 0 {
		return &s.hits[i]
	}
	s.hitOf[doc] = int32(len(s.hits))
	s.hits = append(s.hits, Hit{Page: int(doc)})
	return &s.hits[len(s.hits)-1]
}

// Search returns up to opt.K pages that share terms with q, best first by the larger of Coverage and
// Short.
func (ix *Index) Search(q Query, opt Options) []Hit {
	k := opt.K
	if k <= 0 {
		k = 5
	}
	if len(q.Terms) == 0 || q.Weight == 0 || len(ix.pages) == 0 {
		return nil
	}
	exclude := -1
	if opt.LeaveOut {
		exclude = opt.LeaveOutPage
	}
	s := ix.getScratch()
	defer ix.putScratch(s)
	p := ix.params
	for ti, t := range q.Terms {
		id, ok := ix.terms[t.Text]
		if !ok {
			continue
		}
		bit := uint64(0)
		if ti < 64 {
			bit = 1 << ti
		}
		ps := ix.postings[id]
		for i := 0; i < len(ps); {
			doc := ps[i].doc
			if int(doc) == exclude {
				for i < len(ps) && ps[i].doc == doc {
					i++
				}
				continue
			}
			h := s.hit(doc)
			var tf float64
			for ; i < len(ps) && ps[i].doc == doc; i++ {
				f := ps[i].field
				norm := 1 - p.B[f]
				if ix.avgLen[f] > 0 {
					norm += p.B[f] * float64(ix.fieldLen[f][doc]) / ix.avgLen[f]
				}
				tf += p.Weights[f] * float64(ps[i].tf) / norm
				if f == Title || f == Headings {
					h.InTitle |= bit
				}
			}
			h.Matched |= bit
			h.Coverage += t.IDF * tf / (p.K1 + tf)
		}
		for _, sp := range ix.shortsOf[id] {
			if int(ix.shorts[sp.short].page) == exclude {
				continue
			}
			if s.shared[sp.short] == 0 {
				s.touched = append(s.touched, sp.short)
			}
			s.shared[sp.short] += t.IDF
		}
	}
	for i := range s.hits {
		s.hits[i].Coverage /= q.Weight
	}
	for _, sid := range s.touched {
		sh := ix.shorts[sid]
		sim := 2 * s.shared[sid] / (q.Weight + sh.weight)
		h := s.hit(sh.page)
		if sim > h.Short {
			h.Short, h.ShortText, h.ShortField = sim, sh.text, sh.field
		}
	}
	out := topK(s.hits, k)
	return out
}

// topK returns the k best hits, best first, as a new slice.
func topK(hits []Hit, k int) []Hit {
	better := func(a, b Hit) bool {
		x, y := a.Best(), b.Best()
		if x != y {
			return x > y
		}
		return a.Page < b.Page
	}
	out := make([]Hit, 0, min(k, len(hits)))
	for _, h := range hits {
		if len(out) == k && !better(h, out[k-1]) {
			continue
		}
		i := sort.Search(len(out), func(i int) bool { return better(h, out[i]) })
		if len(out) < k {
			out = append(out, Hit{})
		}
		copy(out[i+1:], out[i:])
		out[i] = h
	}
	return out
}

// Best is the stronger of the hit's two signals.
func (h Hit) Best() float64 { return max(h.Coverage, h.Short) }

// MatchedWords lists the words of the query whose terms the hit's page holds (mask: a Hit's Matched), and
// the words it does not hold, as the request wrote them.
func (q Query) MatchedWords(mask uint64) (matched, missing []string) {
	for i, t := range q.Terms {
		if i < 64 && mask&(1<<i) != 0 {
			matched = append(matched, t.Word)
		} else {
			missing = append(missing, t.Word)
		}
	}
	return matched, missing
}

// String shows the query's words, for explanations.
func (q Query) String() string {
	parts := make([]string, len(q.Terms))
	for i, t := range q.Terms {
		parts[i] = t.Word
	}
	return strings.Join(parts, " ")
}

// Package index is heed's full-text index of the organisation's pages: an in-memory inverted index scored
// with BM25F over a page's fields (title, headings, description, body, FAQ questions, declared queries),
// plus a nearest-neighbour score over its short texts (each declared query and each FAQ question on its
// own), built for many short requests against a fixed set of pages.
//
// An Index is built once from a slice of pages and is then read-only and safe for concurrent searches.
package index

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

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
	// Background caps each term's idf by how common the word is in ordinary language (where the
	// analyzer's language has a word-frequency corpus): on a small site, "need" or "way" is rare among
	// the pages but says little about what a request wants.
	Background bool
	K1         float64
	Weights    [NumFields]float64 // how much a term in the field counts
	B          [NumFields]float64 // length normalisation per field
}

// DefaultParams are BM25F parameters in the usual ranges: k1 = 1.2, titles and questions worth more than
// body text, long bodies normalised more than short titles.
func DefaultParams() Params {
	return Params{
		Background: true,
		K1:         1.2,
		Weights:    [NumFields]float64{Title: 3, Headings: 1.5, Description: 1, Body: 1, Questions: 2, Queries: 1.5},
		B:          [NumFields]float64{Title: 0.3, Headings: 0.5, Description: 0.5, Body: 0.75, Questions: 0.5, Queries: 0.75},
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
	hasShort []bool // per page: whether it has short texts

	pool sync.Pool // *scratch
	bg   map[string]float64

	// pairs holds, for two terms adjacent in a page's title, headings, description, questions or
	// declared queries, the pages where they are: phrase proximity.
	pairs map[uint64][]int32
	// deletes maps each term, and each term with one letter deleted, to the terms: typo tolerance
	// (symmetric deletion), built on the first unknown word.
	delOnce sync.Once
	deletes map[string][]int32
	byID    []string
}

// Build indexes pages with the analyzer an. Pages keep their order: a Hit's Page is an index into Pages.
func Build(pages []heed.Page, an *analysis.Analyzer, p Params) *Index {
	ix := &Index{an: an, params: p, pages: pages, terms: map[string]int32{}, hasShort: make([]bool, len(pages))}
	for f := range ix.fieldLen {
		ix.fieldLen[f] = make([]uint32, len(pages))
	}
	ix.indexPages()
	ix.averageFieldLengths()
	ix.weighTerms()
	for i := range ix.shorts {
		ix.shorts[i].weight = ix.textWeight(ix.shorts[i].text)
	}
	return ix
}

// indexPages adds the pages, field by field, to the postings, the field lengths and the pairs of adjacent
// terms, and notes their short texts (title, questions, declared queries).
func (ix *Index) indexPages() {
	var toks []analysis.Token
	counts := map[int32]uint16{}
	ix.pairs = map[uint64][]int32{}
	add := func(doc int, f Field, text string) {
		toks = ix.an.Analyze(toks[:0], text)
		ix.fieldLen[f][doc] += uint32(len(toks))
		prev := int32(-1)
		for _, t := range toks {
			id := ix.termID(t.Term)
			if counts[id] < math.MaxUint16 {
				counts[id]++
			}
			if f == Body || t.Form == analysis.Part {
				continue
			}
			if prev >= 0 {
				k := pairKey(prev, id)
				if ds := ix.pairs[k]; len(ds) == 0 || ds[len(ds)-1] != int32(doc) {
					ix.pairs[k] = append(ds, int32(doc))
				}
			}
			prev = id
		}
	}
	flush := func(doc int, f Field) {
		for id, n := range counts {
			ix.postings[id] = append(ix.postings[id], posting{doc: int32(doc), field: f, tf: n})
		}
		clear(counts)
	}
	for doc, pg := range ix.pages {
		add(doc, Title, pg.Title)
		flush(doc, Title)
		if strings.TrimSpace(pg.Title) != "" {
			ix.addShort(doc, Title, pg.Title)
		}
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
}

// averageFieldLengths sets each field's mean length over the pages, for BM25F's length normalisation.
func (ix *Index) averageFieldLengths() {
	for f := range ix.fieldLen {
		var sum float64
		for _, n := range ix.fieldLen[f] {
			sum += float64(n)
		}
		if len(ix.pages) > 0 {
			ix.avgLen[f] = sum / float64(len(ix.pages))
		}
	}
}

// weighTerms sorts each term's postings by page and sets its document frequency and idf (capped by the
// language's background idf when Params.Background), and the idf of a term no page holds.
func (ix *Index) weighTerms() {
	// Postings were appended field by field within a page, and pages in order: sort by doc, then field,
	// which they already nearly are.
	ix.df = make([]int32, len(ix.postings))
	ix.idf = make([]float64, len(ix.postings))
	n := float64(len(ix.pages))
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
	if ix.params.Background {
		ix.bg = ix.an.BackgroundIDF()
		for t, id := range ix.terms {
			if b, ok := ix.bg[t]; ok && b < ix.idf[id] {
				ix.idf[id] = b
			}
		}
	}
}

func bm25IDF(n, df float64) float64 { return math.Log(1 + (n-df+0.5)/(df+0.5)) }

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// Typo tolerance: a word no page holds, and that is not a word of the language, is read as the indexed
// term one edit away (a letter inserted, deleted, replaced or two swapped), the most common if several;
// it counts for less than the word itself would.
const (
	minTypoLen  = 4   // shorter terms are too easily another word
	fuzzyFactor = 0.8 // what a corrected term's match counts
	synFactor   = 0.8 // what a synonym's match counts
	// Pruning on large sites (minPruneSite pages or more): a term more than one page in commonShare
	// holds is scored only on the pages rarer terms found.
	minPruneSite = 5000
	commonShare  = 20
	// proximityBonus is how far a page holding the request's words next to each other, as it wrote
	// them, moves its coverage towards 1.
	proximityBonus = 0.25
)

func deletes1(t string) []string {
	rs := []rune(t)
	out := make([]string, 0, len(rs))
	for i := range rs {
		out = append(out, string(rs[:i])+string(rs[i+1:]))
	}
	return out
}

func (ix *Index) buildDeletes() {
	ix.deletes = map[string][]int32{}
	ix.byID = make([]string, len(ix.postings))
	for t, id := range ix.terms {
		ix.byID[id] = t
		if utf8.RuneCountInString(t) < minTypoLen || len(ix.postings[id]) == 0 {
			continue
		}
		ix.deletes[t] = append(ix.deletes[t], id)
		for _, d := range deletes1(t) {
			ix.deletes[d] = append(ix.deletes[d], id)
		}
	}
}

// correct returns the indexed term one edit away from the unknown term t, if any.
func (ix *Index) correct(t, word string) (int32, bool) {
	if utf8.RuneCountInString(t) < minTypoLen || strings.ContainsAny(t, "0123456789") {
		return 0, false
	}
	if ix.an.Lang() == "en" && analysis.Words(word) {
		return 0, false // a real word the site does not use, not a typo
	}
	ix.delOnce.Do(ix.buildDeletes)
	best, bestDF := int32(-1), int32(0)
	// The stem, and the word as written with and without its last letter: the stemmer may not
	// recognise a misspelt ending ("chrage" is no form of "charg", but "chrag" is one swap from it).
	forms := []string{t}
	for _, f := range []string{word, strings.TrimSuffix(word, string([]rune(word)[len([]rune(word))-1:]))} {
		if utf8.RuneCountInString(f) > minTypoLen && !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	for _, form := range forms {
		consider := func(ids []int32) {
			for _, id := range ids {
				if ix.df[id] > bestDF || ix.df[id] == bestDF && best >= 0 && ix.byID[id] < ix.byID[best] {
					if osa1(form, ix.byID[id]) {
						best, bestDF = id, ix.df[id]
					}
				}
			}
		}
		consider(ix.deletes[form])
		for _, d := range deletes1(form) {
			consider(ix.deletes[d])
		}
	}
	return best, best >= 0
}

// osa1 reports whether a and b differ by exactly one edit: an insertion, deletion, substitution, or a
// swap of two adjacent letters.
func osa1(a, b string) bool {
	x, y := []rune(a), []rune(b)
	if len(x) > len(y) {
		x, y = y, x
	}
	switch len(y) - len(x) {
	case 0:
		var diff []int
		for i := range x {
			if x[i] != y[i] {
				diff = append(diff, i)
				if len(diff) > 2 {
					return false
				}
			}
		}
		switch len(diff) {
		case 1:
			return true
		case 2:
			i, j := diff[0], diff[1]
			return j == i+1 && x[i] == y[j] && x[j] == y[i]
		}
		return false
	case 1:
		i := 0
		for i < len(x) && x[i] == y[i] {
			i++
		}
		return string(x[i:]) == string(y[i+1:])
	}
	return false
}

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
	ix.hasShort[doc] = true
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

// Params are the scoring parameters the index was built with.
func (ix *Index) Params() Params { return ix.params }

// Term is one distinct term of a query with its weight.
type Term struct {
	Text  string // the analysed term (after typo correction)
	Word  string // the word as the request wrote it
	IDF   float64
	Known bool // some page holds it, or a synonym of it
	// Fuzzy is true when Text is the correction of a typo: Word is not a word, and Text is one edit away.
	Fuzzy bool
	// Syn are the indexed terms of the same meaning (analysis.Synonyms).
	Syn []string

	id   int32 // -1 when no page holds Text
	syns []int32
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
		term := Term{Text: t.Term, Word: t.Word, id: -1}
		id, ok := ix.terms[t.Term]
		if ok && len(ix.postings[id]) == 0 {
			ok = false // only a declared query's analysis made the term
		}
		if !ok {
			if c, found := ix.correct(t.Term, t.Word); found {
				id, ok, term.Fuzzy = c, true, true
				term.Text = ix.byID[c]
				if slices.ContainsFunc(q.Terms, func(x Term) bool { return x.Text == term.Text }) {
					continue
				}
			}
		}
		w := ix.missIDF
		if ok {
			w = ix.idf[id]
			term.id = id
		} else if b, known := ix.bg[t.Term]; known && b < w {
			w = b
		}
		for _, syn := range ix.an.Synonyms(term.Text) {
			if sid, known := ix.terms[syn]; known && len(ix.postings[sid]) > 0 {
				term.Syn = append(term.Syn, syn)
				term.syns = append(term.syns, sid)
			}
		}
		term.IDF, term.Known = w, ok || len(term.syns) > 0
		q.Terms = append(q.Terms, term)
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
	// Short is the best similarity between the query and one of the page's short texts (its title, a
	// declared query or an FAQ question): shared idf over the mean of both texts' idf (a weighted Dice).
	// 0..1.
	Short float64
	// ShortText is the short text that reached Short.
	ShortText  string
	ShortField Field
	// Matched has bit i set when the query's i-th term occurs in the page (first 64 terms).
	Matched uint64
	// InTitle has bit i set when the query's i-th term occurs in the title or a heading.
	InTitle uint64
	// Proximity is the share of the query's adjacent word pairs (weighted by idf) that the page's
	// title, headings, description, questions or declared queries hold side by side. 0..1.
	Proximity float64

	hasShort bool
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
	order    []int
	picked   []posting
	hitOf    []int32 // page -> index into hits, -1 when untouched
	tf       []float64
	docs     []int32 // pages with tf > 0 for the current term
	lastTerm []int32 // per short text: 1 + the last query term counted in it
	shared   []float64
	touched  []int32 // short texts with shared > 0
	hits     []Hit
}

func (ix *Index) getScratch() *scratch {
	if s, ok := ix.pool.Get().(*scratch); ok {
		return s
	}
	s := &scratch{hitOf: make([]int32, len(ix.pages)), tf: make([]float64, len(ix.pages)),
		lastTerm: make([]int32, len(ix.shorts)), shared: make([]float64, len(ix.shorts))}
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
		s.shared[sid], s.lastTerm[sid] = 0, 0
	}
	s.hits, s.touched = s.hits[:0], s.touched[:0]
	ix.pool.Put(s)
}

// pick returns the postings of the pages already hit, by binary search in ps (sorted by page).
func (s *scratch) pick(ps []posting) []posting {
	out := s.picked[:0]
	if len(s.hits)*bits.Len(uint(len(ps))) > len(ps) {
		// Many hits: one pass over the postings costs less than a search per hit.
		for _, p := range ps {
			if s.hitOf[p.doc] >= 0 {
				out = append(out, p)
			}
		}
		s.picked = out
		return out
	}
	for _, h := range s.hits {
		doc := int32(h.Page)
		i := sort.Search(len(ps), func(i int) bool { return ps[i].doc >= doc })
		for ; i < len(ps) && ps[i].doc == doc; i++ {
			out = append(out, ps[i])
		}
	}
	s.picked = out
	return out
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

// Search returns up to opt.K pages that share terms with q, best first by Score.
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
	common := int32(len(ix.pages) / commonShare)
	for _, ti := range ix.rarestFirst(s, q) {
		t := &q.Terms[ti]
		onlyHit := len(ix.pages) >= minPruneSite && ix.termDF(t) > common && len(s.hits) > 0
		ix.scoreTerm(s, t, ti, onlyHit, exclude)
	}
	pairWeight := ix.proximity(s, q, exclude)
	ix.finishHits(s, q.Weight, pairWeight)
	ix.scoreShorts(s, q.Weight)
	out := topK(s.hits, k)
	return out
}

// termDF is the number of pages holding t, 0 when none does.
func (ix *Index) termDF(t *Term) int32 {
	if t.id < 0 {
		return 0
	}
	return ix.df[t.id]
}

// rarestFirst returns the indexes of q's terms, the rarest first (in s.order).
//
// Rare terms first. A term most pages hold is then only scored on the pages the rarer terms found: a
// page that holds nothing but such words cannot lead, and walking its postings is most of the cost of a
// search on a large site.
func (ix *Index) rarestFirst(s *scratch, q Query) []int {
	order := s.order[:0]
	for ti := range q.Terms {
		order = append(order, ti)
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(ix.termDF(&q.Terms[a]) - ix.termDF(&q.Terms[b])) })
	s.order = order
	return order
}

// scoreTerm adds t, the query's ti-th term, to the hits: its BM25F share of each page's Coverage, its bit
// in Matched (and InTitle), and its idf to the short texts holding it. With onlyHit, only pages already
// hit are scored and short texts are left alone.
func (ix *Index) scoreTerm(s *scratch, t *Term, ti int, onlyHit bool, exclude int) {
	bit := uint64(0)
	if ti < 64 {
		bit = 1 << ti
	}
	// The term and its synonyms: each page's weighted frequency of any of them, summed.
	s.docs = s.docs[:0]
	for j := -1; j < len(t.syns); j++ {
		id, factor := t.id, 1.0
		if t.Fuzzy {
			factor = fuzzyFactor
		}
		if j >= 0 {
			id, factor = t.syns[j], synFactor
		}
		if id < 0 {
			continue
		}
		ix.addFrequencies(s, id, factor, bit, onlyHit, exclude)
		if onlyHit {
			continue // its short texts too: the term weighs little, and they are many
		}
		ix.addShared(s, id, t.IDF, factor, ti, exclude)
	}
	p := &ix.params
	for _, doc := range s.docs {
		tf := s.tf[doc]
		s.tf[doc] = 0
		h := s.hit(doc)
		h.Matched |= bit
		h.Coverage += t.IDF * tf / (p.K1 + tf)
	}
}

// addFrequencies adds to s.tf, for each page holding term id (only the pages already hit when onlyHit),
// the term's frequency weighted by field and factor and normalised by the field's length, listing the
// pages in s.docs; a page holding it in its title or a heading gets bit in InTitle.
func (ix *Index) addFrequencies(s *scratch, id int32, factor float64, bit uint64, onlyHit bool, exclude int) {
	p := &ix.params
	postings := ix.postings[id]
	if onlyHit {
		postings = s.pick(postings)
	}
	for _, ps := range postings {
		doc := ps.doc
		if int(doc) == exclude {
			continue
		}
		f := ps.field
		norm := 1 - p.B[f]
		if ix.avgLen[f] > 0 {
			norm += p.B[f] * float64(ix.fieldLen[f][doc]) / ix.avgLen[f]
		}
		if s.tf[doc] == 0 {
			s.docs = append(s.docs, doc)
		}
		s.tf[doc] += factor * p.Weights[f] * float64(ps.tf) / norm
		if f == Title || f == Headings {
			s.hit(doc).InTitle |= bit
		}
	}
}

// addShared adds idf times factor to the shared weight of each short text holding term id, once per
// query term (the ti-th).
func (ix *Index) addShared(s *scratch, id int32, idf, factor float64, ti int, exclude int) {
	for _, sp := range ix.shortsOf[id] {
		if int(ix.shorts[sp.short].page) == exclude || s.lastTerm[sp.short] == int32(ti+1) {
			continue
		}
		s.lastTerm[sp.short] = int32(ti + 1)
		if s.shared[sp.short] == 0 {
			s.touched = append(s.touched, sp.short)
		}
		s.shared[sp.short] += idf * factor
	}
}

// proximity adds to each hit's Proximity the weight of the query's adjacent word pairs its page holds side
// by side in its short fields, and returns the weight of all the query's pairs.
func (ix *Index) proximity(s *scratch, q Query, exclude int) float64 {
	var pairWeight float64
	for i := 0; i+1 < len(q.Terms); i++ {
		a, b := &q.Terms[i], &q.Terms[i+1]
		if a.id < 0 || b.id < 0 {
			continue
		}
		w := min(a.IDF, b.IDF)
		pairWeight += w
		for _, doc := range ix.pairs[pairKey(a.id, b.id)] {
			if int(doc) != exclude && s.hitOf[doc] >= 0 {
				s.hits[s.hitOf[doc]].Proximity += w
			}
		}
	}
	return pairWeight
}

// finishHits turns each hit's BM25F sum into a share of the query's weight and its Proximity into a share
// of pairWeight that moves Coverage towards 1, and notes whether its page has short texts.
func (ix *Index) finishHits(s *scratch, weight, pairWeight float64) {
	for i := range s.hits {
		h := &s.hits[i]
		h.Coverage /= weight
		if pairWeight > 0 {
			h.Proximity /= pairWeight
			h.Coverage += proximityBonus * h.Proximity * (1 - h.Coverage)
		}
		h.hasShort = ix.hasShort[h.Page]
	}
}

// scoreShorts sets each hit's Short to its page's best short text's similarity with the query (of the
// given weight), adding the pages only a short text matched.
func (ix *Index) scoreShorts(s *scratch, weight float64) {
	for _, sid := range s.touched {
		sh := ix.shorts[sid]
		sim := 2 * s.shared[sid] / (weight + sh.weight)
		h := s.hit(sh.page)
		h.hasShort = true
		if sim > h.Short {
			h.Short, h.ShortText, h.ShortField = sim, sh.text, sh.field
		}
	}
}

// topK returns the k best hits, best first, as a new slice.
func topK(hits []Hit, k int) []Hit {
	better := func(a, b Hit) bool {
		x, y := a.Score(), b.Score()
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

// Score combines the hit's two signals: the mean of Coverage and Short when the page has short texts to
// compare with (its title, declared queries, questions), Coverage alone when it has none. A page that
// answers a request usually both holds its words and has a title or question worded like it.
func (h Hit) Score() float64 {
	if h.hasShort {
		return (h.Coverage + h.Short) / 2
	}
	return h.Coverage
}

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

package responder

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/index"
)

// pageModel is a linear classifier whose classes are pages, trained on the short texts pages offer
// (declared queries, FAQ questions, titles, headings): where a content team pinned many ways of asking to
// a page, learning which words tell pages apart beats comparing texts one by one.
type pageModel struct {
	an      *analysis.Analyzer
	pages   []int // page index of each class
	classOf map[int]int
	feat    map[string]int32
	w       []float32 // feature-major: w[f*k + c]
	k       int
	// examples is how many texts the model learnt from.
	examples int
}

// Limits of the page model: past them, training costs more than it gives and matching uses retrieval
// alone.
const (
	// maxModelWork bounds examples × pages, which training time grows with (about 4 s for 15,000
	// examples of 150 pages on one core).
	maxModelWork = 6_000_000
	// minModelExamples is how many declared queries and FAQ questions a page needs on average for a
	// model: titles and headings alone say too little of how people ask, and retrieval reads them better.
	minModelExamples = 3
	modelEpochs      = 12
)

// textFeatures turns a text into the model's features: its analysed terms, its words as written (stop
// words included: "what is my" and "how do i" tell requests apart too) and pairs of words.
func textFeatures(an *analysis.Analyzer, text string, dst []string) []string {
	for _, t := range an.Analyze(nil, text) {
		dst = append(dst, "t:"+t.Term)
	}
	return wordFeatures(text, dst)
}

// wordFeatures appends a text's words as written, and pairs of them.
func wordFeatures(text string, dst []string) []string {
	ws := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '\'' || r > 127)
	})
	for i, w := range ws {
		dst = append(dst, "w:"+w)
		if i+1 < len(ws) {
			dst = append(dst, "b:"+w+"_"+ws[i+1])
		}
	}
	return dst
}

// trainPageModel learns the page model, or returns nil when the pages offer too little or too much to
// learn from.
func trainPageModel(pages []heed.Page, an *analysis.Analyzer, epochs int) *pageModel {
	type example struct {
		class int
		feats []int32
	}
	m := &pageModel{an: an, classOf: map[int]int{}, feat: map[string]int32{}}
	var raw []struct {
		page int
		text string
	}
	for i, p := range pages {
		var texts []string
		texts = append(texts, p.Queries...)
		for _, qa := range p.Questions {
			texts = append(texts, qa.Question)
		}
		if p.Title != "" {
			texts = append(texts, p.Title)
		}
		texts = append(texts, p.Headings...)
		for _, t := range texts {
			if strings.TrimSpace(t) != "" {
				raw = append(raw, struct {
					page int
					text string
				}{i, t})
			}
		}
	}
	// Learn in an order that does not depend on the order of the pages.
	slices.SortStableFunc(raw, func(a, b struct {
		page int
		text string
	}) int {
		if c := strings.Compare(pages[a.page].URL, pages[b.page].URL); c != 0 {
			return c
		}
		return strings.Compare(a.text, b.text)
	})
	for _, r := range raw {
		if _, ok := m.classOf[r.page]; !ok {
			m.classOf[r.page] = len(m.pages)
			m.pages = append(m.pages, r.page)
		}
	}
	m.k = len(m.pages)
	declared := 0
	for _, p := range pages {
		declared += len(p.Queries) + len(p.Questions)
	}
	if m.k < 2 || len(raw)*m.k > maxModelWork || declared < minModelExamples*len(pages) {
		return nil
	}
	var buf []string
	exs := make([]example, 0, len(raw))
	for _, r := range raw {
		buf = textFeatures(an, r.text, buf[:0])
		var fs []int32
		seen := map[int32]bool{}
		for _, f := range buf {
			id, ok := m.feat[f]
			if !ok {
				id = int32(len(m.feat))
				m.feat[f] = id
			}
			if !seen[id] {
				seen[id] = true
				fs = append(fs, id)
			}
		}
		if len(fs) > 0 {
			exs = append(exs, example{m.classOf[r.page], fs})
		}
	}
	m.examples = len(exs)
	nf := len(m.feat)
	m.w = make([]float32, nf*m.k)
	g2 := make([]float32, nf*m.k)
	rng := rand.New(rand.NewPCG(1, 1))
	order := make([]int, len(exs))
	for i := range order {
		order[i] = i
	}
	scores := make([]float64, m.k)
	const rate, l2 = 0.2, 1e-5
	for epoch := 0; epoch < epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, oi := range order {
			ex := exs[oi]
			norm := float32(1 / math.Sqrt(float64(len(ex.feats))))
			clear(scores)
			for _, f := range ex.feats {
				row := m.w[int(f)*m.k : int(f+1)*m.k]
				for c, x := range row {
					scores[c] += float64(x * norm)
				}
			}
			p := softmaxInPlace(scores)
			for _, f := range ex.feats {
				row := m.w[int(f)*m.k : int(f+1)*m.k]
				grow := g2[int(f)*m.k : int(f+1)*m.k]
				for c := range row {
					y := 0.0
					if c == ex.class {
						y = 1
					}
					g := float32(p[c]-y)*norm + l2*row[c]
					if g == 0 {
						continue
					}
					grow[c] += g * g
					row[c] -= rate * g / float32(math.Sqrt(float64(grow[c]))+1e-6)
				}
			}
		}
	}
	return m
}

func softmaxInPlace(s []float64) []float64 {
	mx := math.Inf(-1)
	for _, x := range s {
		mx = max(mx, x)
	}
	var z float64
	for i, x := range s {
		s[i] = math.Exp(x - mx)
		z += s[i]
	}
	for i := range s {
		s[i] /= z
	}
	return s
}

// queryFeatures are textFeatures of a request whose terms the index analysed (and corrected, where it
// found typos).
func queryFeatures(q index.Query, text string) []string {
	var dst []string
	for _, t := range q.Terms {
		dst = append(dst, "t:"+t.Text)
	}
	return wordFeatures(text, dst)
}

// predict returns each page's probability for the request q (analysed from text), by page index; nil
// when no feature is known.
func (m *pageModel) predict(q index.Query, text string) map[int]float64 {
	fs := queryFeatures(q, text)
	scores := make([]float64, m.k)
	seen := map[int32]bool{}
	var known []int32
	for _, f := range fs {
		if id, ok := m.feat[f]; ok && !seen[id] {
			seen[id] = true
			known = append(known, id)
		}
	}
	if len(known) == 0 {
		return nil
	}
	norm := 1 / math.Sqrt(float64(len(fs)))
	for _, f := range known {
		row := m.w[int(f)*m.k : int(f+1)*m.k]
		for c, x := range row {
			scores[c] += float64(x) * norm
		}
	}
	p := softmaxInPlace(scores)
	out := make(map[int]float64, len(p))
	for c, x := range p {
		out[m.pages[c]] = x
	}
	return out
}

// knownShare is the share of the request's weight (its terms' idf) that the model learnt words for. A
// model spreads all its probability over the pages it knows, so alone it is as sure of "electric bike
// lease for employees" as of "electric bike"; its probability is scaled by this share: it can only vouch
// for the words it learnt.
func (m *pageModel) knownShare(q index.Query) float64 {
	if q.Weight <= 0 {
		return 0
	}
	var w float64
	for _, t := range q.Terms {
		if _, ok := m.feat["t:"+t.Text]; ok {
			w += t.IDF
		}
	}
	return w / q.Weight
}

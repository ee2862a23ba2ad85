package responder

import (
	"math"
	"slices"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/index"
	"github.com/heed-dev/heed/internal/linear"
)

// pageModel is a linear classifier whose classes are pages, trained on the short texts pages offer
// (declared queries, FAQ questions, titles, headings): where a content team pinned many ways of asking to
// a page, learning which words tell pages apart beats comparing texts one by one.
type pageModel struct {
	an      *analysis.Analyzer
	pages   []int // page index of each class
	classOf map[int]int
	feat    linear.Index
	w       linear.Weights[float32]
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

// pageTrainer is how the page model learns: a pass over the texts per epoch, in shuffled order.
func pageTrainer(epochs int) linear.Stochastic {
	return linear.Stochastic{Epochs: epochs, Rate: 0.2, L2: 1e-5, Epsilon: 1e-6}
}

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
	texts := pageTexts(pages)
	m := &pageModel{an: an, classOf: map[int]int{}}
	for _, t := range texts {
		if _, ok := m.classOf[t.page]; !ok {
			m.classOf[t.page] = len(m.pages)
			m.pages = append(m.pages, t.page)
		}
	}
	if !worthLearning(pages, len(texts), len(m.pages)) {
		return nil
	}
	exs := m.examplesOf(texts)
	m.examples = len(exs)
	m.w = pageTrainer(epochs).Train(exs, m.feat.Len(), len(m.pages))
	return m
}

// pageText is a short text a page offers: one example to learn the page by.
type pageText struct {
	page int
	text string
}

// pageTexts returns the pages' declared queries, questions, titles and headings, in an order that does
// not depend on the order of the pages.
func pageTexts(pages []heed.Page) []pageText {
	var out []pageText
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
				out = append(out, pageText{i, t})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b pageText) int {
		if c := strings.Compare(pages[a.page].URL, pages[b.page].URL); c != 0 {
			return c
		}
		return strings.Compare(a.text, b.text)
	})
	return out
}

// worthLearning says whether pages whose short texts number texts, over k pages that have any, are
// worth a model: at least two such pages, enough declared queries and questions, and not too much work.
func worthLearning(pages []heed.Page, texts, k int) bool {
	declared := 0
	for _, p := range pages {
		declared += len(p.Queries) + len(p.Questions)
	}
	return k >= 2 && texts*k <= maxModelWork && declared >= minModelExamples*len(pages)
}

// examplesOf turns texts into the trainer's examples, numbering their features in m.feat: each feature
// counted once per text, each worth 1/√n in a text of n features. Texts without features are left out.
func (m *pageModel) examplesOf(texts []pageText) []linear.Example {
	var buf []string
	exs := make([]linear.Example, 0, len(texts))
	for _, t := range texts {
		buf = textFeatures(m.an, t.text, buf[:0])
		var fs []int32
		seen := map[int32]bool{}
		for _, f := range buf {
			id := m.feat.Add(f)
			if !seen[id] {
				seen[id] = true
				fs = append(fs, id)
			}
		}
		if len(fs) == 0 {
			continue
		}
		vs := make([]float64, len(fs))
		for i := range vs {
			vs[i] = 1 / math.Sqrt(float64(len(fs)))
		}
		exs = append(exs, linear.Example{Features: fs, Values: vs, Class: m.classOf[t.page]})
	}
	return exs
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
	scores := make([]float64, len(m.pages))
	seen := map[int32]bool{}
	var known []int32
	for _, f := range fs {
		if id, ok := m.feat.ID(f); ok && !seen[id] {
			seen[id] = true
			known = append(known, id)
		}
	}
	if len(known) == 0 {
		return nil
	}
	norm := 1 / math.Sqrt(float64(len(fs)))
	for _, f := range known {
		for c, x := range m.w.Row(int(f)) {
			scores[c] += float64(x) * norm
		}
	}
	p := linear.Softmax(scores)
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
		if _, ok := m.feat.ID("t:" + t.Text); ok {
			w += t.IDF
		}
	}
	return w / q.Weight
}

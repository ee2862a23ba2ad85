package responder

import (
	"math"
	"slices"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/encoder"
)

// Encoder turns texts into vectors of one length, unit long, close when the texts mean the same
// (encoder.Encoder; a caching encoder in the nightly job).
type Encoder interface {
	EncodeInto(dst []float32, texts []string)
	Dim() int
}

// semantic is the meaning side of matching: a vector for each short text a page offers (title,
// headings, declared queries, FAQ questions, first passages), and for each page the rows of its texts. A
// request's similarity to a page is its best cosine with one of them: a page is as close as the nearest
// way of asking it. The vectors are centred on the site's mean (see centre). A small site keeps them as
// float32; a larger one as 8-bit integers with a scale per row (a quarter of the memory: 190 MB instead
// of 750 for the 367,000 texts of a hundred thousand pages), which moves a cosine by about 0.003.
type semantic struct {
	dim   int
	f32   []float32 // the rows, on a small site
	q8    []int8    // the rows, on a larger site: row r is scale[r] * q8[r*dim:(r+1)*dim]
	scale []float32
	texts []string // the text of each row
	rowOf map[string]int32
	// pageRows are the rows of each page.
	pageRows [][]int32
	mean     []float32 // the mean the rows were centred on
	// centroids holds each page's centre at page*dim (zero for a page of fewer than minCentroidRows
	// texts), on a small site; nil on a larger one.
	centroids []float32
	// brute is whether the site is small enough to compare every request with every row: then pages
	// that share no word with a request can still be proposed. On a larger site meaning re-ranks the
	// pages words and the page model propose.
	brute bool
}

// maxBruteRows is how many page texts a request is compared with one by one (about a millisecond's
// work); past it only the candidates of retrieval and the page model are.
const maxBruteRows = 40000

// semanticTexts are the texts of p that stand for it in meaning: its title, headings, declared queries
// and FAQ questions, and, for a page with fewer than two of those besides its title, the first passages
// of its text (what a page with nothing else to be asked by is about).
func semanticTexts(p heed.Page) []string {
	var out []string
	add := func(t string) {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	add(p.Title)
	for _, h := range p.Headings {
		add(h)
	}
	for _, q := range p.Queries {
		add(q)
	}
	for _, qa := range p.Questions {
		add(qa.Question)
	}
	others := len(out)
	if strings.TrimSpace(p.Title) != "" {
		others--
	}
	if others < 2 {
		for _, t := range passages(p.Body, maxPassages) {
			add(t)
		}
	}
	return out
}

// Passages: at most maxPassages of a page's text, each a paragraph cut to passageWords words.
const (
	maxPassages  = 2
	passageWords = 60
)

// passages returns the first n paragraphs of body (blank-line separated), each at most passageWords
// words; a body without blank lines is cut into runs of passageWords words.
func passages(body string, n int) []string {
	var out []string
	for para := range strings.SplitSeq(body, "\n\n") {
		words := strings.Fields(para)
		for len(words) > 0 && len(out) < n {
			k := min(len(words), passageWords)
			out = append(out, strings.Join(words[:k], " "))
			words = words[k:]
		}
		if len(out) == n {
			break
		}
	}
	return out
}

// encodeChunk is how many texts are encoded at a time when a site is built: it bounds the float32
// vectors held at once.
const encodeChunk = 4096

// newSemantic encodes the distinct short texts of pages.
func newSemantic(pages []heed.Page, enc Encoder) *semantic {
	return newSemanticUpTo(pages, enc, maxBruteRows)
}

// newSemanticUpTo is newSemantic on a site counted small up to maxBrute texts.
func newSemanticUpTo(pages []heed.Page, enc Encoder, maxBrute int) *semantic {
	s := &semantic{rowOf: map[string]int32{}, dim: enc.Dim()}
	for _, p := range pages {
		for _, t := range semanticTexts(p) {
			if _, ok := s.rowOf[t]; !ok {
				s.rowOf[t] = int32(len(s.texts))
				s.texts = append(s.texts, t)
			}
		}
	}
	n := len(s.texts)
	s.brute = n <= maxBrute
	s.mean = make([]float32, s.dim)
	if s.brute {
		s.f32 = make([]float32, n*s.dim)
	} else {
		s.q8, s.scale = make([]int8, n*s.dim), make([]float32, n)
	}
	buf := make([]float32, min(n, encodeChunk)*s.dim)
	for lo := 0; lo < n; lo += encodeChunk {
		hi := min(lo+encodeChunk, n)
		flat := buf[:(hi-lo)*s.dim]
		enc.EncodeInto(flat, s.texts[lo:hi])
		for k := range hi - lo {
			v := flat[k*s.dim : (k+1)*s.dim]
			for i, x := range v {
				s.mean[i] += x
			}
			s.set(int32(lo+k), v)
		}
	}
	if n > 1 {
		s.centre(n)
	}
	s.pageRows = s.rowsOf(pages)
	if s.brute {
		s.centroids = s.centresOf()
	}
	return s
}

// centre subtracts the mean of the n rows from each, and makes each unit long again. Sentences of one
// site share a direction (its domain: every banking question is a little alike); taking it away leaves
// what tells them apart, so that "a question about cards" no longer looks close to every page of a
// bank. A request's vector is centred the same way (prepare).
func (s *semantic) centre(n int) {
	for i := range s.mean {
		s.mean[i] /= float32(n)
	}
	v := make([]float32, s.dim)
	for r := range int32(n) {
		s.load(v, r)
		subtractUnit(v, s.mean)
		s.set(r, v)
	}
}

// set stores v as row r.
func (s *semantic) set(r int32, v []float32) {
	if s.f32 != nil {
		copy(s.f32[int(r)*s.dim:], v)
		return
	}
	s.scale[r] = heed.QuantiseInto(s.q8[int(r)*s.dim:(int(r)+1)*s.dim], v)
}

// load writes row r into v.
func (s *semantic) load(v []float32, r int32) {
	if s.f32 != nil {
		copy(v, s.f32[int(r)*s.dim:(int(r)+1)*s.dim])
		return
	}
	q := s.q8[int(r)*s.dim : (int(r)+1)*s.dim]
	for i, x := range q {
		v[i] = float32(x) * s.scale[r]
	}
}

// dot is the inner product of v with row r.
func (s *semantic) dot(v []float32, r int32) float32 {
	if s.f32 != nil {
		return encoder.Dot(v, s.f32[int(r)*s.dim:(int(r)+1)*s.dim])
	}
	q := s.q8[int(r)*s.dim : (int(r)+1)*s.dim]
	v = v[:len(q)]
	var a0, a1, a2, a3 float32
	i := 0
	for ; i+4 <= len(q); i += 4 {
		a0 += float32(q[i]) * v[i]
		a1 += float32(q[i+1]) * v[i+1]
		a2 += float32(q[i+2]) * v[i+2]
		a3 += float32(q[i+3]) * v[i+3]
	}
	for ; i < len(q); i++ {
		a0 += float32(q[i]) * v[i]
	}
	return (a0 + a1 + a2 + a3) * s.scale[r]
}

// subtractUnit sets v to v-mean, made unit long (left as is when that is zero).
func subtractUnit(v, mean []float32) {
	for i := range v {
		v[i] -= mean[i]
	}
	unit(v)
}

// unit makes v unit long (left as is when it is zero).
func unit(v []float32) {
	var sq float64
	for _, x := range v {
		sq += float64(x) * float64(x)
	}
	if sq == 0 {
		return
	}
	k := float32(1 / math.Sqrt(sq))
	for i := range v {
		v[i] *= k
	}
}

// prepare returns a request's vector as the rows are kept: centred on the site's mean when they are.
func (s *semantic) prepare(v []float32) []float32 {
	if v == nil || s == nil {
		return v
	}
	out := slices.Clone(v)
	subtractUnit(out, s.mean)
	return out
}

// rowsOf returns each page's rows.
func (s *semantic) rowsOf(pages []heed.Page) [][]int32 {
	out := make([][]int32, len(pages))
	for i, p := range pages {
		for _, t := range semanticTexts(p) {
			if r, ok := s.rowOf[t]; ok && !slices.Contains(out[i], r) {
				out[i] = append(out[i], r)
			}
		}
	}
	return out
}

// restrict returns the semantic side of a fold's site: the same rows, only those its pages still hold.
func (s *semantic) restrict(pages []heed.Page) *semantic {
	if s == nil {
		return nil
	}
	r := *s
	r.pageRows = s.rowsOf(pages)
	if s.centroids != nil {
		r.centroids = r.centresOf()
	}
	return &r
}

// vectorOf returns the stored (centred) vector of a page text, if it is one.
func (s *semantic) vectorOf(text string) []float32 {
	r, ok := s.rowOf[strings.TrimSpace(text)]
	if !ok {
		return nil
	}
	v := make([]float32, s.dim)
	s.load(v, r)
	return v
}

// similarity is how close v comes to page, and the row of the page's text nearest to it (-1 when the
// page has none): the best cosine of v with one of the page's texts, and, for a page asked in at least
// minCentroidRows ways on a small site, its mean with the cosine of v to the centre of those ways.
func (s *semantic) similarity(v []float32, page int) (float64, int32) {
	rows := s.pageRows[page]
	best, at := float32(-2), int32(-1)
	for _, r := range rows {
		if d := s.dot(v, r); d > best {
			best, at = d, r
		}
	}
	if at < 0 {
		return 0, -1
	}
	if s.centroids != nil && len(rows) >= minCentroidRows {
		c := encoder.Dot(v, s.centroids[page*s.dim:(page+1)*s.dim])
		return (1-centroidWeight)*float64(best) + centroidWeight*float64(c), at
	}
	return float64(best), at
}

// A page's centre: the unit mean of its texts' vectors. One text of a page can come close to a request
// by chance (a short title, a query worded like another page's); the centre of many ways of asking a
// page is where a new way of asking it lands. Measured on the development splits (heed eval): CLINC150
// top-1 0.944 -> 0.947, in-scope answered 0.920 -> 0.929; BANKING77 in-domain out-of-scope recall 0.151
// -> 0.194 (in-scope 0.888 -> 0.884, its calibration now weighing meaning 0.5); StackFAQ, whose pages
// have one or two texts, unchanged. Centres are kept on small sites only (brute): on a larger one they
// would cost a row a page.
const (
	minCentroidRows = 3
	centroidWeight  = 0.5
)

// centresOf computes the pages' centres (see minCentroidRows), from their rows.
func (s *semantic) centresOf() []float32 {
	out := make([]float32, len(s.pageRows)*s.dim)
	for p, rows := range s.pageRows {
		if len(rows) < minCentroidRows {
			continue
		}
		c := out[p*s.dim : (p+1)*s.dim]
		for _, r := range rows {
			for i, x := range s.f32[int(r)*s.dim : (int(r)+1)*s.dim] {
				c[i] += x
			}
		}
		unit(c)
	}
	return out
}

// nearest returns the n pages whose texts come closest to v, comparing every row.
func (s *semantic) nearest(v []float32, n int) []int {
	sims := make([]float32, len(s.texts))
	encoder.Dots(sims, v, s.f32, s.dim)
	type near struct {
		page int
		sim  float32
	}
	best := make([]near, 0, n+1)
	for i, rows := range s.pageRows {
		if len(rows) == 0 {
			continue
		}
		sim := float32(-2)
		for _, r := range rows {
			sim = max(sim, sims[r])
		}
		if len(best) == n && sim <= best[n-1].sim {
			continue
		}
		k := len(best)
		for k > 0 && best[k-1].sim < sim {
			k--
		}
		best = slices.Insert(best, k, near{i, sim})
		if len(best) > n {
			best = best[:n]
		}
	}
	out := make([]int, len(best))
	for i, b := range best {
		out[i] = b.page
	}
	return out
}

// meaning maps a cosine of two sentence vectors onto 0..1: unrelated sentences come out about 0.1 to 0.3
// apart, paraphrases above 0.7.
func meaning(cos float64) float64 {
	return math.Max(0, math.Min(1, (cos-semFloor)/(1-semFloor)))
}

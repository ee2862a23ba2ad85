package responder

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/encoder"
	"github.com/heed-dev/heed/index"
)

var testEncoder = sync.OnceValues(encoder.New)

func newMeaningMatcher(t testing.TB, pages []heed.Page) *Matcher {
	t.Helper()
	enc, err := testEncoder()
	if err != nil {
		t.Fatal(err)
	}
	return New(index.Build(pages, analysis.New("en"), index.DefaultParams()), enc)
}

// TestMeaningFindsThePageWordsMiss: requests that share no informative word with the page that answers
// them. Words alone rank another page first, or theirs lower; with the encoder they find their page, and
// the reason says which of its texts means the same.
func TestMeaningFindsThePageWordsMiss(t *testing.T) {
	pages := testSite(t)
	words, meaning := newTestMatcher(t, pages), newMeaningMatcher(t, pages)
	// Fourteen pages are too few for the simulation to trust meaning (TestCalibrationTrustsMeaningThatSeparates
	// has a site where it does): weigh it as a larger site would, and calibrate for that weight.
	cal := calibrate(pages, meaning.sc.ix.Analyzer(), meaning.sc.ix.Params(), meaning.sc.sem, []float64{1}, falseGapCost)
	meaning.cal.Store(&cal)
	meaning.sc.meaning = cal.Meaning
	tests := []struct{ text, url string }{
		{"my password does not work anymore", "/help/reset-password"},
		{"how many kilometres before i need to plug it in", "/help/battery-range"},
		{"i want my money back for the bike i bought", "/help/cancel-order"},
	}
	missed := 0
	for _, tc := range tests {
		w := match(words, tc.text)
		if w.URL != base+tc.url {
			missed++
		}
		m := match(meaning, tc.text)
		if m.URL != base+tc.url || (w.URL == base+tc.url && m.Score <= w.Score) {
			t.Errorf("%q: got %s (score %v; words %s, %v), want %s, ranked above words", tc.text, m.URL, m.Score, w.URL, w.Score, tc.url)
		}
		if !strings.Contains(m.Reason, "means") {
			t.Errorf("%q: the reason gives no evidence of meaning: %s", tc.text, m.Reason)
		}
		// --explain shows both kinds of evidence: the reason, and the weight of meaning against words.
		a := NewAnswer(tc.text, classifier.Classify(tc.text), m, meaning.Calibration(), meaning.Title, true)
		if a.Explain == nil || a.Explain.Meaning != 1 || a.Reason != m.Reason {
			t.Errorf("%q: --explain gives %+v, reason %q", tc.text, a.Explain, a.Reason)
		}
	}
	if missed == 0 {
		t.Errorf("words alone ranked every request's page first: the cases do not test meaning")
	}
}

// TestMeaningKeepsWordsDecisions: the requests of TestMatch are decided the same way with the encoder.
func TestMeaningKeepsWordsDecisions(t *testing.T) {
	m := newMeaningMatcher(t, testSite(t))
	for _, tc := range []struct {
		text string
		url  string
		gap  bool
	}{
		{"how long does it take to charge the battery", "/help/charge-battery", false},
		{"lark password reset", "/help/reset-password", false},
		{"can i cancel my order", "/help/cancel-order", false},
		{"lark jobs", "", true},
		{"best pizza in rome", "", true},
	} {
		got := match(m, tc.text)
		if got.Gap != tc.gap || (tc.url != "" && got.URL != base+tc.url) {
			t.Errorf("%q: got %s gap %v (%s), want %s gap %v", tc.text, got.URL, got.Gap, got.Reason, tc.url, tc.gap)
		}
	}
}

// TestMatchVectorIsMatch: a vector encoded beforehand gives the decision of Match.
func TestMatchVectorIsMatch(t *testing.T) {
	m := newMeaningMatcher(t, testSite(t))
	texts := []string{"ebike range in the cold", "lark jobs", "reset password", ""}
	vecs := m.Vectors(texts)
	for i, text := range texts {
		c := classifier.Classify(text)
		if diff := cmp.Diff(m.Match(text, c), m.MatchVector(text, vecs[i], c)); diff != "" {
			t.Errorf("%q (-Match +MatchVector):\n%s", text, diff)
		}
	}
}

// TestCalibrationChoosesWordsWhenMeaningIsNoise: an encoder whose vectors say nothing of meaning (a
// hash of the text) must not be trusted: the simulation finds words alone separate better.
func TestCalibrationChoosesWordsWhenMeaningIsNoise(t *testing.T) {
	m := New(index.Build(testSite(t), analysis.New("en"), index.DefaultParams()), noiseEncoder{})
	if w := m.Calibration().Meaning; w != 0 {
		t.Errorf("meaning weighs %v with a noise encoder; want 0 (%s)", w, m.Calibration())
	}
}

// TestCalibrationTrustsMeaningThatSeparates: an encoder that places every text of a page near the
// page's own direction, and anything else far from all pages, separates the simulated answerable
// requests from the simulated gaps better than words: the calibration must weigh it.
func TestCalibrationTrustsMeaningThatSeparates(t *testing.T) {
	pages := testSite(t)
	enc := oracleEncoder{page: map[string]int{}}
	for i, p := range pages {
		for _, text := range semanticTexts(p) {
			enc.page[text] = i
		}
	}
	m := New(index.Build(pages, analysis.New("en"), index.DefaultParams()), enc)
	if w := m.Calibration().Meaning; w == 0 {
		t.Errorf("meaning weighs 0 with an encoder that tells pages apart (%s)", m.Calibration())
	}
}

// oracleEncoder gives the texts of page i the unit vector i (of 64), and any other text a vector apart
// from them all.
type oracleEncoder struct{ page map[string]int }

func (oracleEncoder) Dim() int { return 64 }

func (o oracleEncoder) EncodeInto(dst []float32, texts []string) {
	clear(dst)
	for i, t := range texts {
		if p, ok := o.page[t]; ok {
			dst[i*64+p] = 1
		} else {
			dst[i*64+63] = 1
		}
	}
}

// noiseEncoder gives each text a unit vector drawn from its bytes: the same text the same vector, and
// no two texts close.
type noiseEncoder struct{}

func (noiseEncoder) Dim() int { return 64 }

func (noiseEncoder) EncodeInto(dst []float32, texts []string) {
	for i, t := range texts {
		v := dst[i*64 : (i+1)*64]
		h := uint64(14695981039346656037)
		for _, b := range []byte(t) {
			h = (h ^ uint64(b)) * 1099511628211
		}
		var sq float64
		for j := range v {
			h ^= h << 13
			h ^= h >> 7
			h ^= h << 17
			v[j] = float32(int64(h%2001)-1000) / 1000
			sq += float64(v[j]) * float64(v[j])
		}
		for j := range v {
			v[j] /= float32(math.Sqrt(sq))
		}
	}
}

// TestQuantisedRowsKeepTheirCosines: a large site's rows, kept as 8-bit integers, give the cosines of
// float32 rows to within 0.01, and the same best text for each page.
func TestQuantisedRowsKeepTheirCosines(t *testing.T) {
	enc, err := testEncoder()
	if err != nil {
		t.Fatal(err)
	}
	pages := testSite(t)
	small, large := newSemanticUpTo(pages, enc, 1<<20), newSemanticUpTo(pages, enc, 0)
	small.centroids = nil // the large site keeps no centres: compare the rows alone
	if !small.brute || small.f32 == nil || large.brute || large.q8 == nil {
		t.Fatalf("storage: small brute %v f32 %v, large brute %v q8 %v", small.brute, small.f32 != nil, large.brute, large.q8 != nil)
	}
	for _, text := range []string{"battery range in winter", "how do i get a refund", "lark jobs"} {
		v := make([]float32, enc.Dim())
		enc.EncodeInto(v, []string{text})
		v = small.prepare(v)
		for pg := range pages {
			a, ra := small.similarity(v, pg)
			b, rb := large.similarity(v, pg)
			if math.Abs(a-b) > 0.01 || (ra != rb && math.Abs(a-b) > 1e-3) {
				t.Errorf("%q, page %d: float32 %.4f (row %d), int8 %.4f (row %d)", text, pg, a, ra, b, rb)
			}
		}
	}
}

// TestSemanticTexts: a page stands for its title, headings, declared queries and questions; its text's
// first passages only when it has fewer than two of those besides its title.
func TestSemanticTexts(t *testing.T) {
	long := strings.Repeat("word ", 70)
	tests := []struct {
		name string
		page heed.Page
		want []string
	}{
		{"title and body", heed.Page{Title: " Refunds ", Body: "Ask within 30 days.\n\nWe pay back in a week."},
			[]string{"Refunds", "Ask within 30 days.", "We pay back in a week."}},
		{"one heading", heed.Page{Title: "Refunds", Headings: []string{"How long"}, Body: "a\n\nb\n\nc"},
			[]string{"Refunds", "How long", "a", "b"}},
		{"enough of its own", heed.Page{Title: "Refunds", Headings: []string{"How long"}, Queries: []string{"money back"}, Body: "a"},
			[]string{"Refunds", "How long", "money back"}},
		{"questions count", heed.Page{Questions: []heed.QA{{Question: "Can I return it?"}, {Question: "Who pays?"}}, Body: "a"},
			[]string{"Can I return it?", "Who pays?"}},
		{"a long paragraph is cut", heed.Page{Title: "T", Body: long},
			[]string{"T", strings.TrimSpace(strings.Repeat("word ", 60)), strings.TrimSpace(strings.Repeat("word ", 10))}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, semanticTexts(tc.page)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// tableEncoder gives each text the vector its table holds (made unit long), and any other text the last
// unit vector.
type tableEncoder struct {
	dim int
	vec map[string][]float32
}

func (e tableEncoder) Dim() int { return e.dim }

func (e tableEncoder) EncodeInto(dst []float32, texts []string) {
	clear(dst)
	for i, t := range texts {
		v := dst[i*e.dim : (i+1)*e.dim]
		if w, ok := e.vec[t]; ok {
			copy(v, w)
			unit(v)
		} else {
			v[e.dim-1] = 1
		}
	}
}

// TestCentreOfManyWaysBeatsOneCloseText: a page asked in four ways that all lean towards a request
// comes closer to it than a page whose one text happens to lie a little nearer than each of the four:
// where a new way of asking lands is the centre of the ways a page is asked, not its nearest one. On a
// large site, without centres, the nearest text decides.
func TestCentreOfManyWaysBeatsOneCloseText(t *testing.T) {
	const dim = 16
	axis := func(parts ...float32) []float32 { // pairs of (axis, weight)
		v := make([]float32, dim)
		for i := 0; i < len(parts); i += 2 {
			v[int(parts[i])] = parts[i+1]
		}
		return v
	}
	enc := tableEncoder{dim: dim, vec: map[string][]float32{
		"many one": axis(0, 1, 1, 0.7), "many two": axis(0, 1, 2, 0.7),
		"many three": axis(0, 1, 3, 0.7), "many four": axis(0, 1, 4, 0.7),
		"near":    axis(0, 0.75, 5, 0.25, 6, 0.6),
		"request": axis(0, 1, 5, 0.35),
	}}
	pages := []heed.Page{
		{URL: "/many", Queries: []string{"many one", "many two", "many three", "many four"}},
		{URL: "/near", Queries: []string{"near"}},
	}
	// Other pages in every other direction, both ways, so that the site's mean stays small.
	for d := 7; d < dim-1; d++ {
		for _, sign := range []float32{1, -1} {
			text := fmt.Sprintf("filler %d %v", d, sign)
			enc.vec[text] = axis(float32(d), sign)
			pages = append(pages, heed.Page{URL: "/" + text, Queries: []string{text}})
		}
	}
	for _, tc := range []struct {
		name     string
		maxBrute int
		want     int
	}{{"small site: centres", 1 << 20, 0}, {"large site: nearest text", 0, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSemanticUpTo(pages, enc, tc.maxBrute)
			v := make([]float32, dim)
			enc.EncodeInto(v, []string{"request"})
			v = s.prepare(v)
			many, _ := s.similarity(v, 0)
			near, _ := s.similarity(v, 1)
			t.Logf("many ways %.3f, one near text %.3f", many, near)
			if got := map[bool]int{true: 0, false: 1}[many > near]; got != tc.want {
				t.Errorf("many ways %.3f, one near text %.3f: page %d comes closer, want page %d", many, near, got, tc.want)
			}
		})
	}
}

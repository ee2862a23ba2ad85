// Package intent labels requests with their search intent (informational, navigational, commercial,
// transactional), the kind of answer they ask for (question type), the modifiers they carry (price, near
// me, vs, best, how to, ...), their language and a confidence, and says which rules and features decided.
//
// It combines transparent rules (a hand-weighted table over named features) with a logistic regression
// trained on data shipped in the repository (see Train and `heed train`); the model's weights are
// embedded, so nothing is fetched at run time.
package intent

import (
	_ "embed"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/internal/linear"
)

// The model is made from the shipped training data: generated requests (training/gen, from templates and
// open word lists) and written ones (training/written.tsv). `go generate ./intent` remakes both.
//
//go:generate go run ./training/gen -root .. -out training/generated.tsv
//go:generate go run ../cmd/heed train -data training -out model.json -validate training/validation/queries.tsv

//go:embed model.json
var embeddedModel []byte

// Options tell the classifier what it cannot know by itself.
type Options struct {
	// Brands are the organisation's own brand and product names ("Lark", "Lark Cycles"): a request that
	// names only a brand, or a brand with a site word (login, app, contact), is navigational.
	Brands []string
	// Model replaces the embedded model; RulesOnly ignores any model.
	Model     *Model
	RulesOnly bool
}

// Classifier labels requests. It is safe for concurrent use.
type Classifier struct {
	brands [][]string // each brand as words, longest first
	lex    *Lexicon
	model  *Model
}

// DefaultModel returns the embedded intent model, or nil when the build has none.
func DefaultModel() *Model {
	m, err := LoadModel(embeddedModel)
	if err != nil {
		return nil
	}
	return m
}

// New returns a classifier.
func New(opt Options) *Classifier {
	c := &Classifier{lex: DefaultLexicon(), model: opt.Model}
	if c.model == nil && !opt.RulesOnly {
		c.model = DefaultModel()
	}
	if opt.RulesOnly {
		c.model = nil
	}
	for _, b := range opt.Brands {
		if w := words(strings.ToLower(b)); len(w) > 0 {
			c.brands = append(c.brands, w)
		}
	}
	slices.SortStableFunc(c.brands, func(a, b []string) int { return len(b) - len(a) })
	return c
}

// Features returns the features the classifier sees in a request, rules' verdicts included: what the
// model is trained on.
func (c *Classifier) Features(text string) []Feature {
	fs := c.extract(prepare(text))
	rs, _ := ruleScores(fs)
	p := linear.Softmax(rs[:])
	for i, in := range heed.Intents {
		fs = append(fs, Feature{Name: "rule:" + string(in), Value: p[i]})
	}
	return fs
}

// Classify labels one request.
func (c *Classifier) Classify(text string) heed.Classification {
	r := prepare(text)
	fs := c.extract(r)
	rs, fired := ruleScores(fs)
	out := heed.Classification{Modifiers: []heed.Modifier{}}
	var probs []float64
	if c.model == nil {
		probs = linear.Softmax(rs[:])
		out.Reasons = fired
		if len(fired) == 0 {
			out.Reasons = []string{"no rule fired: informational by default"}
		}
	} else {
		rp := linear.Softmax(rs[:])
		for i, in := range heed.Intents {
			fs = append(fs, Feature{Name: "rule:" + string(in), Value: rp[i]})
		}
		probs = c.model.Probabilities(fs)
	}
	best := 0
	for i := range probs {
		if probs[i] > probs[best] {
			best = i
		}
	}
	out.Intent = heed.Intents[best]
	out.Confidence = heed.Round(probs[best], 3)
	if c.model != nil {
		for _, ct := range c.model.Contributions(fs, best, 6) {
			out.Reasons = append(out.Reasons, "model "+ct.Feature+" "+signed2(ct.Amount))
		}
		if len(fired) > 0 {
			out.Reasons = append(out.Reasons, fired...)
		}
		if len(out.Reasons) == 0 {
			out.Reasons = []string{"model: no strong feature; the prior decided"}
		}
	}
	qt, qReason := questionType(r.words)
	out.QuestionType = qt
	if qReason != "" {
		out.Reasons = append(out.Reasons, qReason)
	}
	mods, modReasons := modifiers(r.words)
	out.Modifiers = mods
	out.Reasons = append(out.Reasons, modReasons...)
	out.Lang, _ = analysis.Detect(text)
	return out
}

func intentIndex(in heed.Intent) int { return slices.Index(heed.Intents, in) }

// words splits lower-cased text into words: letters, digits and the characters inside words that matter
// to requests ("e-bike", "c++", "node.js", "don't", "www.example.com/x").
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || strings.ContainsRune("'-.+#&$£€/:_@", r))
	})
}

func hasAny(w []string, set map[string]bool) bool {
	for _, x := range w {
		if set[x] {
			return true
		}
	}
	return false
}

func hasPhrase(w, phrase []string) bool { return indexPhrase(w, phrase) >= 0 }

func indexPhrase(w, phrase []string) int {
	if len(phrase) == 0 {
		return -1
	}
	for i := 0; i+len(phrase) <= len(w); i++ {
		if slices.Equal(w[i:i+len(phrase)], phrase) {
			return i
		}
	}
	return -1
}

// signed2 formats x as fmt's "%+.2f" does, without fmt's cost (a reason is made for every request).
func signed2(x float64) string {
	s := strconv.FormatFloat(x, 'f', 2, 64)
	if s[0] != '-' && s[0] != '+' {
		s = "+" + s
	}
	return s
}

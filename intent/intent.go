// Package intent labels requests with their search intent (informational, navigational, commercial,
// transactional), the kind of answer they ask for (question type), the modifiers they carry (price, near
// me, vs, best, how to, ...) and a confidence, and says which rules decided.
package intent

import (
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/heed-dev/heed"
)

// Options tell the classifier what it cannot know by itself.
type Options struct {
	// Brands are the organisation's own brand and product names, lower case ("lark", "lark cycles").
	// A request that is a brand name alone, or a brand with a site word (login, app, contact), is
	// navigational.
	Brands []string
}

// Classifier labels requests. It is safe for concurrent use.
type Classifier struct {
	brands [][]string // each brand as words
}

// New returns a classifier.
func New(opt Options) *Classifier {
	c := &Classifier{}
	for _, b := range opt.Brands {
		if w := words(strings.ToLower(b)); len(w) > 0 {
			c.brands = append(c.brands, w)
		}
	}
	// Longest brands first, so that "lark cycles" is found before "lark".
	slices.SortStableFunc(c.brands, func(a, b []string) int { return len(b) - len(a) })
	return c
}

// Classify labels one request.
func (c *Classifier) Classify(text string) heed.Classification {
	w := words(strings.ToLower(text))
	mods, modReasons := modifiers(w)
	qt, qReason := questionType(w)
	var ev evidence
	for _, m := range mods {
		if s, ok := modifierIntent[m]; ok {
			ev.add(s.intent, s.weight, "modifier:"+m)
		}
	}
	brand, rest := c.findBrand(w)
	switch {
	case brand != "" && len(rest) == 0:
		ev.add(heed.Navigational, 3, "brand-only:"+brand)
	case brand != "" && hasAny(rest, siteWords):
		ev.add(heed.Navigational, 2, "brand+site-word:"+brand)
	case len(w) > 0 && looksLikeURL(w):
		ev.add(heed.Navigational, 3, "url-like")
	}
	if qt != heed.QNone && qt != heed.QComparison {
		ev.add(heed.Informational, 1, "question:"+string(qt))
	}
	for _, v := range verbs {
		if len(w) > 0 && hasPhrase(w, v.words) {
			ev.add(v.intent, v.weight, "verb:"+strings.Join(v.words, "_"))
		}
	}
	out := heed.Classification{QuestionType: qt, Modifiers: mods}
	out.Intent, out.Confidence = ev.decide()
	out.Reasons = ev.reasons()
	if qReason != "" {
		out.Reasons = append(out.Reasons, qReason)
	}
	out.Reasons = append(out.Reasons, modReasons...)
	return out
}

// findBrand returns the first brand the words contain, and the words around it.
func (c *Classifier) findBrand(w []string) (string, []string) {
	for _, b := range c.brands {
		if i := indexPhrase(w, b); i >= 0 {
			rest := append(append([]string{}, w[:i]...), w[i+len(b):]...)
			return strings.Join(b, " "), rest
		}
	}
	return "", nil
}

// evidence sums the weight each intent received and remembers why.
type evidence struct {
	score [4]float64
	why   []string
}

func intentIndex(in heed.Intent) int { return slices.Index(heed.Intents, in) }

func (e *evidence) add(in heed.Intent, w float64, why string) {
	e.score[intentIndex(in)] += w
	e.why = append(e.why, why)
}

// prior is the weight informational gets without any evidence: most requests are informational.
const prior = 1.0

// decide picks the intent with the most evidence; confidence is the softmax share of the winner.
func (e *evidence) decide() (heed.Intent, float64) {
	s := e.score
	s[intentIndex(heed.Informational)] += prior
	best := 0
	for i := range s {
		if s[i] > s[best] {
			best = i
		}
	}
	var z float64
	for i := range s {
		z += math.Exp(s[i])
	}
	conf := math.Exp(s[best]) / z
	return heed.Intents[best], math.Round(conf*1000) / 1000
}

func (e *evidence) reasons() []string {
	if len(e.why) == 0 {
		return []string{"default:informational"}
	}
	return e.why
}

// words splits lower-cased text into words: letters, digits and the characters inside words that matter
// to requests ("e-bike", "c++", "node.js", "don't").
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '-' || r == '.' || r == '+' || r == '#' || r == '&' || r == '$' || r == '£' || r == '€')
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

func looksLikeURL(w []string) bool {
	for _, x := range w {
		if strings.HasPrefix(x, "www.") || strings.HasPrefix(x, "http") {
			return true
		}
		for _, tld := range []string{".com", ".org", ".net", ".gov", ".edu", ".co.uk", ".io"} {
			if strings.HasSuffix(x, tld) {
				return true
			}
		}
	}
	return false
}

package analysis

import (
	"strings"
	"unicode"
)

// langLetters are the letters that mark each language, beside its stop words: characters few other
// languages use.
var langLetters = map[string]string{
	"de": "äöüß", "fr": "éèêàçùâîôœë", "es": "ñáíóú¿¡", "pt": "ãõçáéíóúâê", "it": "àèéìòù", "nl": "ĳ",
	"da": "æøå", "no": "æøå", "sv": "åäö", "fi": "äö",
}

// detectLangs are the languages Detect knows, in order of preference on a tie.
var detectLangs = []string{"en", "de", "fr", "es", "it", "pt", "nl"}

var stopSets = func() map[string]map[string]bool {
	m := map[string]map[string]bool{}
	for _, l := range detectLangs {
		m[l] = New(l).stop
	}
	return m
}()

// stopMask and letterMask give, for a stop word or a marking letter, the languages (bits in the order of
// detectLangs) it belongs to: one lookup instead of one per language.
var stopMask, letterMask = func() (map[string]uint8, map[rune]uint8) {
	sm, lm := map[string]uint8{}, map[rune]uint8{}
	for i, l := range detectLangs {
		for w := range stopSets[l] {
			sm[w] |= 1 << i
		}
		for _, r := range langLetters[l] {
			lm[r] |= 1 << i
		}
	}
	return sm, lm
}()

// Detect guesses the language of a short text from its stop words and letters: the main languages of
// crawls (English, German, French, Spanish, Italian, Portuguese, Dutch). It returns "" when the text gives
// no evidence (a brand name, a single noun), with a confidence from 0 to 1 otherwise.
func Detect(text string) (string, float64) {
	var score [8]float64 // by index in detectLangs
	words := 0
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(unicode.IsLetter(r) || r == '\'')
	}) {
		words++
		if m := stopMask[strings.Trim(w, "'")]; m != 0 {
			for i := range detectLangs {
				if m&(1<<i) != 0 {
					score[i]++
				}
			}
		}
	}
	if words == 0 {
		return "", 0
	}
	for _, r := range text {
		if r < 0x80 {
			continue // the marking letters are all outside ASCII
		}
		if m := letterMask[unicode.ToLower(r)]; m != 0 {
			for i := range detectLangs {
				if m&(1<<i) != 0 {
					score[i] += 0.6
				}
			}
		}
	}
	best, second := "", 0.0
	bestScore := 0.0
	for i, l := range detectLangs {
		switch s := score[i]; {
		case s > bestScore:
			second, bestScore, best = bestScore, s, l
		case s > second:
			second = s
		}
	}
	if bestScore < 1 {
		return "", 0
	}
	conf := (bestScore - second) / bestScore
	if conf == 0 {
		return "", 0
	}
	return best, conf
}

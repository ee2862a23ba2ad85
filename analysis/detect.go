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

// Detect guesses the language of a short text from its stop words and letters: the main languages of
// crawls (English, German, French, Spanish, Italian, Portuguese, Dutch). It returns "" when the text gives
// no evidence (a brand name, a single noun), with a confidence from 0 to 1 otherwise.
func Detect(text string) (string, float64) {
	var ws []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(unicode.IsLetter(r) || r == '\'')
	}) {
		ws = append(ws, strings.Trim(w, "'"))
	}
	if len(ws) == 0 {
		return "", 0
	}
	score := map[string]float64{}
	for _, l := range detectLangs {
		for _, w := range ws {
			if stopSets[l][w] {
				score[l] += 1
			}
		}
		for _, r := range text {
			if strings.ContainsRune(langLetters[l], unicode.ToLower(r)) {
				score[l] += 0.6
			}
		}
	}
	best, second := "", 0.0
	bestScore := 0.0
	for _, l := range detectLangs {
		switch s := score[l]; {
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

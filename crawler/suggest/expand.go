package suggest

import (
	"strconv"
	"strings"
)

// Query is one text sent to a suggestion service, with the expansion that made it.
type Query struct {
	Expansion string // "" for the bare seed
	Text      string
}

// words holds a locale's expansion words.
type words struct {
	alphabet     []string
	questions    []string
	prepositions []string
	comparisons  []string
}

var latin = strings.Split("abcdefghijklmnopqrstuvwxyz0123456789", "")

// localeWords are the expansion words of each language, as keyword tools use them: question words go
// before the seed, prepositions and comparison words after it.
var localeWords = map[string]words{
	"en": {
		alphabet:     latin,
		questions:    []string{"who", "what", "when", "where", "why", "how", "which", "can", "are", "is", "does", "will", "should"},
		prepositions: []string{"for", "with", "without", "to", "near", "can", "is"},
		comparisons:  []string{"vs", "versus", "or", "and", "like"},
	},
	"de": {
		alphabet:     append(append([]string{}, latin...), "ä", "ö", "ü"),
		questions:    []string{"wer", "was", "wann", "wo", "warum", "wie", "welche", "kann", "ist", "sind"},
		prepositions: []string{"für", "mit", "ohne", "zu", "bei", "in der nähe"},
		comparisons:  []string{"vs", "oder", "und", "wie"},
	},
	"fr": {
		alphabet:     latin,
		questions:    []string{"qui", "quoi", "quand", "où", "pourquoi", "comment", "quel", "quelle", "est-ce que", "peut-on"},
		prepositions: []string{"pour", "avec", "sans", "à", "près de"},
		comparisons:  []string{"vs", "ou", "et", "comme"},
	},
	"es": {
		alphabet:     append(append([]string{}, latin...), "ñ"),
		questions:    []string{"quién", "qué", "cuándo", "dónde", "por qué", "cómo", "cuál", "puedo", "es"},
		prepositions: []string{"para", "con", "sin", "a", "cerca de"},
		comparisons:  []string{"vs", "o", "y", "como"},
	},
}

// wordsFor returns the expansion words of a language tag ("en", "en-GB", "de"), English when unknown.
func wordsFor(lang string) words {
	lang = strings.ToLower(lang)
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	if w, ok := localeWords[lang]; ok {
		return w
	}
	return localeWords["en"]
}

// Expand returns the queries for one seed: the seed alone, then each requested expansion in the order
// given. kinds are alphabet, questions, prepositions, comparisons, prefix:WORD and suffix:WORD.
func Expand(seed, lang string, kinds []string) []Query {
	seed = strings.Join(strings.Fields(seed), " ")
	if seed == "" {
		return nil
	}
	w := wordsFor(lang)
	out := []Query{{Text: seed}}
	after := func(kind string, list []string) {
		for _, x := range list {
			out = append(out, Query{Expansion: kind, Text: seed + " " + x})
		}
	}
	for _, k := range kinds {
		switch {
		case k == "alphabet":
			after(k, w.alphabet)
		case k == "questions":
			for _, x := range w.questions {
				out = append(out, Query{Expansion: k, Text: x + " " + seed})
			}
		case k == "prepositions":
			after(k, w.prepositions)
		case k == "comparisons":
			after(k, w.comparisons)
		case strings.HasPrefix(k, "prefix:"):
			out = append(out, Query{Expansion: "prefix", Text: strings.TrimSpace(k[len("prefix:"):]) + " " + seed})
		case strings.HasPrefix(k, "suffix:"):
			out = append(out, Query{Expansion: "suffix", Text: seed + " " + strings.TrimSpace(k[len("suffix:"):])})
		}
	}
	return out
}

// Depth is the recursion depth a list of expansions asks for with depth:N (0 for none).
func Depth(kinds []string) int {
	d := 0
	for _, k := range kinds {
		if v, ok := strings.CutPrefix(k, "depth:"); ok {
			if n, err := strconv.Atoi(v); err == nil && n > d {
				d = n
			}
		}
	}
	return d
}

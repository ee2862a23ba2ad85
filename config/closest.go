package config

import (
	"strings"

	"github.com/agnivade/levenshtein"
)

// Closest returns the option a mistyped word most likely meant, for a "did you mean": the nearest by
// edit distance within a third of the word's length (at least one edit, at most three), or an option the
// word begins or ends; "" when none is that close. Ties go to the earliest option.
func Closest(word string, options []string) string {
	w := strings.ToLower(word)
	if w == "" {
		return ""
	}
	limit := min(max(1, len([]rune(w))/3), 3)
	best, bestD := "", limit+1
	for _, o := range options {
		lo := strings.ToLower(o)
		if lo == w {
			return o
		}
		d := levenshtein.ComputeDistance(w, lo)
		if d > limit && len(w) >= 3 && (strings.HasPrefix(lo, w) || strings.HasPrefix(w, lo)) {
			d = limit
		}
		if d < bestD {
			best, bestD = o, d
		}
	}
	return best
}

// DidYouMean is ` (did you mean "X"?)` for the option closest to word, or "".
func DidYouMean(word string, options []string) string {
	if c := Closest(word, options); c != "" && c != word {
		return ` (did you mean "` + c + `"?)`
	}
	return ""
}

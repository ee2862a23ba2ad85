package heed

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Expansions are the ways a suggestion source widens a seed (Sighting.Expansion names the one that found
// a sighting), besides prefix:WORD, suffix:WORD and depth:N (recursion on the suggestions).
var Expansions = []string{"alphabet", "questions", "prepositions", "comparisons"}

// MaxExpansionDepth bounds depth:N: each level multiplies the queries by about ten.
const MaxExpansionDepth = 3

// CheckExpansions returns an error naming the first expansion in list that no suggestion source
// understands.
func CheckExpansions(list []string) error {
	for _, e := range list {
		word, isAffix := strings.CutPrefix(e, "prefix:")
		if !isAffix {
			word, isAffix = strings.CutPrefix(e, "suffix:")
		}
		if isAffix && strings.TrimSpace(word) == "" {
			return fmt.Errorf("expansion %q: no word after the colon", e)
		}
		if d, isDepth := strings.CutPrefix(e, "depth:"); isDepth {
			if n, err := strconv.Atoi(d); err != nil || n < 1 || n > MaxExpansionDepth {
				return fmt.Errorf("expansion %q: the recursion depth must be a whole number from 1 to %d", e, MaxExpansionDepth)
			}
			continue
		}
		if !slices.Contains(Expansions, e) && !isAffix {
			return fmt.Errorf("unknown expansion %q (want %s, prefix:WORD, suffix:WORD or depth:N)", e, strings.Join(Expansions, ", "))
		}
	}
	return nil
}

package suggest

import (
	"testing"

	"github.com/heed-dev/heed"
)

// TestEveryExpansionExpands: each expansion the vocabulary names (and the config accepts) adds queries to
// a seed, in every language heed has words for.
func TestEveryExpansionExpands(t *testing.T) {
	for lang := range localeWords {
		for _, e := range heed.Expansions {
			if got := Expand("lark cargo", lang, []string{e}); len(got) < 2 {
				t.Errorf("Expand(%q, %s) = %v: the expansion adds no query", e, lang, got)
			}
		}
	}
}

package intent

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestContainsPhraseIsHasPhrase(t *testing.T) {
	ws := [][]string{nil, {"how"}, {"how", "to"}, {"how", "to", "fix"}, {"fix", "how", "how", "to"}, {"to", "how"},
		{"not", "working", "not"}, {"is", "it", "not", "working"}}
	ps := []string{"how", "how to", "how to fix", "to fix", "not working", "working not", "fix", "how how to", "x y"}
	for _, w := range ws {
		for _, p := range ps {
			if got, want := containsPhrase(w, p), hasPhrase(w, strings.Fields(p)); got != want {
				t.Errorf("containsPhrase(%q, %q) = %v, hasPhrase says %v", w, p, got, want)
			}
		}
	}
}

func TestSigned2IsPrintfPlus2f(t *testing.T) {
	for _, x := range []float64{0, math.Copysign(0, -1), 0.004, -0.004, 0.005, 1.235, -12.5, 3, math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got, want := signed2(x), fmt.Sprintf("%+.2f", x); got != want {
			t.Errorf("signed2(%v) = %q, want %q", x, got, want)
		}
	}
}

package evaluation

import (
	"math"
	"strings"
	"testing"
)

// TestScoreClustering: the figures scikit-learn gives (normalized_mutual_info_score with its default
// arithmetic normalisation, adjusted_rand_score) for the examples of its user guide, and the edge cases.
func TestScoreClustering(t *testing.T) {
	tests := []struct {
		name       string
		gold, pred string // one letter an item
		nmi, ari   float64
	}{
		{"user guide", "aaabbb", "aabbcc", 0.5158037429793889, 0.24242424242424246},
		{"one split cluster", "aabb", "aabc", 0.8, 0.5714285714285715},
		{"worse than chance", "aabbcc", "xyzxyz", 0.3690702464285425, -0.25},
		{"same partition, other names", "aabbc", "xxyyz", 1, 1},
		{"one class, one cluster", "aaaa", "xxxx", 1, 1},
		{"every item alone, one class", "aaaa", "wxyz", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ScoreClustering(strings.Split(tt.gold, ""), strings.Split(tt.pred, ""))
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got.NMI-tt.nmi) > 1e-12 || math.Abs(got.ARI-tt.ari) > 1e-12 {
				t.Errorf("NMI %v ARI %v, want %v and %v", got.NMI, got.ARI, tt.nmi, tt.ari)
			}
		})
	}
	if _, err := ScoreClustering([]string{"a"}, nil); err == nil {
		t.Error("gold and predicted labels of different lengths: no error")
	}
}

package linear

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// toyExamples are three classes told apart by one feature each (1, 2, 3), with a feature always on (0)
// and one shared by classes 0 and 1 (4); feature values vary.
func toyExamples() []Example {
	return []Example{
		{Features: []int32{0, 1}, Values: []float64{1, 1}, Class: 0},
		{Features: []int32{0, 1, 4}, Values: []float64{1, 0.5, 0.5}, Class: 0},
		{Features: []int32{0, 2}, Values: []float64{1, 1}, Class: 1},
		{Features: []int32{0, 2, 4}, Values: []float64{1, 0.7, 0.7}, Class: 1},
		{Features: []int32{0, 3}, Values: []float64{1, 1}, Class: 2},
		{Features: []int32{0, 3}, Values: []float64{1, 2}, Class: 2},
	}
}

// trainers are the two training schedules, on the toy examples, as float64 weights.
var trainers = []struct {
	name  string
	train func([]Example) []float64
}{
	{"batch", func(exs []Example) []float64 {
		b := Batch{Epochs: 50, Rate: 0.5, L2: 1e-3, ClassWeights: []float64{1, 1, 2}, NoDecay: func(f int) bool { return f == 0 }}
		return b.Train(exs, 5, 3).W
	}},
	{"stochastic", func(exs []Example) []float64 {
		w := Stochastic{Epochs: 20, Rate: 0.2, L2: 1e-5, Epsilon: 1e-6}.Train(exs, 5, 3)
		out := make([]float64, len(w.W))
		for i, x := range w.W {
			out[i] = float64(x)
		}
		return out
	}},
}

// predict returns the class with the highest score under weights w (feature-major, 3 classes).
func predict(w []float64, ex Example) int {
	scores := make([]float64, 3)
	for j, f := range ex.Features {
		for c := range scores {
			scores[c] += w[int(f)*3+c] * ex.Values[j]
		}
	}
	p := Softmax(scores)
	return slices.Index(p, slices.Max(p))
}

func TestTrainLearnsToyExamples(t *testing.T) {
	for _, tr := range trainers {
		t.Run(tr.name, func(t *testing.T) {
			exs := toyExamples()
			w := tr.train(exs)
			for i, ex := range exs {
				if got := predict(w, ex); got != ex.Class {
					t.Errorf("example %d: predicted class %d, want %d", i, got, ex.Class)
				}
			}
			if again := tr.train(toyExamples()); !slices.Equal(w, again) {
				t.Errorf("training twice gave different weights:\n%v\n%v", w, again)
			}
		})
	}
}

// TestTrainIsBitForBit pins the exact weights of the toy examples: a change to the order of the
// floating-point operations changes them, and with them heed's shipped intent model and its page models.
// (The batch weights are those intent.Train gave, unrounded, before it was moved here.)
func TestTrainIsBitForBit(t *testing.T) {
	want := map[string][]string{
		"batch": {
			"bfc50887dfed1bb4", "bfe46b91884bd48d", "3fd954333e844121", "400457f7d32c714c",
			"c00346b7b04c2d44", "c001f09dd88e40c1", "c004d1c9675dfbf5", "4004bcc600399734",
			"c00188912dbe9617", "bffa7dbbc40d4d8f", "bff7f437fbbb7a8b", "3ffa187894e3f4c1",
			"3ff7e16dcd39e2c1", "3ff810ed48977101", "bffe3125874818f2",
		},
		"stochastic": {
			"3fa4164cc0000000", "bfc21db120000000", "bfcce4cb40000000", "3ff86545a0000000",
			"bff88c6800000000", "bff7f99e80000000", "bff9e3acc0000000", "3ff86bd760000000",
			"bff64c18c0000000", "bff4de0ea0000000", "bff3583ba0000000", "3ff415a920000000",
			"3fcd5a4760000000", "3fd52c3ae0000000", "bff566bde0000000",
		},
	}
	for _, tr := range trainers {
		t.Run(tr.name, func(t *testing.T) {
			var got []string
			for _, x := range tr.train(toyExamples()) {
				got = append(got, fmt.Sprintf("%016x", math.Float64bits(x)))
			}
			if diff := cmp.Diff(want[tr.name], got); diff != "" {
				t.Errorf("weights changed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBatchNoDecay(t *testing.T) {
	// With a huge weight decay, the only feature (always on) is pulled to zero unless exempt.
	exs := []Example{{Features: []int32{0}, Values: []float64{1}, Class: 0}}
	for _, tt := range []struct {
		name    string
		noDecay func(int) bool
		wantBig bool
	}{
		{"decayed", nil, false},
		{"exempt", func(int) bool { return true }, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := Batch{Epochs: 200, Rate: 0.5, L2: 10, ClassWeights: []float64{1, 1}, NoDecay: tt.noDecay}.Train(exs, 1, 2)
			if big := w.W[0]-w.W[1] > 1; big != tt.wantBig {
				t.Errorf("weights %v: lead of class 0 above 1 = %v, want %v", w.W, big, tt.wantBig)
			}
		})
	}
}

package linear

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSoftmax(t *testing.T) {
	tests := []struct {
		name   string
		scores []float64
		want   []float64
	}{
		{"one class", []float64{-3}, []float64{1}},
		{"equal scores", []float64{2, 2, 2, 2}, []float64{0.25, 0.25, 0.25, 0.25}},
		{"odds of three to one", []float64{0, math.Log(3)}, []float64{0.25, 0.75}},
		{"large scores do not overflow", []float64{1000, 1000 + math.Log(3)}, []float64{0.25, 0.75}},
		{"very negative scores do not underflow to nothing", []float64{-1000, -1000}, []float64{0.5, 0.5}},
		{"empty", []float64{}, []float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := append([]float64{}, tt.scores...)
			got := Softmax(s)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("Softmax(%v) mismatch (-want +got):\n%s", tt.scores, diff)
			}
			if len(s) > 0 && &got[0] != &s[0] {
				t.Errorf("Softmax(%v) did not work in place", tt.scores)
			}
		})
	}
}

func TestIndex(t *testing.T) {
	var x Index
	for _, tt := range []struct {
		name string
		want int32
	}{{"w:how", 0}, {"w:to", 1}, {"w:how", 0}, {"b:how_to", 2}, {"w:to", 1}} {
		if got := x.Add(tt.name); got != tt.want {
			t.Errorf("Add(%q) = %d, want %d", tt.name, got, tt.want)
		}
	}
	if got, want := x.Len(), 3; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
	if id, ok := x.ID("b:how_to"); !ok || id != 2 || x.Name(id) != "b:how_to" {
		t.Errorf("ID(b:how_to) = %d, %v; Name = %q", id, ok, x.Name(id))
	}
	if _, ok := x.ID("w:unknown"); ok {
		t.Error("ID of a name never added is known")
	}
	var empty Index
	if _, ok := empty.ID("w:how"); ok || empty.Len() != 0 {
		t.Error("an empty Index knows a name")
	}
}

func TestWeightsRow(t *testing.T) {
	w := NewWeights[float32](3, 2)
	w.Row(1)[0], w.Row(2)[1] = 5, 7
	if diff := cmp.Diff([]float32{0, 0, 5, 0, 0, 7}, w.W); diff != "" {
		t.Errorf("rows are not feature-major (-want +got):\n%s", diff)
	}
}

func TestAdaGradStep(t *testing.T) {
	tests := []struct {
		name         string
		w, sum, g    float64
		wantW, wantS float64
	}{
		// The first step moves by the rate whatever the size of the gradient.
		{"first step, large gradient", 1, 0, 4, 0.5, 16},
		{"first step, small gradient", 1, 0, -0.25, 1.5, 0.0625},
		// Later steps shrink as squared gradients add up.
		{"later step", 0, 12, 2, -0.25, 16},
		{"zero gradient", 3, 9, 0, 3, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := AdaGrad[float64]{Rate: 0.5}
			w, sum := tt.w, tt.sum
			a.Step(&w, &sum, tt.g)
			if w != tt.wantW || sum != tt.wantS {
				t.Errorf("got w %v, sum %v; want w %v, sum %v", w, sum, tt.wantW, tt.wantS)
			}
			a32 := AdaGrad[float32]{Rate: 0.5}
			w32, sum32 := float32(tt.w), float32(tt.sum)
			a32.Step(&w32, &sum32, float32(tt.g))
			if w32 != float32(tt.wantW) || sum32 != float32(tt.wantS) {
				t.Errorf("float32: got w %v, sum %v; want w %v, sum %v", w32, sum32, tt.wantW, tt.wantS)
			}
		})
	}
	// Epsilon keeps a step from a zero sum finite.
	w, sum := 1.0, 0.0
	AdaGrad[float64]{Rate: 0.5, Epsilon: 1e-8}.Step(&w, &sum, 0)
	if w != 1 || sum != 0 {
		t.Errorf("zero gradient with epsilon: w %v, sum %v; want 1, 0", w, sum)
	}
}

package heed

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestQuantiseKeepsEachComponentAndCosine: every component comes back within half a step, and the
// cosine of two unit vectors moves by less than 0.01.
func TestQuantiseKeepsEachComponentAndCosine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	unit := func() []float32 {
		v := make([]float32, 512)
		var n float64
		for i := range v {
			v[i] = float32(rng.NormFloat64())
			n += float64(v[i]) * float64(v[i])
		}
		for i := range v {
			v[i] /= float32(math.Sqrt(n))
		}
		return v
	}
	cos := func(a, b []float32) float64 {
		var s float64
		for i := range a {
			s += float64(a[i]) * float64(b[i])
		}
		return s
	}
	worst := 0.0
	for range 200 {
		a, b := unit(), unit()
		// Make some pairs close, as requests of one topic are.
		for i := range b {
			b[i] = 0.8*a[i] + 0.2*b[i]
		}
		qa, qb := Quantise(a), Quantise(b)
		da, db := make([]float32, 512), make([]float32, 512)
		qa.Load(da)
		qb.Load(db)
		for d := range a {
			if diff := math.Abs(float64(da[d] - a[d])); diff > float64(qa.Scale)/2+1e-7 {
				t.Fatalf("component %d: %g came back as %g (step %g)", d, a[d], da[d], qa.Scale)
			}
			if qa.At(d) != da[d] {
				t.Fatalf("At(%d) = %g, Load gives %g", d, qa.At(d), da[d])
			}
		}
		worst = max(worst, math.Abs(cos(da, db)/math.Sqrt(cos(da, da)*cos(db, db))-cos(a, b)/math.Sqrt(cos(a, a)*cos(b, b))))
	}
	if worst >= 0.01 {
		t.Errorf("a cosine moved by %.4f, want < 0.01", worst)
	}
}

// TestQuantiseEdgeCases: nothing, zeros and non-finite vectors give a scale of 0, never a panic.
func TestQuantiseEdgeCases(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	for _, tc := range []struct {
		name string
		v    []float32
		len  int
	}{
		{"nil", nil, 0},
		{"zeros", make([]float32, 4), 4},
		{"infinite", []float32{1, inf, 0}, 3},
		{"not a number", []float32{nan, 1}, 2},
	} {
		got := Quantise(tc.v)
		if got.Len() != tc.len || got.Scale != 0 {
			t.Errorf("%s: Len %d scale %g, want %d and 0", tc.name, got.Len(), got.Scale, tc.len)
		}
	}
	if got := Quantise([]float32{-0.5, 0.25}); got.Q[0] != -127 || got.Q[1] != 64 {
		t.Errorf("Quantise(-0.5, 0.25) = %v, want [-127 64]", got.Q)
	}
}

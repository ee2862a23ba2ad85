package encoder

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestDots holds Dots, on every kernel the processor has, to Dot pair by pair, for shapes that fill the
// kernel's two rows by four and shapes that do not.
func TestDots(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	random := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = rng.Float32()*2 - 1
		}
		return v
	}
	for _, k := range kernels {
		if !k.usable {
			continue
		}
		for _, shape := range [][3]int{{1, 1, 8}, {2, 4, 16}, {3, 5, 512}, {33, 7, 24}, {5, 66, 512}, {4, 3, 5}} {
			na, nb, dim := shape[0], shape[1], shape[2]
			t.Run(fmt.Sprintf("%s/%dx%dx%d", k.name, na, nb, dim), func(t *testing.T) {
				defer k.use()()
				a, b := random(na*dim), random(nb*dim)
				c := make([]float32, na*nb)
				Dots(c, a, b, dim)
				for i := range na {
					for j := range nb {
						want := Dot(a[i*dim:(i+1)*dim], b[j*dim:(j+1)*dim])
						if got := c[i*nb+j]; math.Abs(float64(got-want)) > 1e-4*math.Sqrt(float64(dim)) {
							t.Errorf("product (%d, %d) = %g, want %g", i, j, got, want)
						}
					}
				}
			})
		}
	}
}

func TestDotsPanicsOnBadShapes(t *testing.T) {
	for _, tt := range []struct {
		name    string
		c, a, b int
		dim     int
	}{
		{"rows cut short", 1, 7, 8, 8},
		{"too small an output", 1, 8, 16, 8},
		{"no dimension", 1, 8, 8, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Dots(%d, %d, %d, dim %d) did not panic", tt.c, tt.a, tt.b, tt.dim)
				}
			}()
			Dots(make([]float32, tt.c), make([]float32, tt.a), make([]float32, tt.b), tt.dim)
		})
	}
}

func BenchmarkDots(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	const na, nb = 256, 1024
	a, bs := make([]float32, na*Dim), make([]float32, nb*Dim)
	for i := range a {
		a[i] = rng.Float32()
	}
	for i := range bs {
		bs[i] = rng.Float32()
	}
	c := make([]float32, na*nb)
	for _, k := range kernels {
		if !k.usable {
			continue
		}
		b.Run("kernel="+k.name, func(b *testing.B) {
			defer k.use()()
			for b.Loop() {
				Dots(c, a, bs, Dim)
			}
			b.ReportMetric(float64(na*nb*b.N)/b.Elapsed().Seconds(), "dots/s")
		})
	}
	b.Run("Dot", func(b *testing.B) {
		for b.Loop() {
			for i := range na {
				for j := range nb {
					c[i*nb+j] = Dot(a[i*Dim:(i+1)*Dim], bs[j*Dim:(j+1)*Dim])
				}
			}
		}
		b.ReportMetric(float64(na*nb*b.N)/b.Elapsed().Seconds(), "dots/s")
	})
}

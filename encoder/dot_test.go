package encoder

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKernelsAgree holds the assembly kernel (where the processor has one) to the Go one.
func TestKernelsAgree(t *testing.T) {
	t.Logf("AVX2 and FMA kernel: %t", haveFMA)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{8, 16, 256, 1536, 12} {
		v := make([][]float32, 6)
		for i := range v {
			v[i] = make([]float32, n)
			for j := range v[i] {
				v[i][j] = rng.Float32()*2 - 1
			}
		}
		want := dot2x4(v[0], v[1], v[2], v[3], v[4], v[5])
		got := dot2x4Kernel(v[0], v[1], v[2], v[3], v[4], v[5])
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-4*math.Sqrt(float64(n)) {
				t.Errorf("n=%d: product %d is %g, want %g", n, i, got[i], want[i])
			}
		}
	}
}

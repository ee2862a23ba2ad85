package encoder

import (
	"math"
	"math/rand/v2"
	"testing"
)

// kernel is one kernel of matmul, as the flags that select it.
type kernel struct {
	name        string
	fma, avx512 bool
	usable      bool // the processor has it
}

// kernels are matmul's kernels, the Go one first.
var kernels = []kernel{
	{"go", false, false, true},
	{"avx2", true, false, haveFMA},
	{"avx512", true, true, haveAVX512},
}

// use selects the kernel and returns what undoes that.
func (k kernel) use() (restore func()) {
	fma, avx512 := useFMA, useAVX512
	useFMA, useAVX512 = k.fma, k.avx512
	return func() { useFMA, useAVX512 = fma, avx512 }
}

// TestKernelsAgree holds the assembly kernels (those the processor has) to the Go one.
func TestKernelsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range kernels {
		if !k.usable {
			t.Logf("kernel %s: not on this processor", k.name)
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			defer k.use()()
			for _, n := range []int{8, 12, 16, 24, 256, 1536} {
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
		})
	}
}

// TestMatmulEveryRowCount: matmul against the naive product, on each kernel, for row counts that leave a
// block or a pair short.
func TestMatmulEveryRowCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const k, n = 32, 8
	for _, kn := range kernels {
		if !kn.usable {
			continue
		}
		t.Run(kn.name, func(t *testing.T) {
			defer kn.use()()
			for _, m := range []int{1, 2, 3, 4, 5, 7, 31, 32, 33, 37, 66} {
				a, bt, bias := make([]float32, m*k), make([]float32, n*k), make([]float32, n)
				for _, v := range [][]float32{a, bt, bias} {
					for i := range v {
						v[i] = rng.Float32()*2 - 1
					}
				}
				c := make([]float32, m*n)
				matmul(c, a, bt, bias, m, k, n)
				for i := range m {
					for j := range n {
						want := float64(bias[j])
						for p := range k {
							want += float64(a[i*k+p]) * float64(bt[j*k+p])
						}
						if got := float64(c[i*n+j]); math.Abs(got-want) > 1e-4 {
							t.Fatalf("m=%d: c[%d][%d] = %g, want %g", m, i, j, got, want)
						}
					}
				}
			}
		})
	}
}

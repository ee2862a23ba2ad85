package encoder

// The AVX2+FMA and AVX-512 kernels of matmul, where the processor and the operating system support them.

//go:noescape
func dot2x4FMA(a0, a1, b0, b1, b2, b3 *float32, n int, c *[8]float32)

//go:noescape
func dot2x4AVX512(a0, a1, b0, b1, b2, b3 *float32, n int, c *[8]float32)

func cpuid(leaf, sub uint32) (a, b, c, d uint32)

func xgetbv() (eax uint32)

// haveFMA reports AVX2 and FMA, with the YMM registers saved by the operating system.
var haveFMA = func() bool {
	if leaves, _, _, _ := cpuid(0, 0); leaves < 7 {
		return false
	}
	_, _, c1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if c1&(fma|osxsave|avx) != fma|osxsave|avx || xgetbv()&6 != 6 {
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<5) != 0 // AVX2
}()

// haveAVX512 reports AVX-512F besides, with the ZMM registers and mask registers saved by the
// operating system.
var haveAVX512 = func() bool {
	if !haveFMA {
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<16) != 0 && xgetbv()&0xE6 == 0xE6
}()

// useFMA and useAVX512 are haveFMA and haveAVX512 unless a test or benchmark turns a kernel off.
var useFMA, useAVX512 = haveFMA, haveAVX512

// dot2x4Kernel is dot2x4, on the widest assembly kernel the processor has for n.
func dot2x4Kernel(a0, a1, b0, b1, b2, b3 []float32) [8]float32 {
	n := len(a0)
	if !useFMA || n%8 != 0 || n == 0 {
		return dot2x4(a0, a1, b0, b1, b2, b3)
	}
	_, _, _, _, _ = a1[n-1], b0[n-1], b1[n-1], b2[n-1], b3[n-1] // the assembly reads n floats of each
	var c [8]float32
	if useAVX512 && n%16 == 0 {
		dot2x4AVX512(&a0[0], &a1[0], &b0[0], &b1[0], &b2[0], &b3[0], n, &c)
		return c
	}
	dot2x4FMA(&a0[0], &a1[0], &b0[0], &b1[0], &b2[0], &b3[0], n, &c)
	return c
}

//go:build !amd64

package encoder

// dot2x4Kernel is dot2x4: there is no assembly kernel for this architecture.
func dot2x4Kernel(a0, a1, b0, b1, b2, b3 []float32) [8]float32 {
	return dot2x4(a0, a1, b0, b1, b2, b3)
}

// haveFMA and useFMA: no assembly kernel here.
var haveFMA, useFMA = false, false

// haveAVX512 and useAVX512: no assembly kernel here.
var haveAVX512, useAVX512 = false, false

package encoder

// matmul sets c[m][n] = a[m][k] · bt[n][k]ᵀ + bias[n]: every output is the dot product of a row of a and
// a row of the transposed kernel bt. n must be a multiple of 4. Rows of a are taken in blocks that stay
// in cache while every kernel row passes over them, and the products two rows by four columns at a time.
func matmul(c, a, bt, bias []float32, m, k, n int) {
	if n%4 != 0 {
		panic("encoder: matmul width not a multiple of 4")
	}
	const rowBlock = 32
	bias = bias[:n]
	for i0 := 0; i0 < m; i0 += rowBlock {
		i1 := min(i0+rowBlock, m)
		for j := 0; j < n; j += 4 {
			b0, b1, b2, b3 := bt[j*k:(j+1)*k], bt[(j+1)*k:(j+2)*k], bt[(j+2)*k:(j+3)*k], bt[(j+3)*k:(j+4)*k]
			for i := i0; i < i1; i += 2 {
				a0 := a[i*k : (i+1)*k]
				a1 := a0 // an odd last row is paired with itself
				if i+1 < i1 {
					a1 = a[(i+1)*k : (i+2)*k]
				}
				s := dot2x4Kernel(a0, a1, b0, b1, b2, b3)
				r0 := c[i*n+j : i*n+j+4]
				r0[0], r0[1], r0[2], r0[3] = s[0]+bias[j], s[1]+bias[j+1], s[2]+bias[j+2], s[3]+bias[j+3]
				if i+1 < i1 {
					r1 := c[(i+1)*n+j : (i+1)*n+j+4]
					r1[0], r1[1], r1[2], r1[3] = s[4]+bias[j], s[5]+bias[j+1], s[6]+bias[j+2], s[7]+bias[j+3]
				}
			}
		}
	}
}

// dot2x4 returns the dot products of a0 with b0, b1, b2 and b3, then of a1 with them (all of one length).
func dot2x4(a0, a1, b0, b1, b2, b3 []float32) [8]float32 {
	n := len(a0)
	a1, b0, b1, b2, b3 = a1[:n], b0[:n], b1[:n], b2[:n], b3[:n]
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	for i := range n {
		x0, x1 := a0[i], a1[i]
		y0, y1, y2, y3 := b0[i], b1[i], b2[i], b3[i]
		c00 += x0 * y0
		c01 += x0 * y1
		c02 += x0 * y2
		c03 += x0 * y3
		c10 += x1 * y0
		c11 += x1 * y1
		c12 += x1 * y2
		c13 += x1 * y3
	}
	return [8]float32{c00, c01, c02, c03, c10, c11, c12, c13}
}

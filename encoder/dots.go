package encoder

import "fmt"

// Dot returns the dot product of a and b, which must be of one length; for vectors of this package, of
// unit length, it is their cosine similarity.
func Dot(a, b []float32) float32 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("encoder: Dot of %d and %d floats", len(a), len(b)))
	}
	return dot(a, b)
}

// Dots sets c[i*nb+j] to the dot product of row i of a and row j of b, where a and b hold rows of dim
// floats one after another (na = len(a)/dim and nb = len(b)/dim of them) and c holds na*nb floats. It
// runs on the assembly kernel of the encoder's matrix products where the processor has one (for dim a
// multiple of 8), taking two rows of a and four of b at a time; for many rows it is several times
// faster than Dot row by row. The rounding of the sums may differ from Dot's in the last bits.
func Dots(c, a, b []float32, dim int) {
	if dim <= 0 || len(a)%dim != 0 || len(b)%dim != 0 {
		panic(fmt.Sprintf("encoder: Dots of %d and %d floats in rows of %d", len(a), len(b), dim))
	}
	na, nb := len(a)/dim, len(b)/dim
	if len(c) != na*nb {
		panic(fmt.Sprintf("encoder: Dots got %d floats for %d×%d products", len(c), na, nb))
	}
	row := func(x []float32, i int) []float32 { return x[i*dim : (i+1)*dim : (i+1)*dim] }
	const rowBlock = 32 // rows of a that stay in cache while the rows of b pass over them
	for i0 := 0; i0 < na; i0 += rowBlock {
		i1 := min(i0+rowBlock, na)
		for j := 0; j < nb; j += 4 {
			// A last group of fewer than four rows of b repeats its first to fill the kernel.
			b0 := row(b, j)
			b1, b2, b3 := b0, b0, b0
			if j+1 < nb {
				b1 = row(b, j+1)
			}
			if j+2 < nb {
				b2 = row(b, j+2)
			}
			if j+3 < nb {
				b3 = row(b, j+3)
			}
			w := min(4, nb-j)
			for i := i0; i < i1; i += 2 {
				a0, a1 := row(a, i), row(a, i) // an odd last row is paired with itself
				if i+1 < i1 {
					a1 = row(a, i+1)
				}
				s := dot2x4Kernel(a0, a1, b0, b1, b2, b3)
				store(c[i*nb+j:i*nb+j+w], s[:4])
				if i+1 < i1 {
					store(c[(i+1)*nb+j:(i+1)*nb+j+w], s[4:])
				}
			}
		}
	}
}

// store writes the first len(dst) (at most four) of s into dst.
func store(dst, s []float32) {
	if len(dst) == 4 {
		dst[0], dst[1], dst[2], dst[3] = s[0], s[1], s[2], s[3]
		return
	}
	for q := range dst {
		dst[q] = s[q]
	}
}

package heed

import "math"

// pow10 are the powers of ten Round scales by.
var pow10 = [...]float64{1, 10, 100, 1e3, 1e4, 1e5, 1e6}

// Round rounds x to places decimal places (0 to 6), halves away from zero: the one rounding of the
// figures heed reports (scores, confidences, demand, coverage).
func Round(x float64, places int) float64 {
	p := pow10[places]
	return math.Round(x*p) / p
}

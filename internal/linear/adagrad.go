package linear

import "math"

// AdaGrad is the step rule: each weight moves against its gradient by Rate over the root of the sum of
// the squares of all its gradients so far (plus Epsilon), so weights of frequent features settle while
// rare ones still learn.
type AdaGrad[F Float] struct {
	Rate F
	// Epsilon is added to the root, in float64, before the divisor is rounded to F: it keeps the first step
	// finite.
	Epsilon float64
}

// Step moves *w by the gradient g, adding g² to *sum, the weight's sum of squared gradients.
func (a AdaGrad[F]) Step(w, sum *F, g F) {
	*sum += g * g
	*w -= a.Rate * g / F(math.Sqrt(float64(*sum))+a.Epsilon)
}

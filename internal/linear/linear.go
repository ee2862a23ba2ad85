// Package linear trains multinomial logistic regression models (a weight per feature and class, a softmax
// over the classes' scores) on sparse features with AdaGrad. It is the one small linear-model trainer
// behind heed's intent model and page model, and imports only the standard library.
//
// Training is deterministic: the same examples, in the same order, give the same weights, bit for bit.
package linear

import "math"

// Float is the precision of a model's weights.
type Float interface{ ~float32 | ~float64 }

// Example is one training example: sparse features, each with its value, and the class it belongs to.
type Example struct {
	Features []int32   // feature ids, as an Index numbers them
	Values   []float64 // the value of each feature, in the order of Features
	Class    int
}

// Softmax turns scores into probabilities in place (the largest score is subtracted first, so that no
// exponential overflows) and returns s.
func Softmax(s []float64) []float64 {
	mx := math.Inf(-1)
	for _, x := range s {
		mx = max(mx, x)
	}
	var z float64
	for i, x := range s {
		s[i] = math.Exp(x - mx)
		z += s[i]
	}
	for i := range s {
		s[i] /= z
	}
	return s
}

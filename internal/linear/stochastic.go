package linear

import (
	"math/rand/v2"
)

// Stochastic trains by stochastic gradient descent: each epoch visits the examples in a new shuffled
// order (the same orders every time) and moves the weights of each example's features by AdaGrad, with
// L2 weight decay on those weights only. Its weights, feature values and gradients are float32: it is
// made for many features and classes.
type Stochastic struct {
	Epochs  int
	Rate    float32 // AdaGrad's rate
	L2      float32 // weight decay, added to each weight's gradient times the weight
	Epsilon float64 // AdaGrad's epsilon
}

// Train fits weights for features × classes to examples, whose classes must be below classes and whose
// feature ids below features. Feature values are used rounded to float32.
func (s Stochastic) Train(examples []Example, features, classes int) Weights[float32] {
	w := NewWeights[float32](features, classes)
	sums := NewWeights[float32](features, classes)
	rng := rand.New(rand.NewPCG(1, 1))
	order := make([]int, len(examples))
	for i := range order {
		order[i] = i
	}
	scores := make([]float64, classes)
	step := AdaGrad[float32]{Rate: s.Rate, Epsilon: s.Epsilon}
	for epoch := 0; epoch < s.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			s.learn(w, sums, examples[i], scores, step)
		}
	}
	return w
}

// learn moves w by one example's loss gradient; scores is scratch space, one per class.
func (s Stochastic) learn(w, sums Weights[float32], ex Example, scores []float64, step AdaGrad[float32]) {
	clear(scores)
	for j, f := range ex.Features {
		v := float32(ex.Values[j])
		for c, x := range w.Row(int(f)) {
			scores[c] += float64(x * v)
		}
	}
	p := Softmax(scores)
	for j, f := range ex.Features {
		v := float32(ex.Values[j])
		row, sum := w.Row(int(f)), sums.Row(int(f))
		for c := range row {
			y := 0.0
			if c == ex.Class {
				y = 1
			}
			g := float32(p[c]-y)*v + s.L2*row[c]
			if g == 0 {
				continue
			}
			step.Step(&row[c], &sum[c], g)
		}
	}
}

package linear

// Batch trains by full-batch gradient descent: each epoch sums the gradient of every example's loss,
// weighted by its class's weight, then moves every weight once by AdaGrad with L2 weight decay. Its
// weights are float64.
type Batch struct {
	Epochs int
	Rate   float64 // AdaGrad's rate
	L2     float64 // weight decay, added to each weight's gradient times the weight
	// ClassWeights weigh each class's examples; every example's weight is divided by their sum, so the
	// gradient is a weighted mean.
	ClassWeights []float64
	// NoDecay, when set, exempts the features it returns true for from weight decay (a bias).
	NoDecay func(feature int) bool
}

// batchEpsilon keeps the first AdaGrad steps of a Batch finite.
const batchEpsilon = 1e-8

// Train fits weights for features × classes to examples, whose classes must be below classes and whose
// feature ids below features.
func (b Batch) Train(examples []Example, features, classes int) Weights[float64] {
	w := NewWeights[float64](features, classes)
	sums := NewWeights[float64](features, classes)
	grad := NewWeights[float64](features, classes)
	var total float64
	for _, ex := range examples {
		total += b.ClassWeights[ex.Class]
	}
	scores := make([]float64, classes)
	step := AdaGrad[float64]{Rate: b.Rate, Epsilon: batchEpsilon}
	for epoch := 0; epoch < b.Epochs; epoch++ {
		clear(grad.W)
		for _, ex := range examples {
			b.addGradient(grad, w, ex, scores, total)
		}
		for f := range features {
			row, sum, g := w.Row(f), sums.Row(f), grad.Row(f)
			decay := b.NoDecay == nil || !b.NoDecay(f)
			for c := range row {
				gc := g[c]
				if decay {
					gc += b.L2 * row[c]
				}
				step.Step(&row[c], &sum[c], gc)
			}
		}
	}
	return w
}

// addGradient adds ex's share of the loss gradient at w to grad; scores is scratch space, one per class.
func (b Batch) addGradient(grad, w Weights[float64], ex Example, scores []float64, total float64) {
	clear(scores)
	for j, f := range ex.Features {
		row := w.Row(int(f))
		for c := range scores {
			scores[c] += row[c] * ex.Values[j]
		}
	}
	p := Softmax(scores)
	for c := range p {
		y := 0.0
		if c == ex.Class {
			y = 1
		}
		diff := (p[c] - y) * b.ClassWeights[ex.Class] / total
		for j, f := range ex.Features {
			grad.Row(int(f))[c] += diff * ex.Values[j]
		}
	}
}

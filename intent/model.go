package intent

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
)

// Model is a multinomial logistic regression over named features: for each label, a weight per feature.
// It is small, exact to explain (every decision is a sum of named weights), and trains in seconds.
type Model struct {
	Labels  []string             `json:"labels"`
	Weights map[string][]float64 `json:"weights"` // feature name -> one weight per label
	// About records how the model was made: data, sizes, settings.
	About map[string]string `json:"about,omitempty"`
}

// Scores returns the model's raw score for each label.
func (m *Model) Scores(fs []Feature) []float64 {
	s := make([]float64, len(m.Labels))
	for _, f := range fs {
		if w, ok := m.Weights[f.Name]; ok {
			for i := range s {
				s[i] += w[i] * f.Value
			}
		}
	}
	return s
}

// Probabilities returns the softmax of the scores.
func (m *Model) Probabilities(fs []Feature) []float64 { return softmax(m.Scores(fs)) }

func softmax(s []float64) []float64 {
	mx := math.Inf(-1)
	for _, x := range s {
		mx = max(mx, x)
	}
	var z float64
	out := make([]float64, len(s))
	for i, x := range s {
		out[i] = math.Exp(x - mx)
		z += out[i]
	}
	for i := range out {
		out[i] /= z
	}
	return out
}

// Contribution is how much one feature moved a label's score.
type Contribution struct {
	Feature string
	Amount  float64
}

// Contributions returns the features that raised label's score above the other labels' average the
// most, strongest first: the model's reasons.
func (m *Model) Contributions(fs []Feature, label int, n int) []Contribution {
	var out []Contribution
	for _, f := range fs {
		w, ok := m.Weights[f.Name]
		if !ok || f.Name == "bias" {
			continue
		}
		var others float64
		for i, x := range w {
			if i != label {
				others += x
			}
		}
		amt := (w[label] - others/float64(len(w)-1)) * f.Value
		if amt > 0.05 {
			out = append(out, Contribution{f.Name, amt})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Amount > out[j].Amount })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// Example is one labelled request as features.
type Example struct {
	Features []Feature
	Label    int
}

// TrainOptions tune training.
type TrainOptions struct {
	Epochs int     // full passes; default 300
	Rate   float64 // AdaGrad learning rate; default 0.5
	L2     float64 // weight decay per example; default 1e-3
	// ClassWeights, when set, weigh each label's examples (to balance rare labels).
	ClassWeights []float64
}

// Train fits a model by full-batch gradient descent with AdaGrad and L2 regularisation. It is
// deterministic: the same examples give the same weights.
func Train(labels []string, examples []Example, opt TrainOptions) (*Model, error) {
	if len(examples) == 0 {
		return nil, fmt.Errorf("train: no examples")
	}
	if opt.Epochs <= 0 {
		opt.Epochs = 300
	}
	if opt.Rate <= 0 {
		opt.Rate = 0.5
	}
	if opt.L2 <= 0 {
		opt.L2 = 1e-3
	}
	k := len(labels)
	cw := opt.ClassWeights
	if cw == nil {
		cw = make([]float64, k)
		for i := range cw {
			cw[i] = 1
		}
	}
	// Index the features.
	index := map[string]int{}
	var names []string
	for _, ex := range examples {
		if ex.Label < 0 || ex.Label >= k {
			return nil, fmt.Errorf("train: label %d out of range", ex.Label)
		}
		for _, f := range ex.Features {
			if _, ok := index[f.Name]; !ok {
				index[f.Name] = len(names)
				names = append(names, f.Name)
			}
		}
	}
	type sparse struct {
		idx []int
		val []float64
	}
	data := make([]sparse, len(examples))
	for i, ex := range examples {
		for _, f := range ex.Features {
			data[i].idx = append(data[i].idx, index[f.Name])
			data[i].val = append(data[i].val, f.Value)
		}
	}
	w := make([][]float64, len(names))
	g2 := make([][]float64, len(names))
	for i := range w {
		w[i] = make([]float64, k)
		g2[i] = make([]float64, k)
	}
	grad := make([][]float64, len(names))
	for i := range grad {
		grad[i] = make([]float64, k)
	}
	var total float64
	for _, ex := range examples {
		total += cw[ex.Label]
	}
	scores := make([]float64, k)
	for epoch := 0; epoch < opt.Epochs; epoch++ {
		for i := range grad {
			clear(grad[i])
		}
		for n, ex := range examples {
			d := data[n]
			clear(scores)
			for j, fi := range d.idx {
				for c := 0; c < k; c++ {
					scores[c] += w[fi][c] * d.val[j]
				}
			}
			p := softmax(scores)
			for c := 0; c < k; c++ {
				y := 0.0
				if c == ex.Label {
					y = 1
				}
				diff := (p[c] - y) * cw[ex.Label] / total
				for j, fi := range d.idx {
					grad[fi][c] += diff * d.val[j]
				}
			}
		}
		for fi := range w {
			for c := 0; c < k; c++ {
				g := grad[fi][c]
				if names[fi] != "bias" {
					g += opt.L2 * w[fi][c]
				}
				g2[fi][c] += g * g
				w[fi][c] -= opt.Rate * g / (math.Sqrt(g2[fi][c]) + 1e-8)
			}
		}
	}
	m := &Model{Labels: slices.Clone(labels), Weights: map[string][]float64{}, About: map[string]string{}}
	for fi, name := range names {
		ws := make([]float64, k)
		for c := range ws {
			ws[c] = math.Round(w[fi][c]*1e4) / 1e4
		}
		m.Weights[name] = ws
	}
	m.About["examples"] = fmt.Sprint(len(examples))
	m.About["features"] = fmt.Sprint(len(names))
	m.About["epochs"] = fmt.Sprint(opt.Epochs)
	m.About["l2"] = fmt.Sprint(opt.L2)
	return m, nil
}

// MarshalIndent writes the model as stable, readable JSON.
func (m *Model) MarshalIndent() ([]byte, error) { return json.MarshalIndent(m, "", " ") }

// LoadModel reads a model written by MarshalIndent.
func LoadModel(data []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	if len(m.Labels) < 2 {
		return nil, fmt.Errorf("read model: %d labels, want at least 2", len(m.Labels))
	}
	for name, w := range m.Weights {
		if len(w) != len(m.Labels) {
			return nil, fmt.Errorf("read model: feature %q has %d weights for %d labels", name, len(w), len(m.Labels))
		}
	}
	return &m, nil
}

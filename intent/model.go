package intent

import (
	"encoding/json"
	"fmt"

	"slices"
	"sort"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/internal/linear"
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
func (m *Model) Probabilities(fs []Feature) []float64 { return linear.Softmax(m.Scores(fs)) }

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

// Train fits a model by full-batch gradient descent with AdaGrad and L2 regularisation (the bias
// feature is not regularised). It is deterministic: the same examples give the same weights.
func Train(labels []string, examples []Example, opt TrainOptions) (*Model, error) {
	if len(examples) == 0 {
		return nil, fmt.Errorf("train: no examples")
	}
	opt = opt.withDefaults(len(labels))
	var index linear.Index
	data := make([]linear.Example, len(examples))
	for i, ex := range examples {
		if ex.Label < 0 || ex.Label >= len(labels) {
			return nil, fmt.Errorf("train: label %d out of range", ex.Label)
		}
		data[i] = sparse(ex, &index)
	}
	trainer := linear.Batch{Epochs: opt.Epochs, Rate: opt.Rate, L2: opt.L2, ClassWeights: opt.ClassWeights,
		NoDecay: func(f int) bool { return index.Name(int32(f)) == "bias" }}
	w := trainer.Train(data, index.Len(), len(labels))
	m := &Model{Labels: slices.Clone(labels), Weights: map[string][]float64{}, About: map[string]string{}}
	for f := range index.Len() {
		ws := make([]float64, len(labels))
		for c, x := range w.Row(f) {
			ws[c] = heed.Round(x, 4)
		}
		m.Weights[index.Name(int32(f))] = ws
	}
	m.About["examples"] = fmt.Sprint(len(examples))
	m.About["features"] = fmt.Sprint(index.Len())
	m.About["epochs"] = fmt.Sprint(opt.Epochs)
	m.About["l2"] = fmt.Sprint(opt.L2)
	return m, nil
}

// withDefaults fills in the options left zero for a model of k labels.
func (opt TrainOptions) withDefaults(k int) TrainOptions {
	if opt.Epochs <= 0 {
		opt.Epochs = 300
	}
	if opt.Rate <= 0 {
		opt.Rate = 0.5
	}
	if opt.L2 <= 0 {
		opt.L2 = 1e-3
	}
	if opt.ClassWeights == nil {
		opt.ClassWeights = make([]float64, k)
		for i := range opt.ClassWeights {
			opt.ClassWeights[i] = 1
		}
	}
	return opt
}

// sparse turns an example into the trainer's form, numbering its features in index.
func sparse(ex Example, index *linear.Index) linear.Example {
	out := linear.Example{Class: ex.Label}
	for _, f := range ex.Features {
		out.Features = append(out.Features, index.Add(f.Name))
		out.Values = append(out.Values, f.Value)
	}
	return out
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

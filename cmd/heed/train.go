package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/evaluation"
	"github.com/heed-dev/heed/intent"
	"github.com/heed-dev/heed/internal/atomicfile"
)

// readLabelled reads label<TAB>text files, checking each label against labels.
func readLabelled(paths []string, labels []string) ([]string, []int, error) {
	var texts []string
	var ys []int
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, usageError{err}
		}
		for n, line := range strings.Split(string(data), "\n") {
			line = strings.TrimRight(line, "\r")
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			label, text, ok := strings.Cut(line, "\t")
			i := slices.Index(labels, label)
			if !ok || i < 0 || strings.TrimSpace(text) == "" {
				return nil, nil, usagef("%s:%d: want label<TAB>text with a label of %s", p, n+1, strings.Join(labels, ", "))
			}
			texts = append(texts, text)
			ys = append(ys, i)
		}
	}
	return texts, ys, nil
}

func cmdTrain(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "train", "[--data DIR] [--out FILE]")
	data := fs.String("data", filepath.Join("intent", "training"), "the directory of labelled requests (*.tsv: label<TAB>text)")
	out := fs.String("out", filepath.Join("intent", "model.json"), "where the model goes (embedded at the next build)")
	epochs := fs.Int("epochs", 400, "training passes")
	validate := fs.String("validate", filepath.Join("intent", "training", "validation", "queries.tsv"), "labelled requests kept out of training, to measure the model on (\"\" for none)")
	balance := fs.Bool("balance", true, "weigh each intent's examples so that every intent counts the same")
	l2 := fs.Float64("l2", 1e-3, "weight decay")
	if err := parse(fs, args); err != nil {
		return err
	}
	paths, err := filepath.Glob(filepath.Join(*data, "*.tsv"))
	if err != nil || len(paths) == 0 {
		return usagef("-data %s: no *.tsv files", *data)
	}
	slices.Sort(paths)
	labels := make([]string, len(heed.Intents))
	for i, in := range heed.Intents {
		labels[i] = string(in)
	}
	texts, ys, err := readLabelled(paths, labels)
	if err != nil {
		return err
	}
	rules := intent.New(intent.Options{RulesOnly: true})
	examples := make([]intent.Example, len(texts))
	for i, t := range texts {
		examples[i] = intent.Example{Features: rules.Features(t), Label: ys[i]}
	}
	opt := intent.TrainOptions{Epochs: *epochs, L2: *l2}
	if *balance {
		opt.ClassWeights = classWeights(ys, len(labels))
	}
	m, err := intent.Train(labels, examples, opt)
	if err != nil {
		return err
	}
	var names []string
	for _, p := range paths {
		names = append(names, filepath.Base(p))
	}
	m.About["data"] = strings.Join(names, ", ")
	m.About["command"] = "heed train -data " + filepath.ToSlash(*data)
	correct := 0
	for _, ex := range examples {
		p := m.Probabilities(ex.Features)
		if slices.Index(p, slices.Max(p)) == ex.Label {
			correct++
		}
	}
	b, err := m.MarshalIndent()
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(*out, append(b, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "heed train: %d examples from %s, %d features; training accuracy %.3f; model written to %s\n",
		len(examples), strings.Join(names, ", "), len(m.Weights), float64(correct)/float64(len(examples)), *out)
	if *validate != "" {
		if err := validateModel(e.stdout, *validate, labels, rules, m); err != nil {
			return err
		}
	}
	return nil
}

// classWeights weighs each of the n labels' examples (ys) so that every label counts the same; a label
// without examples weighs 0.
func classWeights(ys []int, n int) []float64 {
	counts := make([]float64, n)
	for _, y := range ys {
		counts[y]++
	}
	weights := make([]float64, n)
	for i, c := range counts {
		if c > 0 {
			weights[i] = float64(len(ys)) / (float64(n) * c)
		}
	}
	return weights
}

// validateModel prints the accuracy of the rules alone and of the rules with the model m on the labelled
// requests of path (commercial counting as informational).
func validateModel(out io.Writer, path string, labels []string, rules *intent.Classifier, m *intent.Model) error {
	vt, vy, err := readLabelled([]string{path}, labels)
	if err != nil {
		return err
	}
	data := make([]evaluation.Labelled, len(vt))
	for i, t := range vt {
		l := heed.Intents[vy[i]]
		if l == heed.Commercial {
			l = heed.Informational
		}
		data[i] = evaluation.Labelled{Text: t, Label: string(l)}
	}
	for _, c := range []struct {
		name string
		cl   evaluation.Classifier
	}{{"rules alone", rules}, {"rules and model", intent.New(intent.Options{Model: m})}} {
		r := evaluation.EvalIntent(data, c.cl)
		fmt.Fprintf(out, "  validation (%d requests, %s): accuracy %.3f, macro-F1 %.3f (informational %.3f, navigational %.3f, transactional %.3f)\n",
			r.N, c.name, r.Accuracy, r.MacroF1, r.F1["informational"], r.F1["navigational"], r.F1["transactional"])
	}
	return nil
}

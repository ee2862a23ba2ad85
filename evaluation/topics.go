package evaluation

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/heed-dev/heed"
)

// Clustering scores a clustering of items against their gold classes (protocol 4 of the evaluation: gap
// topics against the queries' intents).
type Clustering struct {
	Items    int
	Classes  int
	Clusters int
	NMI      float64 // normalised mutual information, arithmetic-mean normalisation (scikit-learn's default)
	ARI      float64 // adjusted Rand index
}

// ScoreClustering compares pred (each item's cluster) with gold (each item's class); the two are in the
// same order.
func ScoreClustering(gold, pred []string) (Clustering, error) {
	if len(gold) != len(pred) {
		return Clustering{}, fmt.Errorf("score clustering: %d gold labels, %d predicted", len(gold), len(pred))
	}
	n := len(gold)
	cont := map[[2]string]int{}
	a, b := map[string]int{}, map[string]int{}
	for i := range gold {
		cont[[2]string{gold[i], pred[i]}]++
		a[gold[i]]++
		b[pred[i]]++
	}
	c := Clustering{Items: n, Classes: len(a), Clusters: len(b)}
	if n == 0 {
		return c, nil
	}
	c.NMI = nmi(cont, a, b, n)
	c.ARI = ari(cont, a, b, n)
	return c, nil
}

// ScoreTopics scores gap topics as protocol 4 does: data's queries against topicOf (each request's topic,
// by its key, heed.Normalize of its text); a query in no topic (a service issue, say) is a cluster of
// its own.
func ScoreTopics(data []Labelled, topicOf map[string]string) (Clustering, error) {
	gold, pred := make([]string, len(data)), make([]string, len(data))
	for i, d := range data {
		key := heed.Normalize(d.Text)
		gold[i], pred[i] = d.Label, topicOf[key]
		if pred[i] == "" {
			pred[i] = "alone: " + key
		}
	}
	return ScoreClustering(gold, pred)
}

func entropy(counts map[string]int, n int) float64 {
	var h float64
	for _, k := range counts {
		p := float64(k) / float64(n)
		h -= p * math.Log(p)
	}
	return h
}

func nmi(cont map[[2]string]int, a, b map[string]int, n int) float64 {
	ha, hb := entropy(a, n), entropy(b, n)
	if ha == 0 && hb == 0 {
		return 1 // one class, one cluster: a perfect match
	}
	var mi float64
	for k, nij := range cont {
		p := float64(nij) / float64(n)
		mi += p * math.Log(float64(nij)*float64(n)/(float64(a[k[0]])*float64(b[k[1]])))
	}
	return mi / ((ha + hb) / 2)
}

func pairs(k int) float64 { return float64(k) * float64(k-1) / 2 }

func ari(cont map[[2]string]int, a, b map[string]int, n int) float64 {
	var index, sa, sb float64
	for _, nij := range cont {
		index += pairs(nij)
	}
	for _, k := range a {
		sa += pairs(k)
	}
	for _, k := range b {
		sb += pairs(k)
	}
	expected := sa * sb / pairs(n)
	maximum := (sa + sb) / 2
	if maximum == expected {
		return 1 // both put everything together, or everything apart
	}
	return (index - expected) / (maximum - expected)
}

// BankingTopics are BANKING77-OOS `valid` queries with their intents (the 50 in-scope ones).
func BankingTopics(dir string) ([]Labelled, error) {
	texts, err := lines(filepath.Join(dir, "banking77-oos", "valid", "seq.in"))
	if err != nil {
		return nil, err
	}
	labels, err := lines(filepath.Join(dir, "banking77-oos", "valid", "label"))
	if err != nil {
		return nil, err
	}
	if len(texts) != len(labels) {
		return nil, fmt.Errorf("banking77-oos valid: %d queries, %d labels", len(texts), len(labels))
	}
	out := make([]Labelled, len(texts))
	for i := range texts {
		out[i] = Labelled{Text: texts[i], Label: labels[i]}
	}
	return out, nil
}

// CLINCTopics are CLINC150 `val` queries with their intents (150 intents, no out-of-scope ones).
func CLINCTopics(dir string) ([]Labelled, error) {
	b, err := os.ReadFile(filepath.Join(dir, "clinc150", "dev.json"))
	if err != nil {
		return nil, err
	}
	var d struct {
		Val [][2]string `json:"val"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("clinc150 dev.json: %w", err)
	}
	out := make([]Labelled, len(d.Val))
	for i, v := range d.Val {
		out[i] = Labelled{Text: v[0], Label: v[1]}
	}
	return out, nil
}

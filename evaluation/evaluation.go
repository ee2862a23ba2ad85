// Package evaluation measures heed's quality on public, independently labelled data, with the protocols
// of the shared evaluation document: search intent on ORCAS-I, question types on TREC, and matching with
// gap decisions on StackFAQ (FAQ pages), CLINC150 (pages with declared queries) and BANKING77-OOS (close
// topics no page covers). It reads the development splits from a directory laid out as ../shared/data.
package evaluation

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/intent"
)

// Classifier labels requests.
type Classifier interface {
	Classify(text string) heed.Classification
}

// Matcher matches requests to pages.
type Matcher interface {
	Match(text string, c heed.Classification) heed.Match
}

// VectorMatcher is a matcher that reads meaning: the evaluation encodes the requests beforehand, in
// batches, as the nightly job does.
type VectorMatcher interface {
	Matcher
	Vectors(texts []string) [][]float32
	MatchVector(text string, vec []float32, c heed.Classification) heed.Match
}

// Adapter is a matcher whose gap decision adapts to the share of gaps among the requests it is about to
// match (responder.Matcher): the evaluation shows it all the requests first, as the nightly job does.
type Adapter interface {
	Adapt(texts []string, vectors func([]string) [][]float32)
}

// NewMatcher builds a matcher over a set of pages.
type NewMatcher func(pages []heed.Page) Matcher

// Labelled is a text with its gold label.
type Labelled struct {
	Text, Label string
}

// ReadORCASI reads orcas-i/dev.tsv: the query and its level-1 label (Navigational, Transactional, and
// informational for Factual, Instrumental and Abstain).
func ReadORCASI(dir string) ([]Labelled, error) {
	path := filepath.Join(dir, "orcas-i", "dev.tsv")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Labelled
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 5 {
			continue
		}
		out = append(out, Labelled{Text: cols[1], Label: ORCASLevel1(cols[4])})
	}
	return out, sc.Err()
}

// ORCASLevel1 maps an ORCAS-I label to heed's level-1 intent.
func ORCASLevel1(label string) string {
	switch label {
	case "Navigational":
		return string(heed.Navigational)
	case "Transactional":
		return string(heed.Transactional)
	}
	return string(heed.Informational)
}

// ReadTREC reads a TREC question-classification file: "COARSE:fine question".
func ReadTREC(path string) ([]Labelled, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []Labelled
	for _, line := range strings.Split(string(data), "\n") {
		label, text, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		coarse, _, _ := strings.Cut(label, ":")
		out = append(out, Labelled{Text: text, Label: coarse})
	}
	return out, nil
}

// TRECClass maps a question type to its TREC coarse class (contracts.md); none maps to "".
func TRECClass(q heed.QuestionType) string {
	switch q {
	case heed.QDefinition, heed.QDescription, heed.QHowTo, heed.QReason, heed.QYesNo, heed.QComparison, heed.QTroubleshooting:
		return "DESC"
	case heed.QEntity:
		return "ENTY"
	case heed.QPerson:
		return "HUM"
	case heed.QPlace:
		return "LOC"
	case heed.QTime, heed.QNumber:
		return "NUM"
	case heed.QAbbreviation:
		return "ABBR"
	}
	return ""
}

// Classes holds a confusion matrix over labels.
type Classes struct {
	labels []string
	counts map[[2]string]int // gold, predicted
	n      int
}

// NewClasses starts a confusion matrix over labels.
func NewClasses(labels ...string) *Classes {
	return &Classes{labels: labels, counts: map[[2]string]int{}}
}

// Add counts one prediction.
func (c *Classes) Add(gold, pred string) {
	c.counts[[2]string{gold, pred}]++
	c.n++
}

// Accuracy is the share of correct predictions.
func (c *Classes) Accuracy() float64 {
	ok := 0
	for _, l := range c.labels {
		ok += c.counts[[2]string{l, l}]
	}
	return ratio(ok, c.n)
}

// F1 is the F1 of one label.
func (c *Classes) F1(label string) float64 {
	tp := c.counts[[2]string{label, label}]
	var gold, pred int
	for k, n := range c.counts {
		if k[0] == label {
			gold += n
		}
		if k[1] == label {
			pred += n
		}
	}
	p, r := ratio(tp, pred), ratio(tp, gold)
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// MacroF1 is the mean F1 over the labels.
func (c *Classes) MacroF1() float64 {
	var s float64
	for _, l := range c.labels {
		s += c.F1(l)
	}
	return s / float64(len(c.labels))
}

// Confusion returns the matrix as text rows.
func (c *Classes) Confusion() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s", "gold \\ pred")
	for _, l := range c.labels {
		fmt.Fprintf(&b, "%15s", l)
	}
	b.WriteByte('\n')
	for _, g := range c.labels {
		fmt.Fprintf(&b, "%-16s", g)
		for _, p := range c.labels {
			fmt.Fprintf(&b, "%15d", c.counts[[2]string{g, p}])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// IntentResult is the intent evaluation on ORCAS-I.
type IntentResult struct {
	N        int
	Accuracy float64
	MacroF1  float64
	F1       map[string]float64
	Matrix   string
}

// EvalIntent scores a classifier on ORCAS-I level 1 (commercial counts as informational).
func EvalIntent(data []Labelled, c Classifier) IntentResult {
	cl := NewClasses(string(heed.Informational), string(heed.Navigational), string(heed.Transactional))
	for _, d := range data {
		pred := c.Classify(d.Text).Intent
		if pred == heed.Commercial {
			pred = heed.Informational
		}
		cl.Add(d.Label, string(pred))
	}
	r := IntentResult{N: len(data), Accuracy: cl.Accuracy(), MacroF1: cl.MacroF1(), F1: map[string]float64{}, Matrix: cl.Confusion()}
	for _, l := range cl.labels {
		r.F1[l] = cl.F1(l)
	}
	return r
}

// EvalQuestionTypes scores question types against TREC coarse classes: accuracy over every question.
func EvalQuestionTypes(data []Labelled, c Classifier) (float64, *Classes) {
	cl := NewClasses("ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM")
	for _, d := range data {
		cl.Add(d.Label, TRECClass(c.Classify(d.Text).QuestionType))
	}
	return cl.Accuracy(), cl
}

// TRECLabels are the six coarse classes of TREC question classification.
var TRECLabels = []string{"ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"}

// EvalQuestionModel trains heed's question-type learner on train (TREC train_5500) and scores it on test.
func EvalQuestionModel(train, test []Labelled) (float64, *Classes, error) {
	var ex []intent.Example
	for _, d := range train {
		y := slices.Index(TRECLabels, d.Label)
		if y < 0 {
			continue
		}
		ex = append(ex, intent.Example{Features: intent.QuestionFeatures(d.Text), Label: y})
	}
	m, err := intent.Train(TRECLabels, ex, intent.TrainOptions{Epochs: 200, L2: 1e-4})
	if err != nil {
		return 0, nil, err
	}
	cl := NewClasses(TRECLabels...)
	for _, d := range test {
		p := m.Probabilities(intent.QuestionFeatures(d.Text))
		cl.Add(d.Label, TRECLabels[slices.Index(p, slices.Max(p))])
	}
	return cl.Accuracy(), cl, nil
}

// MatchCase is one request of a matching protocol and the page that must answer it ("" when it must be
// a gap).
type MatchCase struct {
	Text string
	Want string
	// Group names the kind of request in reports (in-scope, out-of-scope, ...).
	Group string
}

// MatchResult is the outcome of a matching protocol.
type MatchResult struct {
	Name       string
	Pages      int
	Answerable int     // requests whose page is indexed
	Gaps       int     // requests that must be gaps
	Top1       float64 // answerable requests whose url is the right page (gap or not)
	Correct    float64 // answerable requests answered with the right page and not called gaps
	GapP       float64 // of requests called gaps, the share that are gaps
	GapR       float64 // of gap requests, the share called gaps
	GapF1      float64
	ByGroup    map[string]float64 // per group: answered correctly (in scope) or called a gap (out of scope)
}

// EvalMatch runs a matching protocol.
func EvalMatch(name string, pages []heed.Page, cases []MatchCase, c Classifier, newMatcher NewMatcher) MatchResult {
	m := newMatcher(pages)
	r := MatchResult{Name: name, Pages: len(pages), ByGroup: map[string]float64{}}
	var top1, correct, calledGap, calledGapRight, gapCaught int
	groupN := map[string]int{}
	groupOK := map[string]int{}
	match := func(i int, text string) heed.Match { return m.Match(text, c.Classify(text)) }
	texts := make([]string, len(cases))
	for i, mc := range cases {
		texts[i] = mc.Text
	}
	var vecs [][]float32
	if vm, ok := m.(VectorMatcher); ok {
		if vecs = vm.Vectors(texts); vecs != nil {
			match = func(i int, text string) heed.Match { return vm.MatchVector(text, vecs[i], c.Classify(text)) }
		}
	}
	if a, ok := m.(Adapter); ok {
		var vectors func([]string) [][]float32
		if vecs != nil {
			byText := make(map[string][]float32, len(texts))
			for i, t := range texts {
				byText[t] = vecs[i]
			}
			vectors = func(ts []string) [][]float32 {
				out := make([][]float32, len(ts))
				for i, t := range ts {
					out[i] = byText[t]
				}
				return out
			}
		}
		a.Adapt(texts, vectors)
	}
	for i, mc := range cases {
		res := match(i, mc.Text)
		groupN[mc.Group]++
		if res.Gap {
			calledGap++
		}
		if mc.Want == "" {
			r.Gaps++
			if res.Gap {
				calledGapRight++
				gapCaught++
				groupOK[mc.Group]++
			}
			continue
		}
		r.Answerable++
		if res.URL == mc.Want {
			top1++
			if !res.Gap {
				correct++
				groupOK[mc.Group]++
			}
		}
	}
	r.Top1 = ratio(top1, r.Answerable)
	r.Correct = ratio(correct, r.Answerable)
	r.GapP = ratio(calledGapRight, calledGap)
	r.GapR = ratio(gapCaught, r.Gaps)
	if r.GapP+r.GapR > 0 {
		r.GapF1 = 2 * r.GapP * r.GapR / (r.GapP + r.GapR)
	}
	for g, n := range groupN {
		r.ByGroup[g] = ratio(groupOK[g], n)
	}
	return r
}

// StackFAQ builds protocol 1: each thread a page (title the question, body its answers); a quarter of the
// threads, the first when sorted by sha256("gap" + id), left out; every paraphrase a request.
func StackFAQ(dir string) ([]heed.Page, []MatchCase, error) {
	data, err := os.ReadFile(filepath.Join(dir, "stackfaq", "dev.json"))
	if err != nil {
		return nil, nil, err
	}
	var threads []struct {
		ID       int      `json:"id"`
		Question string   `json:"question"`
		Answers  []string `json:"answers"`
		Rephr    []string `json:"rephr"`
	}
	if err := json.Unmarshal(data, &threads); err != nil {
		return nil, nil, fmt.Errorf("stackfaq: %w", err)
	}
	hash := func(id int) string {
		s := sha256.Sum256([]byte("gap" + strconv.Itoa(id)))
		return hex.EncodeToString(s[:])
	}
	order := make([]int, len(threads))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return hash(threads[order[a]].ID) < hash(threads[order[b]].ID) })
	out := map[int]bool{}
	for _, i := range order[:len(threads)/4] {
		out[i] = true
	}
	var pages []heed.Page
	var cases []MatchCase
	for i, t := range threads {
		u := fmt.Sprintf("https://faq.example.com/thread/%d", t.ID)
		want := u
		group := "answerable"
		if out[i] {
			want, group = "", "left out"
		} else {
			pages = append(pages, heed.Page{URL: u, Title: t.Question, Body: strings.Join(t.Answers, "\n\n")})
		}
		for _, r := range t.Rephr {
			cases = append(cases, MatchCase{Text: r, Want: want, Group: group})
		}
	}
	return pages, cases, nil
}

// CLINC builds protocol 2: each of the 150 intents a page whose declared queries are its training
// utterances; val requests must match their intent, oos_val requests must be gaps.
func CLINC(dir string) ([]heed.Page, []MatchCase, error) {
	data, err := os.ReadFile(filepath.Join(dir, "clinc150", "dev.json"))
	if err != nil {
		return nil, nil, err
	}
	var d map[string][][2]string
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, nil, fmt.Errorf("clinc150: %w", err)
	}
	url := func(intent string) string { return "https://assistant.example.com/" + intent }
	byIntent := map[string][]string{}
	var intents []string
	for _, ex := range d["train"] {
		if _, ok := byIntent[ex[1]]; !ok {
			intents = append(intents, ex[1])
		}
		byIntent[ex[1]] = append(byIntent[ex[1]], ex[0])
	}
	var pages []heed.Page
	for _, in := range intents {
		pages = append(pages, heed.Page{URL: url(in), Title: strings.ReplaceAll(in, "_", " "), Queries: byIntent[in]})
	}
	var cases []MatchCase
	for _, ex := range d["val"] {
		cases = append(cases, MatchCase{Text: ex[0], Want: url(ex[1]), Group: "in-scope"})
	}
	for _, ex := range d["oos_val"] {
		cases = append(cases, MatchCase{Text: ex[0], Group: "out-of-scope"})
	}
	return pages, cases, nil
}

// Banking builds protocol 3: each in-scope banking intent a page with its training utterances as
// declared queries; valid requests must match, id-oos and ood-oos requests must be gaps.
func Banking(dir string) ([]heed.Page, []MatchCase, error) {
	base := filepath.Join(dir, "banking77-oos")
	read := func(sub string) ([]string, []string, error) {
		texts, err := lines(filepath.Join(base, sub, "seq.in"))
		if err != nil {
			return nil, nil, err
		}
		labels, err := lines(filepath.Join(base, sub, "label"))
		if err != nil {
			return nil, nil, err
		}
		if len(texts) != len(labels) {
			return nil, nil, fmt.Errorf("banking77-oos/%s: %d texts but %d labels", sub, len(texts), len(labels))
		}
		return texts, labels, nil
	}
	url := func(intent string) string { return "https://bank.example.com/help/" + intent }
	texts, labels, err := read("train")
	if err != nil {
		return nil, nil, err
	}
	byIntent := map[string][]string{}
	var intents []string
	for i, l := range labels {
		if _, ok := byIntent[l]; !ok {
			intents = append(intents, l)
		}
		byIntent[l] = append(byIntent[l], texts[i])
	}
	var pages []heed.Page
	for _, in := range intents {
		pages = append(pages, heed.Page{URL: url(in), Title: strings.ReplaceAll(in, "_", " "), Queries: byIntent[in]})
	}
	var cases []MatchCase
	texts, labels, err = read("valid")
	if err != nil {
		return nil, nil, err
	}
	for i, t := range texts {
		cases = append(cases, MatchCase{Text: t, Want: url(labels[i]), Group: "in-scope"})
	}
	for _, sub := range []string{"id-oos/valid", "ood-oos/valid"} {
		texts, err := lines(filepath.Join(base, sub, "seq.in"))
		if err != nil {
			return nil, nil, err
		}
		group := strings.TrimSuffix(sub, "/valid")
		for _, t := range texts {
			cases = append(cases, MatchCase{Text: t, Group: group})
		}
	}
	return pages, cases, nil
}

func lines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		out = append(out, strings.TrimSpace(l))
	}
	return out, nil
}

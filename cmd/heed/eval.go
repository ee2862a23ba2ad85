package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/encoder"
	"github.com/heed-dev/heed/evaluation"
	"github.com/heed-dev/heed/intent"
)

// floors are the quality `heed eval --check` requires: set under what heed measures, so that a change
// that makes heed worse fails CI. They are floors, not targets; every figure is printed.
var floors = map[string]float64{
	"intent.accuracy":       0.84,
	"intent.macro_f1":       0.74,
	"qtype.accuracy":        0.80,
	"stackfaq.top1":         0.89,
	"stackfaq.answered":     0.71,
	"stackfaq.gap_f1":       0.57,
	"clinc.in_scope":        0.93,
	"clinc.oos_recall":      0.80,
	"banking.in_scope":      0.83,
	"banking.id_oos_recall": 0.45,
	"banking.ood_oos":       0.95,
	"banking.topics_nmi":    0.74,
	"banking.topics_ari":    0.39,
	"clinc.topics_nmi":      0.88,
	"clinc.topics_ari":      0.57,
}

func cmdEval(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "eval", "[--shared DIR] [--check] [--peers [--python PATH]]")
	shared := fs.String("shared", filepath.Join("..", "shared"), "the shared material (its data/ holds the development splits)")
	check := fs.Bool("check", false, "exit 1 when a figure falls under its floor")
	verbose := fs.Bool("v", false, "print confusion matrices")
	peers := fs.Bool("peers", false, "also measure the scikit-learn peers of SHARED/bench on the same protocols, and compare")
	py := fs.String("python", "/usr/bin/python3", "the Python with scikit-learn that runs the peers")
	if err := parse(fs, args); err != nil {
		return err
	}
	dir := filepath.Join(*shared, "data")
	out := e.stdout
	got := map[string]float64{}
	cl := intent.New(intent.Options{})

	if err := evalIntent(out, dir, cl, *verbose, got); err != nil {
		return err
	}
	if err := evalQuestionTypes(out, dir, cl, *verbose, got); err != nil {
		return err
	}
	protocols, err := evalMatching(out, dir, cl, got)
	if err != nil {
		return err
	}
	if err := evalTopics(ctx, e, out, dir, got); err != nil {
		return err
	}
	if *peers {
		if err := comparePeers(ctx, out, *py, *shared, protocols, got); err != nil {
			return err
		}
	}
	return checkFloors(out, got, *check)
}

// evalIntent measures the classifier, and the rules alone, on ORCAS-I dev; its figures go into got.
func evalIntent(out io.Writer, dir string, cl *intent.Classifier, verbose bool, got map[string]float64) error {
	orcas, err := evaluation.ReadORCASI(dir)
	if err != nil {
		return usagef("read ORCAS-I: %v", err)
	}
	ir := evaluation.EvalIntent(orcas, cl)
	rr := evaluation.EvalIntent(orcas, intent.New(intent.Options{RulesOnly: true}))
	fmt.Fprintf(out, "Intent, ORCAS-I dev (%d queries, level 1; commercial counts as informational)\n", ir.N)
	fmt.Fprintf(out, "  rules and model: accuracy %.3f  macro-F1 %.3f  (F1 informational %.3f, navigational %.3f, transactional %.3f)\n",
		ir.Accuracy, ir.MacroF1, ir.F1["informational"], ir.F1["navigational"], ir.F1["transactional"])
	fmt.Fprintf(out, "  rules alone:     accuracy %.3f  macro-F1 %.3f  (F1 informational %.3f, navigational %.3f, transactional %.3f)\n",
		rr.Accuracy, rr.MacroF1, rr.F1["informational"], rr.F1["navigational"], rr.F1["transactional"])
	fmt.Fprintf(out, "  published (full gold set): all-informational 0.786 accuracy; SVM on 2M weak labels 0.90 accuracy, 0.81 macro-F1\n")
	if verbose {
		fmt.Fprint(out, indent(ir.Matrix))
	}
	got["intent.accuracy"], got["intent.macro_f1"] = ir.Accuracy, ir.MacroF1
	return nil
}

// evalQuestionTypes measures question typing on TREC_10: a model trained on train_5500 alone, and heed's
// shipped rules; the model's accuracy goes into got.
func evalQuestionTypes(out io.Writer, dir string, cl *intent.Classifier, verbose bool, got map[string]float64) error {
	trec, err := evaluation.ReadTREC(filepath.Join(dir, "trec-qc", "TREC_10.en.label"))
	if err != nil {
		return usagef("read TREC: %v", err)
	}
	qa, qm := evaluation.EvalQuestionTypes(trec, cl)
	train5500, err := evaluation.ReadTREC(filepath.Join(dir, "trec-qc", "train_5500.label"))
	if err != nil {
		return usagef("read TREC: %v", err)
	}
	ma, mm, err := evaluation.EvalQuestionModel(train5500, trec)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nQuestion type, TREC_10 (%d questions, 6 coarse classes, this copy)\n", len(trec))
	fmt.Fprintf(out, "  model trained on train_5500 only: accuracy %.3f\n  heed's shipped rules:             accuracy %.3f\n", ma, qa)
	if verbose {
		fmt.Fprint(out, indent(mm.Confusion()), indent(qm.Confusion()))
	}
	got["qtype.accuracy"] = ma
	return nil
}

// matchProtocol is one matching protocol: its name and how to read its pages and cases from the data
// directory.
type matchProtocol struct {
	name  string
	build func(string) ([]heed.Page, []evaluation.MatchCase, error)
}

// evalMatching measures matching and gap decisions on the three protocols with one default setting; their
// figures go into got, and their data is returned for the peers.
func evalMatching(out io.Writer, dir string, cl *intent.Classifier, got map[string]float64) (map[string]protocolData, error) {
	enc, err := encoder.New()
	if err != nil {
		return nil, err
	}
	newM := func(pages []heed.Page) evaluation.Matcher { return newMatcher(pages, "en", enc) }
	fmt.Fprintf(out, "\nMatching and gaps (one default setting for all three)\n")
	protocols := map[string]protocolData{}
	for _, p := range []matchProtocol{{"stackfaq", evaluation.StackFAQ}, {"clinc", evaluation.CLINC}, {"banking", evaluation.Banking}} {
		pages, cases, err := p.build(dir)
		if err != nil {
			return nil, usagef("read %s: %v", p.name, err)
		}
		protocols[p.name] = protocolData{pages, cases}
		r := evaluation.EvalMatch(p.name, pages, cases, cl, newM)
		fmt.Fprintf(out, "  %-9s %4d pages, %4d answerable, %4d gaps: top-1 %.3f, answered correctly %.3f, gap precision %.3f recall %.3f F1 %.3f\n",
			p.name, r.Pages, r.Answerable, r.Gaps, r.Top1, r.Correct, r.GapP, r.GapR, r.GapF1)
		var groups []string
		for g := range r.ByGroup {
			groups = append(groups, g)
		}
		sort.Strings(groups)
		var parts []string
		for _, g := range groups {
			parts = append(parts, fmt.Sprintf("%s %.3f", g, r.ByGroup[g]))
		}
		fmt.Fprintf(out, "            by group (answered correctly, or called a gap): %s\n", strings.Join(parts, ", "))
		for k, v := range matchFigures(p.name, r) {
			got[k] = v
		}
	}
	fmt.Fprintf(out, "  published, CLINC150 test, out-of-scope recall of threshold methods (Larson et al. 2019): BERT 52.3%%; without a pretrained transformer: Rasa 31.2%%, CNN 30.9%%, fastText 28.3%%, SVM 18.0%%\n")
	return protocols, nil
}

// comparePeers measures the scikit-learn peers of SHARED/bench (run by the Python py) on the same
// protocols and prints each figure beside heed's (got).
func comparePeers(ctx context.Context, out io.Writer, py, shared string, protocols map[string]protocolData, got map[string]float64) error {
	fmt.Fprintf(out, "\nThe scikit-learn peers on the same protocols (intent peer: 5-fold cross-validation on ORCAS-I dev, as it trains on it)\n")
	pg, err := peerQuality(ctx, py, shared, protocols, out)
	if err != nil {
		return fmt.Errorf("peers: %w", err)
	}
	fmt.Fprintf(out, "  %-36s %6s %6s\n", "figure", "heed", "peer")
	var worse []string
	for _, f := range peerFigures {
		mark := ""
		if got[f.key] < pg[f.key] {
			mark = "  <- the peer is better"
			worse = append(worse, f.name)
		}
		fmt.Fprintf(out, "  %-36s %6.3f %6.3f%s\n", f.name, got[f.key], pg[f.key], mark)
	}
	if len(worse) == 0 {
		fmt.Fprintf(out, "  heed is at or above the peer on every figure.\n")
	} else {
		fmt.Fprintf(out, "  heed is at or above the peer on %d of %d figures; under it on: %s\n", len(peerFigures)-len(worse), len(peerFigures), strings.Join(worse, "; "))
	}
	return nil
}

// checkFloors prints the figures of got under their floors; with check, any is an error.
func checkFloors(out io.Writer, got map[string]float64, check bool) error {
	var below []string
	var keys []string
	for k := range floors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if got[k] < floors[k] {
			below = append(below, fmt.Sprintf("%s %.3f < floor %.2f", k, got[k], floors[k]))
		}
	}
	if len(below) > 0 {
		fmt.Fprintf(out, "\nUnder the floors: %s\n", strings.Join(below, "; "))
		if check {
			return fmt.Errorf("quality fell under its floors: %s", strings.Join(below, "; "))
		}
	} else {
		fmt.Fprintf(out, "\nEvery figure is at or above its floor.\n")
	}
	return nil
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ") + "\n"
}

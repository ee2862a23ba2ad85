package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/evaluation"
)

// peerFigures are the figures heed and the scikit-learn peers are compared on, in the order printed.
var peerFigures = []struct{ key, name string }{
	{"intent.accuracy", "intent, ORCAS-I: accuracy"},
	{"intent.macro_f1", "intent, ORCAS-I: macro-F1"},
	{"stackfaq.top1", "StackFAQ: top-1"},
	{"stackfaq.answered", "StackFAQ: answered correctly"},
	{"stackfaq.gap_f1", "StackFAQ: gap F1"},
	{"clinc.in_scope", "CLINC150: in-scope accuracy"},
	{"clinc.oos_recall", "CLINC150: out-of-scope recall"},
	{"banking.in_scope", "BANKING77-OOS: in-scope accuracy"},
	{"banking.id_oos_recall", "BANKING77-OOS: id-oos recall"},
	{"banking.ood_oos", "BANKING77-OOS: ood-oos recall"},
}

// peerQuality measures the scikit-learn peers of ../shared/bench on the evaluation protocols, scored by
// the same code as heed: the match peer (peer_match.py, its default threshold) on each protocol's pages
// and requests; the intent peer's pipeline, which trains on ORCAS-I dev itself, under 5-fold
// cross-validation (scripts/peer_intent_cv.py), so that every query is labelled by a model that never saw
// it. It returns the peers' figures under the keys of floors.
func peerQuality(ctx context.Context, py, shared string, protocols map[string]protocolData, log io.Writer) (map[string]float64, error) {
	bench := filepath.Join(shared, "bench")
	if _, err := os.Stat(filepath.Join(bench, "peer_match.py")); err != nil {
		return nil, fmt.Errorf("the peers are not there: %w", err)
	}
	if out, err := exec.CommandContext(ctx, py, "-c", "import sklearn").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("the peers need scikit-learn for %s (apt-get install -y python3-sklearn): %v %s", py, err, bytes.TrimSpace(out))
	}
	tmp, err := os.MkdirTemp("", "heed-peers-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	got := map[string]float64{}

	labels, err := peerIntent(ctx, log, py, shared, tmp, got)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"stackfaq", "clinc", "banking"} {
		p, ok := protocols[name]
		if !ok {
			continue
		}
		if err := peerMatch(ctx, log, py, bench, filepath.Join(tmp, name), name, p, labels, got); err != nil {
			return nil, err
		}
	}
	return got, nil
}

// peerIntent measures the intent peer on ORCAS-I dev from its out-of-fold labels (written under tmp),
// puts its figures into got and returns the labels.
func peerIntent(ctx context.Context, log io.Writer, py, shared, tmp string, got map[string]float64) (peerLabels, error) {
	script, err := peerScript("peer_intent_cv.py")
	if err != nil {
		return nil, err
	}
	labelsPath := filepath.Join(tmp, "intent.jsonl")
	if _, err := runPeer(ctx, log, py, script, filepath.Join(shared, "data"), labelsPath); err != nil {
		return nil, err
	}
	labels, err := readPeerLabels(labelsPath)
	if err != nil {
		return nil, err
	}
	orcas, err := evaluation.ReadORCASI(filepath.Join(shared, "data"))
	if err != nil {
		return nil, err
	}
	for _, d := range orcas {
		if _, ok := labels[d.Text]; !ok {
			return nil, fmt.Errorf("peer_intent_cv.py gave no label for %q", d.Text)
		}
	}
	ir := evaluation.EvalIntent(orcas, labels)
	got["intent.accuracy"], got["intent.macro_f1"] = ir.Accuracy, ir.MacroF1
	return labels, nil
}

// peerMatch measures the match peer (bench/peer_match.py) on protocol name, p, its pages and requests
// written as files in dir; its figures go into got, and the figures it reaches with its best threshold
// are printed.
func peerMatch(ctx context.Context, log io.Writer, py, bench, dir, name string, p protocolData, labels peerLabels, got map[string]float64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// The requests as a one-request-a-line file holds them: what the peer answers for.
	cases := make([]evaluation.MatchCase, len(p.cases))
	for i, c := range p.cases {
		c.Text = strings.NewReplacer("\r", " ", "\n", " ").Replace(c.Text)
		cases[i] = c
	}
	pagesPath, reqsPath, outPath := filepath.Join(dir, "pages.jsonl"), filepath.Join(dir, "requests.txt"), filepath.Join(dir, "out.jsonl")
	if err := writePeerInputs(pagesPath, reqsPath, p.pages, cases); err != nil {
		return err
	}
	out, err := os.Create(outPath)
	if err != nil {
		return err
	}
	timing, err := runPeer(ctx, out, py, filepath.Join(bench, "peer_match.py"), pagesPath, reqsPath)
	out.Close()
	if err != nil {
		return fmt.Errorf("on %s: %w", name, err)
	}
	fmt.Fprintf(log, "  peer_match.py on %s: %s\n", name, timing)
	answers, err := readPeerMatches(outPath)
	if err != nil {
		return fmt.Errorf("peer_match.py on %s: %w", name, err)
	}
	for _, c := range cases {
		// The peer skips blank lines: a blank request is a gap for it, as for heed. Any other
		// request without an answer means its output was cut short.
		if _, ok := answers[c.Text]; !ok {
			if strings.TrimSpace(c.Text) != "" {
				return fmt.Errorf("peer_match.py on %s gave no answer for %q", name, c.Text)
			}
			answers[c.Text] = heed.Match{Gap: true}
		}
	}
	r := evaluation.EvalMatch(name, p.pages, cases, labels, func([]heed.Page) evaluation.Matcher { return answers })
	for k, v := range matchFigures(name, r) {
		got[k] = v
	}
	// The fixed threshold may suit one data set and not another: also give the peer the threshold
	// that suits this one best (chosen on the very requests it is scored on, so an upper bound).
	t, best := oracleThreshold(name, p.pages, cases, labels, answers)
	var parts []string
	for _, f := range peerFigures {
		if v, ok := matchFigures(name, best)[f.key]; ok {
			_, short, _ := strings.Cut(f.name, ": ")
			parts = append(parts, fmt.Sprintf("%s %.3f", short, v))
		}
	}
	fmt.Fprintf(log, "  peer on %s with the threshold best for its gap F1 there (%.2f, an oracle): %s\n", name, t, strings.Join(parts, ", "))
	return nil
}

// oracleThreshold is the gap threshold, in steps of 0.01, under which the peer's scores give the best gap
// F1 on a protocol, and the figures with it.
func oracleThreshold(name string, pages []heed.Page, cases []evaluation.MatchCase, c evaluation.Classifier, answers peerMatches) (float64, evaluation.MatchResult) {
	var bestT float64
	var best evaluation.MatchResult
	for i := 0; i <= 100; i++ {
		t := float64(i) / 100
		at := make(peerMatches, len(answers))
		for k, m := range answers {
			m.Gap = m.Score < t
			at[k] = m
		}
		r := evaluation.EvalMatch(name, pages, cases, c, func([]heed.Page) evaluation.Matcher { return at })
		if i == 0 || r.GapF1 > best.GapF1 {
			bestT, best = t, r
		}
	}
	return bestT, best
}

// protocolData is one matching protocol's pages and requests.
type protocolData struct {
	pages []heed.Page
	cases []evaluation.MatchCase
}

// matchFigures names a protocol's figures as floors does.
func matchFigures(name string, r evaluation.MatchResult) map[string]float64 {
	switch name {
	case "stackfaq":
		return map[string]float64{"stackfaq.top1": r.Top1, "stackfaq.answered": r.Correct, "stackfaq.gap_f1": r.GapF1}
	case "clinc":
		return map[string]float64{"clinc.in_scope": r.ByGroup["in-scope"], "clinc.oos_recall": r.ByGroup["out-of-scope"]}
	case "banking":
		return map[string]float64{"banking.in_scope": r.ByGroup["in-scope"], "banking.id_oos_recall": r.ByGroup["id-oos"], "banking.ood_oos": r.ByGroup["ood-oos"]}
	}
	return nil
}

// peerScript finds a script of ours next to the binary's source tree (make runs heed from the repo).
func peerScript(name string) (string, error) {
	for _, dir := range []string{"scripts", filepath.Join("..", "..", "scripts")} {
		if p := filepath.Join(dir, name); fileExists(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("scripts/%s not found: run heed eval --peers from the repository", name)
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// runPeer runs a peer script with its output to stdout, and returns what it said on stderr (its timings).
func runPeer(ctx context.Context, stdout io.Writer, py string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, py, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %w: %s", filepath.Base(args[0]), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return strings.TrimSpace(stderr.String()), nil
}

func writePeerInputs(pagesPath, reqsPath string, pages []heed.Page, cases []evaluation.MatchCase) error {
	var pb bytes.Buffer
	enc := json.NewEncoder(&pb)
	for _, pg := range pages {
		if err := enc.Encode(struct {
			URL     string   `json:"url"`
			Title   string   `json:"title"`
			Body    string   `json:"body"`
			Queries []string `json:"queries,omitempty"`
		}{pg.URL, pg.Title, pg.Body, pg.Queries}); err != nil {
			return err
		}
	}
	if err := os.WriteFile(pagesPath, pb.Bytes(), 0o644); err != nil {
		return err
	}
	var rb strings.Builder
	for _, c := range cases {
		rb.WriteString(c.Text)
		rb.WriteByte('\n')
	}
	return os.WriteFile(reqsPath, []byte(rb.String()), 0o644)
}

// peerLabels answers with the intent the peer gave each text.
type peerLabels map[string]heed.Intent

func (p peerLabels) Classify(text string) heed.Classification {
	return heed.Classification{Intent: p[text]}
}

func readPeerLabels(path string) (peerLabels, error) {
	out := peerLabels{}
	err := eachJSONLine(path, func(b []byte) error {
		var r struct{ Text, Intent string }
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		out[r.Text] = heed.Intent(r.Intent)
		return nil
	})
	return out, err
}

// peerMatches answers with the page the peer matched each request to.
type peerMatches map[string]heed.Match

func (p peerMatches) Match(text string, _ heed.Classification) heed.Match { return p[text] }

func readPeerMatches(path string) (peerMatches, error) {
	out := peerMatches{}
	err := eachJSONLine(path, func(b []byte) error {
		var r struct {
			Text  string  `json:"text"`
			URL   string  `json:"url"`
			Score float64 `json:"score"`
			Gap   bool    `json:"gap"`
		}
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		out[r.Text] = heed.Match{URL: r.URL, Score: r.Score, Gap: r.Gap}
		return nil
	})
	return out, err
}

// eachJSONLine calls fn with each non-blank line of a peer's JSONL output.
func eachJSONLine(path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return heed.ReadLines(f, 16<<20, func(n int, line []byte, cut bool) error {
		if len(bytes.TrimSpace(line)) == 0 {
			return nil
		}
		if cut {
			return fmt.Errorf("%s:%d: line longer than 16 MiB", path, n)
		}
		if err := fn(line); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
		return nil
	})
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/heed-dev/heed/evaluation"
	"github.com/heed-dev/heed/report"
)

// unrelatedPage is the one page protocol 4 matches against: nothing a banking or assistant query asks.
const unrelatedPage = `{"url":"https://museum.example/visit/opening-hours","title":"Opening hours of the glass museum","type":"support","body":"The glass museum in the old harbour is open from ten to five, Tuesday to Sunday. Guided tours of the furnace hall start at noon."}` + "\n"

// evalTopics runs protocol 4 (gap topics): every query of BANKING77-OOS valid and of CLINC150 val goes
// through `heed run` as a requests file against one unrelated page, so that each is a gap, and the run's gap
// topics are scored against the queries' intents. A query in no topic (a service issue, say) is a cluster
// of its own.
func evalTopics(ctx context.Context, e *env, out io.Writer, dir string, got map[string]float64) error {
	fmt.Fprintf(out, "\nGap topics (every query run as a gap against one unrelated page; scored against the intents)\n")
	for _, set := range []struct {
		name string
		read func(string) ([]evaluation.Labelled, error)
	}{{"banking", evaluation.BankingTopics}, {"clinc", evaluation.CLINCTopics}} {
		data, err := set.read(dir)
		if err != nil {
			return err
		}
		c, err := topicsOf(ctx, e, data)
		if err != nil {
			return fmt.Errorf("topics of %s: %w", set.name, err)
		}
		fmt.Fprintf(out, "  %-8s %5d queries, %3d intents: %4d topics (queries alone included), NMI %.3f, ARI %.3f\n",
			set.name, c.Items, c.Classes, c.Clusters, c.NMI, c.ARI)
		got[set.name+".topics_nmi"], got[set.name+".topics_ari"] = c.NMI, c.ARI
	}
	fmt.Fprintf(out, "  published, full test sets, unsupervised with a pretrained encoder (USNID): BANKING NMI 0.753 ARI 0.433; CLINC NMI 0.910 ARI 0.685\n")
	return nil
}

// topicsOf runs the queries as a night of `heed run` in a scratch directory and scores its topics.
func topicsOf(ctx context.Context, e *env, data []evaluation.Labelled) (evaluation.Clustering, error) {
	tmp, err := os.MkdirTemp("", "heed-topics-")
	if err != nil {
		return evaluation.Clustering{}, err
	}
	defer os.RemoveAll(tmp)
	var reqs strings.Builder
	for _, d := range data {
		reqs.WriteString(strings.Join(strings.Fields(d.Text), " ") + "\n")
	}
	reqFile, pageFile := filepath.Join(tmp, "requests.txt"), filepath.Join(tmp, "pages.jsonl")
	if err := os.WriteFile(reqFile, []byte(reqs.String()), 0o644); err != nil {
		return evaluation.Clustering{}, err
	}
	if err := os.WriteFile(pageFile, []byte(unrelatedPage), 0o644); err != nil {
		return evaluation.Clustering{}, err
	}
	quiet := &env{stdin: e.stdin, stdout: io.Discard, stderr: io.Discard, getenv: e.getenv}
	outDir := filepath.Join(tmp, "out")
	if err := cmdRun(ctx, quiet, []string{"--data", filepath.Join(tmp, "data"), "--source", "requests=" + reqFile,
		"--pages", pageFile, "--out", outDir, "--log-level", "error"}); err != nil {
		return evaluation.Clustering{}, err
	}
	b, err := os.ReadFile(filepath.Join(outDir, report.JSONFile))
	if err != nil {
		return evaluation.Clustering{}, err
	}
	var rep report.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return evaluation.Clustering{}, err
	}
	topicOf := map[string]string{}
	for _, g := range rep.Gaps {
		if g.Topic != "" {
			topicOf[g.Key] = g.Topic
		}
	}
	return evaluation.ScoreTopics(data, topicOf)
}

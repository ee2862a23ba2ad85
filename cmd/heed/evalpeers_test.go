package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/evaluation"
)

// fakePython stands in for Python with scikit-learn: the intent peer calls every query navigational,
// the match peer answers every request with page a, calling every second one a gap, and skips blank lines
// as peer_match.py does.
const fakePython = `#!/bin/sh
case "$1" in
-c) exit 0 ;;
*peer_intent_cv.py) tail -n +2 "$2/orcas-i/dev.tsv" | awk -F'\t' '{printf "{\"text\":\"%s\",\"intent\":\"navigational\"}\n", $2}' > "$3" ;;
*peer_match.py) echo "fit 0.0 s, match 0.0 s" >&2
  awk 'NF {printf "{\"text\":\"%s\",\"url\":\"https://x/a\",\"score\":0.5,\"gap\":%s}\n", $0, (NR%2==0 ? "true" : "false")}' "$3" ;;
esac
`

// TestPeerQualityScoresThePeersAnswers: the peers' answers are read back and scored by the same code
// as heed's, on the protocol's own requests (a request over two lines is one line for the peer).
func TestPeerQualityScoresThePeersAnswers(t *testing.T) {
	dir := t.TempDir()
	py := filepath.Join(dir, "python")
	shared := filepath.Join(dir, "shared")
	for path, body := range map[string]string{
		py: fakePython,
		filepath.Join(shared, "bench", "peer_match.py"): "",
		filepath.Join(shared, "data", "orcas-i", "dev.tsv"): "id\tquery\turl\ttitle\tlabel\n" +
			"1\tlark login\tu\tt\tNavigational\n2\tlark shop\tu\tt\tNavigational\n3\tlark range\tu\tt\tFactual\n4\thow to fix\tu\tt\tInstrumental\n",
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pages := []heed.Page{{URL: "https://x/a", Title: "A"}, {URL: "https://x/b", Title: "B"}}
	cases := []evaluation.MatchCase{
		{Text: "q1", Want: "https://x/a"},                 // answered, right page
		{Text: "q2", Group: "gap"},                        // called a gap: right
		{Text: "q3 over\ntwo lines", Want: "https://x/b"}, // page a: wrong
		{Text: "q4", Group: "gap"},                        // called a gap: right
		{Text: "  ", Group: "gap"},                        // blank: the peer skips it, so a gap
	}
	got, err := peerQuality(context.Background(), py, shared, map[string]protocolData{"stackfaq": {pages, cases}}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"intent.accuracy": 0.5, "intent.macro_f1": got["intent.macro_f1"],
		"stackfaq.top1": 0.5, "stackfaq.answered": 0.5, "stackfaq.gap_f1": 1}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("peer figures (-want +got):\n%s", diff)
	}
	if got["intent.macro_f1"] <= 0 || got["intent.macro_f1"] >= 0.5 {
		t.Errorf("macro-F1 %.3f: every query navigational should score between 0 and 0.5", got["intent.macro_f1"])
	}
}

func TestPeerQualityNeedsThePeers(t *testing.T) {
	if _, err := peerQuality(context.Background(), "/bin/true", t.TempDir(), nil, io.Discard); err == nil {
		t.Error("no error without ../shared/bench")
	}
}

// TestTopicsOfScoresTheRunsTopics: protocol 4 runs the queries through heed run and scores the gap
// topics it reports against their intents.
func TestTopicsOfScoresTheRunsTopics(t *testing.T) {
	data := []evaluation.Labelled{
		{Text: "my new card has not arrived", Label: "card_arrival"},
		{Text: "when will my new card arrive", Label: "card_arrival"},
		{Text: "new card still not arrived after a week", Label: "card_arrival"},
		{Text: "exchange rate for euro transfers", Label: "exchange_rate"},
		{Text: "what exchange rate do euro transfers get", Label: "exchange_rate"},
		{Text: "euro exchange rate on transfers today", Label: "exchange_rate"},
	}
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	c, err := topicsOf(context.Background(), e, data)
	if err != nil {
		t.Fatal(err)
	}
	// Lexical topics put at least the closest wordings of each intent together, and never two intents.
	if c.Items != 6 || c.Classes != 2 || c.Clusters < 2 || c.Clusters > 4 || c.NMI < 0.75 || c.ARI < 0.6 {
		t.Errorf("clustering %+v, want each intent's close wordings in one topic (NMI >= 0.75, ARI >= 0.6)", c)
	}
}

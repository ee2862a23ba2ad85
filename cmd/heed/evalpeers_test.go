package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
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

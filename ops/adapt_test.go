package ops

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/responder/respondertest"
)

// TestNightAdaptsItsGapDecision: before matching, the night shows the matcher its requests, which learns
// their share of gaps, and the log says what it learnt; with 70% of the requests about subjects the site
// has no page for, most of them are reported as gaps.
func TestNightAdaptsItsGapDecision(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openStore(t, filepath.Join(dir, "data"))
	clock := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	p := newPipeline(t, st, prometheus.NewRegistry(), &clock)
	var logs bytes.Buffer
	p.Log = slog.New(slog.NewTextHandler(&logs, nil))
	site := respondertest.Subjects(90, 60)
	src := &listSource{name: "s", texts: map[string][]string{"seed": site.Requests(0.7, 600, 1)}}
	job := Job{Name: "nightly", Sources: []crawler.Source{src}, Seeds: []string{"seed"}, Pages: fixedPages{pages: site.Pages}, OutDir: filepath.Join(dir, "out")}
	if _, err := p.Run(ctx, job); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`gap decision adapted to the night's requests" .*gap_share=([0-9.]+) sampled=(\d+)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("the log does not say the gap decision adapted:\n%s", logs.String())
	}
	share, _ := strconv.ParseFloat(m[1], 64)
	if share < 0.55 || share > 0.85 || m[2] == "0" {
		t.Errorf("gap share %s from %s requests, want about 0.7", m[1], m[2])
	}
	if got := testutil.ToFloat64(p.Metrics.gapShare.WithLabelValues("nightly")); math.Abs(got-share) > 5e-4 {
		t.Errorf("heed_gap_share = %v, want the logged %s", got, m[1])
	}
	runs, err := st.Runs(ctx, "nightly", 1)
	if err != nil || len(runs) != 1 || math.Abs(runs[0].Stats.GapShare-share) > 5e-4 || runs[0].Stats.GapShareSampled == 0 {
		t.Errorf("the stored run keeps gap share %+v (%v), want %s: /metrics of heed serve reads it", runs, err, m[1])
	}
	r := readReport(t, job.OutDir)
	if gs := r.Summary.GapShare; gs == nil || gs.Estimate != share || gs.Sampled == 0 {
		t.Errorf("gaps.json summary.gap_share %+v, want the logged %s", gs, m[1])
	}
	if r.Summary.Requests == 0 || float64(r.Summary.Gaps) < 0.6*float64(r.Summary.Requests) {
		t.Errorf("%d gaps of %d requests, 70%% of them about subjects without a page", r.Summary.Gaps, r.Summary.Requests)
	}
}

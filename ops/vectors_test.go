package ops

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/encoder"
)

// countingEncoder is the real encoder, counting the texts it is asked to encode.
type countingEncoder struct {
	*encoder.Encoder
	texts atomic.Int64
}

func (c *countingEncoder) EncodeInto(dst []float32, texts []string) {
	c.texts.Add(int64(len(texts)))
	c.Encoder.EncodeInto(dst, texts)
}

// TestSecondNightReadsItsVectors: with an encoder, the first night encodes the requests and page texts
// and keeps their vectors; a second night on the same data directory, with the same requests and pages,
// encodes nothing and decides every request the same way. Gaps carry their vectors to their topics.
func TestSecondNightReadsItsVectors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openStore(t, filepath.Join(dir, "data"))
	clock := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	enc, err := encoder.New()
	if err != nil {
		t.Fatal(err)
	}
	counting := &countingEncoder{Encoder: enc}
	reg := prometheus.NewRegistry()
	p := newPipeline(t, st, reg, &clock)
	p.Encoder = counting
	src := &listSource{name: "s", texts: map[string][]string{"lark": {"how to charge lark battery", "lark child seat", "lark brakes squeal", "lark child seat fitting"}}}
	job := Job{Name: "nightly", Sources: []crawler.Source{src}, Seeds: []string{"lark"}, Pages: fixedPages{pages: helpPages}, OutDir: filepath.Join(dir, "out")}
	if _, err := p.Run(ctx, job); err != nil {
		t.Fatal(err)
	}
	first := counting.texts.Load()
	if first == 0 {
		t.Fatal("the first night encoded nothing")
	}
	r1 := readReport(t, job.OutDir)
	if got := testutil.ToFloat64(p.Metrics.vecs.WithLabelValues("encoded")); got != float64(first) {
		t.Errorf("heed_vectors_total{from=encoded} = %v, want %d", got, first)
	}
	clock = clock.Add(24 * time.Hour)
	if _, err := p.Run(ctx, job); err != nil {
		t.Fatal(err)
	}
	if n := counting.texts.Load() - first; n != 0 {
		t.Errorf("the second night encoded %d texts, want 0: every vector is kept", n)
	}
	if got := testutil.ToFloat64(p.Metrics.vecs.WithLabelValues("store")); got != float64(first) {
		t.Errorf("heed_vectors_total{from=store} = %v, want %d", got, first)
	}
	r2 := readReport(t, job.OutDir)
	if r1.Summary.Gaps != r2.Summary.Gaps || r1.Summary.Answered != r2.Summary.Answered || len(r1.Topics) != len(r2.Topics) {
		t.Errorf("night 2 decided otherwise: %d/%d answered/gaps and %d topics, night 1 %d/%d and %d",
			r2.Summary.Answered, r2.Summary.Gaps, len(r2.Topics), r1.Summary.Answered, r1.Summary.Gaps, len(r1.Topics))
	}
}

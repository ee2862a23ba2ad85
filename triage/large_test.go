package triage

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heed-dev/heed/analysis"
)

// BenchmarkClusterLarge clusters a night's worth of gaps by meaning: 263,000 (the gaps of the 1M-request
// bench) of 512-long vectors around 3,000 topics. It reports the seconds, the topics and the peak of the
// heap beyond the vectors themselves. go test ./triage -run '^$' -bench ClusterLarge -benchtime 1x
func BenchmarkClusterLarge(b *testing.B) {
	const n, dim = 263_000, 512
	items := syntheticGaps(n, dim, 3000, 1)
	an := analysis.New("en")
	vectorBytes := float64(n * dim * 4)
	for b.Loop() {
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		var peak atomic.Uint64
		done := make(chan struct{})
		go samplePeak(&peak, done)
		start := time.Now()
		topics := Cluster(items, an)
		elapsed := time.Since(start)
		close(done)
		b.ReportMetric(elapsed.Seconds(), "s/cluster")
		b.ReportMetric(float64(len(topics)), "topics")
		b.ReportMetric((float64(peak.Load())-float64(base.HeapInuse))/(1<<20), "MB-heap-added")
		b.ReportMetric(vectorBytes/(1<<20), "MB-vectors")
	}
}

// samplePeak keeps the largest heap in use in peak, every 20 ms, until done.
func samplePeak(peak *atomic.Uint64, done chan struct{}) {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	var m runtime.MemStats
	for {
		runtime.ReadMemStats(&m)
		if m.HeapInuse > peak.Load() {
			peak.Store(m.HeapInuse)
		}
		select {
		case <-done:
			return
		case <-t.C:
		}
	}
}

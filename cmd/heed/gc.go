package main

import (
	"context"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// batchGCPercent is the garbage collector's target for the nightly job: the heap may grow to 1.5 times
// what the job holds, where Go's default (100) lets it double.
const batchGCPercent = 50

// The job's memory budget. A first night over a million requests and a hundred thousand distinct pages
// holds about 1.4 GiB at its peak (the end of matching); with the heap free to grow by half again it
// reached 2.1 to 2.4 GiB of RSS. Go's soft memory limit at memoryBudget makes the collector work harder
// as the heap nears it instead: 1.81 GiB, in 13 min 1 s (12 min 58 s without). A job whose data needs more
// than the budget is not held to it: the limit stays minHeadroom above the live heap (see memoryGuard),
// so a large site's night runs with a tighter heap, never with a collector that runs without pause.
const (
	memoryBudget = 1750 << 20
	minHeadroom  = 0.25
	guardEvery   = 500 * time.Millisecond
)

// batchGC sets the job's GC target and memory limit, unless the operator set GOGC or GOMEMLIMIT, which
// then decide. It returns the function that puts back what it changed.
func batchGC(ctx context.Context, getenv func(string) string) (restore func()) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	oldPercent := debug.SetGCPercent(batchGCPercent)
	oldLimit := debug.SetMemoryLimit(-1)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	g := memoryGuard{budget: memoryBudget, live: liveHeap, set: debug.SetMemoryLimit}
	go func() {
		defer close(done)
		g.Run(ctx, guardEvery)
	}()
	return func() {
		cancel()
		<-done
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}

// memoryGuard keeps Go's soft memory limit at the budget, or minHeadroom above the live heap when that
// is more.
type memoryGuard struct {
	budget int64
	live   func() uint64     // the heap the last collection found live
	set    func(int64) int64 // debug.SetMemoryLimit
}

// limit is the memory limit for a live heap of live bytes.
func (g memoryGuard) limit(live uint64) int64 {
	return max(g.budget, int64(math.Ceil(float64(live)*(1+minHeadroom))))
}

// Run sets the limit now and after each period, until ctx ends.
func (g memoryGuard) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	last := int64(-1)
	for {
		if l := g.limit(g.live()); l != last {
			g.set(l)
			last = l
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// liveHeap is the heap the last garbage collection found live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

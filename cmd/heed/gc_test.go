package main

import (
	"context"
	"math"
	"runtime/debug"
	"sync"
	"testing"
	"time"
)

func TestBatchGCLeavesTheOperatorsSettings(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	tests := []struct {
		env       map[string]string
		wantGC    int
		wantLimit bool // the budget is set while the job runs
	}{
		{map[string]string{}, batchGCPercent, true},
		{map[string]string{"GOGC": "200"}, 100, false}, // the runtime read GOGC itself; heed leaves it
		{map[string]string{"GOMEMLIMIT": "1GiB"}, 100, false},
	}
	for _, tt := range tests {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		restore := batchGC(context.Background(), func(k string) string { return tt.env[k] })
		gotGC := debug.SetGCPercent(100)
		debug.SetGCPercent(gotGC)
		var gotLimit int64
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if gotLimit = debug.SetMemoryLimit(-1); gotLimit != math.MaxInt64 || !tt.wantLimit {
				break
			}
		}
		restore()
		if gotGC != tt.wantGC {
			t.Errorf("env %v: GC percent %d, want %d", tt.env, gotGC, tt.wantGC)
		}
		if (gotLimit != math.MaxInt64) != tt.wantLimit || tt.wantLimit && gotLimit < memoryBudget {
			t.Errorf("env %v: memory limit %d while running, want the budget %v (at least %d)", tt.env, gotLimit, tt.wantLimit, memoryBudget)
		}
		if gc, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1); gc != 100 || limit != math.MaxInt64 {
			t.Errorf("env %v: after the job, GC percent %d and limit %d, want 100 and no limit", tt.env, gc, limit)
		}
	}
}

// TestMemoryGuardKeepsHeadroomAboveTheLiveHeap: the limit is the budget while the job holds less than it
// with room to spare, and a quarter above the live heap when the job holds more, following it up and
// down, so that a large site's night never runs into a collector that cannot free anything.
func TestMemoryGuardKeepsHeadroomAboveTheLiveHeap(t *testing.T) {
	const gib = 1 << 30
	var mu sync.Mutex
	live := uint64(0)
	var set []int64
	g := memoryGuard{
		budget: memoryBudget,
		live:   func() uint64 { mu.Lock(); defer mu.Unlock(); return live },
		set:    func(l int64) int64 { mu.Lock(); defer mu.Unlock(); set = append(set, l); return 0 },
	}
	for _, tt := range []struct {
		live uint64
		want int64
	}{
		{0, memoryBudget},
		{1 * gib, memoryBudget},
		{1400 << 20, memoryBudget},
		{2 * gib, 2*gib + gib/2},
		{4 * gib, 5 * gib},
	} {
		if got := g.limit(tt.live); got != tt.want {
			t.Errorf("live %d MiB: limit %d MiB, want %d MiB", tt.live>>20, got>>20, tt.want>>20)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); g.Run(ctx, time.Millisecond) }()
	waitFor := func(want int64) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			mu.Lock()
			ok := len(set) > 0 && set[len(set)-1] == want
			mu.Unlock()
			if ok {
				return
			}
		}
		t.Fatalf("limit never set to %d MiB: %v", want>>20, set)
	}
	waitFor(memoryBudget)
	mu.Lock()
	live = 4 * gib
	mu.Unlock()
	waitFor(5 * gib)
	mu.Lock()
	live = gib
	mu.Unlock()
	waitFor(memoryBudget)
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	for i := 1; i < len(set); i++ {
		if set[i] == set[i-1] {
			t.Errorf("limit set to %d twice in a row: it is set only when it changes", set[i])
		}
	}
}

package main

import (
	"context"
	"testing"
	"time"

	"github.com/heed-dev/heed/store"
	"github.com/heed-dev/heed/store/embedded"
)

// TestNewestAdaptedRun: /api/respond's gap decision adapts to the share of gaps of the newest finished
// run, of any job, that estimated one; a newer run that did not estimate one is passed over.
func TestNewestAdaptedRun(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	night := func(job string, share float64, sampled int) int64 {
		t.Helper()
		run, _, err := st.BeginRun(ctx, job, now)
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		run.Finished, run.Status = now, store.StatusOK
		run.Stats.GapShare, run.Stats.GapShareSampled = share, sampled
		if err := st.FinishRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		return run.ID
	}
	if r, err := newestAdapted(ctx, st, []string{"nightly"}); err != nil || r.ID != 0 {
		t.Fatalf("no runs: run %d (%v), want none", r.ID, err)
	}
	night("nightly", 0.3, 1000)
	night("weekly", 0.9, 2000)
	want := night("nightly", 0.6, 2000)
	night("nightly", 0, 0) // pages too few to adapt to the requests
	night("weekly", 0, 0)
	r, err := newestAdapted(ctx, st, []string{"nightly", "weekly", "never run"})
	if err != nil || r.ID != want || r.Stats.GapShare != 0.6 || r.Stats.GapShareSampled != 2000 {
		t.Errorf("newest adapted run %d with share %v of %d (%v), want run %d with 0.6 of 2000", r.ID, r.Stats.GapShare, r.Stats.GapShareSampled, err, want)
	}
}

package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/store"
	"github.com/heed-dev/heed/store/embedded"
)

// TestNewestRequestsAreThoseOfEachJobsNewestRun: /api/respond's gap decision adapts to the requests of
// the newest run of each job, not to those of older runs.
func TestNewestRequestsAreThoseOfEachJobsNewestRun(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	night := func(job string, texts ...string) {
		t.Helper()
		run, _, err := st.BeginRun(ctx, job, now)
		if err != nil {
			t.Fatal(err)
		}
		var ss []heed.Sighting
		for _, text := range texts {
			ss = append(ss, heed.Sighting{Text: text, Source: "requests", Seed: "lark"})
		}
		if err := st.PutUnit(ctx, run.ID, "requests", ss, now); err != nil {
			t.Fatal(err)
		}
		run.Finished, run.Status = now, store.StatusOK
		if err := st.FinishRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		now = now.Add(24 * time.Hour)
	}
	night("nightly", "lark battery range", "lark saddle height")
	night("nightly", "lark tyre size", "lark child seat")
	night("weekly", "lark frame warranty")
	got, err := newestRequests(ctx, st, []string{"nightly", "weekly", "never run"})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []string{"lark child seat", "lark frame warranty", "lark tyre size"}; !cmp.Equal(got, want) {
		t.Errorf("newest requests %q, want %q", got, want)
	}
}

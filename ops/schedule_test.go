package ops

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseSchedule(t *testing.T) {
	tests := []struct {
		spec, tz string
		after    time.Time
		want     time.Time
	}{
		// 03:00 in London is 03:00 UTC in winter and 02:00 UTC in summer.
		{"0 3 * * *", "Europe/London", time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)},
		{"0 3 * * *", "Europe/London", time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC), time.Date(2026, 7, 2, 2, 0, 0, 0, time.UTC)},
		{"30 6 * * 1", "America/New_York", time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 11, 30, 0, 0, time.UTC)},
		{"@daily", "UTC", time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)},
		{"@every 6h", "UTC", time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), time.Date(2026, 11, 29, 18, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := ParseSchedule(Scheduled{Name: "j", Spec: tt.spec, TZ: tt.tz}, tt.after)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseSchedule(%q, %s) after %s = %s, %v; want %s", tt.spec, tt.tz, tt.after, got.UTC(), err, tt.want)
		}
	}
	for _, bad := range []Scheduled{{Name: "j", Spec: "0 3 * *", TZ: "UTC"}, {Name: "j", Spec: "61 3 * * *", TZ: "UTC"},
		{Name: "j", Spec: "0 3 * * *", TZ: "Mars/Olympus"}, {Name: "j", Spec: "", TZ: "UTC"}} {
		if _, err := ParseSchedule(bad, time.Now()); err == nil {
			t.Errorf("ParseSchedule(%+v) accepted", bad)
		}
	}
}

// TestSchedulerNeverOverlaps: a job due every second that takes longer than a second is skipped while
// it runs, never started twice at once; shutdown waits for the running start to return.
func TestSchedulerNeverOverlaps(t *testing.T) {
	var running, most, starts atomic.Int32
	var jitters atomic.Int32
	var mu sync.Mutex
	next := map[string]time.Time{}
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan struct{})
	s := &Scheduler{
		Jobs: []Scheduled{{Name: "slow", Spec: "@every 1s", TZ: "UTC", Jitter: time.Millisecond}},
		Start: func(ctx context.Context, job string) {
			n := running.Add(1)
			defer running.Add(-1)
			if n > most.Load() {
				most.Store(n)
			}
			starts.Add(1)
			select {
			case <-time.After(2500 * time.Millisecond):
			case <-ctx.Done():
				time.Sleep(50 * time.Millisecond) // checkpointing
			}
		},
		Jitter: func(max time.Duration) time.Duration { jitters.Add(1); return max },
		Next: func(job string, t time.Time) {
			mu.Lock()
			next[job] = t
			mu.Unlock()
		},
	}
	go func() { s.Run(ctx); close(returned) }()
	time.Sleep(4 * time.Second)
	cancel()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("the scheduler did not stop")
	}
	if running.Load() != 0 {
		t.Error("the scheduler returned while a start was still running")
	}
	if most.Load() != 1 {
		t.Errorf("%d starts ran at once, want 1", most.Load())
	}
	if n := starts.Load(); n < 1 || n > 2 {
		t.Errorf("%d starts in 4s of a 2.5s job due every second, want 1 or 2", n)
	}
	if jitters.Load() < starts.Load() {
		t.Errorf("jitter asked %d times for %d starts", jitters.Load(), starts.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	if next["slow"].IsZero() {
		t.Error("the next start was never reported")
	}
}

func TestSchedulerRefusesABadSchedule(t *testing.T) {
	s := &Scheduler{Jobs: []Scheduled{{Name: "x", Spec: "every night", TZ: "UTC"}}, Start: func(context.Context, string) {}}
	if err := s.Run(context.Background()); err == nil {
		t.Error("a bad schedule was accepted")
	}
}

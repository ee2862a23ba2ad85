package embedded

import (
	"context"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heed-dev/heed"

	"github.com/heed-dev/heed/store"
	"github.com/heed-dev/heed/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := s.BeginRun(ctx, "nightly", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r2, resumed, err := s.BeginRun(ctx, "nightly", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if !resumed || r2.ID != r.ID {
		t.Errorf("after reopening, BeginRun = run %d resumed %v, want run %d resumed", r2.ID, resumed, r.ID)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, "PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, dir); err == nil {
		t.Fatal("Open of a database from a newer heed succeeded, want an error saying to upgrade")
	}
}

// A large unit (a 1,000,000-line import) must not make other writers fail: writes in one process wait
// their turn instead of meeting SQLite's busy timeout, and a unit is written in bounded transactions so
// that a writer in another process (heed override, the review pages) gets a turn too.
func TestLargeUnitDoesNotLockOutOtherWriters(t *testing.T) {
	ctx := context.Background()
	s, err := open(ctx, t.TempDir(), 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, _, err := s.BeginRun(ctx, "nightly", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	big := make([]heed.Sighting, 60000)
	for i := range big {
		big[i] = heed.Sighting{Text: fmt.Sprintf("imported request number %d", i), Source: "requests", Position: i + 1}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := s.PutUnit(ctx, r.ID, "import", big, time.Now()); err != nil {
			errs <- fmt.Errorf("large unit: %w", err)
		}
	}()
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range 10 {
				ss := []heed.Sighting{{Text: fmt.Sprintf("suggestion %d %d", w, u), Source: "opensearch", Position: 1}}
				if err := s.PutUnit(ctx, r.ID, fmt.Sprintf("s%d-%d", w, u), ss, time.Now()); err != nil {
					errs <- fmt.Errorf("small unit: %w", err)
					return
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Another process writing meanwhile: a second connection with its own short busy timeout must get in
	// between the large unit's transactions.
	other, err := open(ctx, filepath.Dir(s.Path()), 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	r2, _, err := s.BeginRun(ctx, "other", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.PutUnit(ctx, r2.ID, "import", big, time.Now()) }()
	time.Sleep(30 * time.Millisecond)
	for i := range 5 {
		o := heed.Override{Scope: heed.ScopeRequest, Key: fmt.Sprintf("request %d", i), Action: heed.OverrideWontAnswer, Note: "test"}
		if err := other.PutOverride(ctx, o); err != nil {
			t.Errorf("a writer in another process while a large unit is stored: %v", err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	reqs, err := s.RunRequests(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != len(big)+40 {
		t.Errorf("stored %d requests, want %d", len(reqs), len(big)+40)
	}
}

// A unit half-stored by a killed process (its sightings written, the unit not yet marked done) is not
// seen by readers, and the next attempt completes it.
func TestHalfStoredUnitIsInvisibleUntilDone(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, _, err := s.BeginRun(ctx, "nightly", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO sightings(run_id, unit, key, data) VALUES(?, 'u', 'half stored', '{"text":"half stored"}')`, r.ID); err != nil {
		t.Fatal(err)
	}
	reqs, err := s.RunRequests(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := s.RunSightings(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 0 || len(sg) != 0 {
		t.Fatalf("a unit not marked done shows %d requests and %d sightings, want none", len(reqs), len(sg))
	}
	ss := []heed.Sighting{{Text: "half stored", Source: "requests"}, {Text: "the rest", Source: "requests"}}
	if err := s.PutUnit(ctx, r.ID, "u", ss, time.Now()); err != nil {
		t.Fatal(err)
	}
	if reqs, _ = s.RunRequests(ctx, r.ID); len(reqs) != 2 || reqs[0].RunsSeen != 1 {
		t.Fatalf("after the unit is completed: %+v, want 2 requests seen once", reqs)
	}
}

// An empty heed.db where a store was (truncated, or replaced by an empty file) is not a new store: taking
// it as one would silently drop the history. Only a new data directory starts a new store.
func TestOpenRefusesAnEmptyDatabaseInAUsedDirectory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.MkdirAll(filepath.Join(dir, "locks"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(dir, FileName+suffix))
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, dir)
	if err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("Open of an empty heed.db beside other data = %v, want a refusal saying it is empty", err)
	}
	// A new directory, or one holding only an empty heed.db (a first open that died), starts a store.
	fresh := t.TempDir()
	if err := os.WriteFile(filepath.Join(fresh, FileName), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, fresh)
	if err != nil {
		t.Fatalf("Open of a directory holding only an empty heed.db: %v", err)
	}
	s.Close()
}

// One unreadable row (a run's stats, a decision) is skipped and counted, never the end of every later run.
func TestUnreadableRowsAreSkipped(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 3 {
		r, _, err := s.BeginRun(ctx, "nightly", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		r.Status = store.StatusOK
		if err := s.FinishRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := s.PutOverride(ctx, heed.Override{Scope: heed.ScopeRequest, Key: fmt.Sprintf("request %d", i), Action: heed.OverrideWontAnswer}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE runs SET stats = '{"requests": "not a number' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE overrides SET data = 'garbage' WHERE key = 'request 1'`); err != nil {
		t.Fatal(err)
	}
	runs, err := s.Runs(ctx, "nightly", 0)
	if err != nil {
		t.Fatalf("Runs with one unreadable row: %v", err)
	}
	if len(runs) != 2 || runs[0].ID != 3 || runs[1].ID != 1 {
		t.Errorf("Runs = %+v, want runs 3 and 1 (2 skipped)", runs)
	}
	ovs, err := s.Overrides(ctx)
	if err != nil {
		t.Fatalf("Overrides with one unreadable row: %v", err)
	}
	if len(ovs) != 2 {
		t.Errorf("Overrides = %+v, want 2 (1 skipped)", ovs)
	}
	if got := s.Unreadable(); got != 2 {
		t.Errorf("Unreadable() = %d, want 2", got)
	}
	// The next run still begins.
	if _, _, err := s.BeginRun(ctx, "nightly", time.Now()); err != nil {
		t.Fatal(err)
	}
}

// Pages are staged and swapped in: a staging table a killed process left behind changes nothing that a
// reader sees, and the next replacement starts it afresh.
func TestReplacePagesAfterAnInterruptedReplacement(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	old := []heed.Page{{URL: "https://h.example/a", Title: "A"}, {URL: "https://h.example/b", Title: "B"}}
	if err := s.ReplacePages(ctx, old); err != nil {
		t.Fatal(err)
	}
	// A replacement killed half-way: its staging table holds part of the new pages.
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE pages_staged (ord INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
		INSERT INTO pages_staged VALUES (0, 'https://h.example/half', '{"url":"https://h.example/half"}')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(ctx, dir); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Pages(ctx)
	if err != nil || len(got) != 2 || got[0].URL != old[0].URL {
		t.Fatalf("pages after an interrupted replacement = %+v, %v; want the old two", got, err)
	}
	for _, want := range [][]heed.Page{{{URL: "https://h.example/c", Title: "C"}}, nil, old} {
		if err := s.ReplacePages(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := s.Pages(ctx)
		if err != nil || len(got) != len(want) {
			t.Fatalf("pages = %+v, %v; want %+v", got, err, want)
		}
		for i := range want {
			if got[i].URL != want[i].URL {
				t.Errorf("page %d = %s, want %s", i, got[i].URL, want[i].URL)
			}
		}
	}
}

// TestResultsAcrossChunks: a run's results, read one at a time from the caller, are written in several
// transactions and all read back; each call replaces the results before.
func TestResultsAcrossChunks(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	run, _, err := s.BeginRun(ctx, "nightly", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	results := func(n int) iter.Seq[store.Result] {
		return func(yield func(store.Result) bool) {
			for i := range n {
				if !yield(store.Result{Key: fmt.Sprintf("request %d", i), Match: heed.Match{URL: "https://h.example/", Score: float64(i)}}) {
					return
				}
			}
		}
	}
	for _, n := range []int{2*chunk + 1, chunk, 3, 0} {
		if err := s.PutResults(ctx, run.ID, results(n)); err != nil {
			t.Fatal(err)
		}
		got, err := s.Results(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != n {
			t.Fatalf("PutResults of %d results: %d read back", n, len(got))
		}
		if n > 0 && got[fmt.Sprintf("request %d", n-1)].Score != float64(n-1) {
			t.Errorf("the last of %d results is %+v", n, got[fmt.Sprintf("request %d", n-1)])
		}
	}
}

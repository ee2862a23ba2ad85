package embedded

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
)

// A database of an earlier heed (schema version 2, 4 KiB pages) gains the vector tables on Open and
// keeps what it held, and its page size: only a new database is made with pageSize.
func TestOpenMigratesADatabaseWithoutVectors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old, err := sql.Open("sqlite", "file:"+filepath.Join(dir, FileName)+"?"+url.Values{"_pragma": {"journal_mode(WAL)"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range append(schema[:2:2], `PRAGMA user_version = 2`,
		`INSERT INTO runs(job, started, status) VALUES('nightly', '2026-11-01T03:00:00Z', 'ok')`,
		`INSERT INTO overrides(scope, key, data) VALUES('request', 'lark jobs', '{"scope":"request","key":"lark jobs","action":"wont_answer"}')`) {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old.Close()

	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version, page int
	if err := s.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&page); err != nil {
		t.Fatal(err)
	}
	if version != len(schema) || page != 4096 {
		t.Errorf("after Open: schema version %d, page size %d; want %d and the 4096 it had", version, page, len(schema))
	}
	if ovs, err := s.Overrides(ctx); err != nil || len(ovs) != 1 || ovs[0].Key != "lark jobs" {
		t.Errorf("overrides after the migration: %+v, %v", ovs, err)
	}
	want := map[string][]float32{"lark battery": {0.25, -1}}
	if err := s.PutVectors(ctx, "use-lite-v1", maps.All(want)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Vectors(ctx, "use-lite-v1", []string{"lark battery"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("vectors in a migrated database (-want +got):\n%s", diff)
	}

	fresh, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if err := fresh.db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&page); err != nil || page != pageSize {
		t.Errorf("a new database has pages of %d bytes (%v), want %d", page, err, pageSize)
	}
}

// A stored vector that cannot be read (a length that is not a multiple of 4, or another length than
// its model's) is skipped, logged and counted; the others are read.
func TestUnreadableVectorsAreSkipped(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var logged bytes.Buffer
	s.SetLogger(slog.New(slog.NewTextHandler(&logged, nil)))
	in := map[string][]float32{"a": {1, 2, 3, 4}, "b": {5, 6, 7, 8}, "odd bytes": {1, 1, 1, 1}, "other length": {2, 2, 2, 2}}
	if err := s.PutVectors(ctx, "m", maps.All(in)); err != nil {
		t.Fatal(err)
	}
	for key, blob := range map[string][]byte{"odd bytes": make([]byte, 15), "other length": make([]byte, 8)} {
		h := keyHash(key)
		if _, err := s.db.ExecContext(ctx, `UPDATE vectors SET vec = ? WHERE key = ?`, blob, h[:]); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Vectors(ctx, "m", []string{"a", "b", "odd bytes", "other length"})
	if err != nil {
		t.Fatalf("Vectors with unreadable rows: %v", err)
	}
	if diff := cmp.Diff(map[string][]float32{"a": {1, 2, 3, 4}, "b": {5, 6, 7, 8}}, got); diff != "" {
		t.Errorf("vectors read (-want +got):\n%s", diff)
	}
	if n := s.Unreadable(); n != 2 {
		t.Errorf("Unreadable() = %d, want 2", n)
	}
	for _, want := range []string{`vector of \"odd bytes\" for m: 15 bytes, not the 16 of 4 float32s`, `vector of \"other length\" for m: 8 bytes`} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, logged.String())
		}
	}
}

// A large PutVectors (an encoder's night) is written in transactions of vectorChunk vectors, each
// committed before the next vectors are read from the caller, and none open while they are: a writer of
// this process or another gets in between at once, however slow the machine (the checks run from inside
// the caller's iterator, not against a clock).
func TestLargePutVectorsDoesNotLockOutOtherWriters(t *testing.T) {
	ctx := context.Background()
	s, err := open(ctx, t.TempDir(), 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	other, err := open(ctx, filepath.Dir(s.Path()), 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	const n = 3*vectorChunk + 1
	write := func(st *Store, i int) error {
		// A put that held this process's turn would never give it: wait a while, not for ever.
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return st.PutOverride(ctx, heed.Override{Scope: heed.ScopeRequest, Key: fmt.Sprintf("request %d %p", i, st), Action: heed.OverrideWontAnswer})
	}
	var checked int
	err = s.PutVectors(ctx, "m", func(yield func(string, []float32) bool) {
		for i := range n {
			if i%vectorChunk == 0 {
				var stored int
				if err := other.db.QueryRowContext(ctx, `SELECT count(*) FROM vectors`).Scan(&stored); err != nil || stored != i {
					t.Errorf("before vector %d is read: %d vectors committed (%v), want %d", i, stored, err, i)
				}
				for _, st := range []*Store{s, other} {
					if err := write(st, i); err != nil {
						t.Errorf("a writer before vector %d is read: %v", i, err)
					}
				}
				checked++
			}
			if !yield(fmt.Sprintf("request %d", i), []float32{float32(i), 1, 2, 3}) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var count int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM vectors`).Scan(&count); err != nil || count != n || checked != 4 {
		t.Errorf("%d vectors stored (%v), %d checks; want %d and 4", count, err, checked, n)
	}
}

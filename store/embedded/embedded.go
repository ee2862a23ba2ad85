// Package embedded is heed's default store: one SQLite database (modernc.org/sqlite, pure Go, no server)
// in a data directory. Writes are transactions in write-ahead-log mode, so a process killed at any moment
// leaves the database as it was before or after each write.
package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/store"
)

// Store is the embedded store.
type Store struct {
	db   *sql.DB
	path string
	// wmu lets one write transaction at a time into the database (a semaphore that honours contexts):
	// SQLite has one writer, and writers of this process queue here instead of failing on its busy
	// timeout.
	wmu chan struct{}
	// log and unreadable report rows skipped because they could not be read.
	log        *slog.Logger
	unreadable atomic.Int64
}

var _ store.Store = (*Store)(nil)

// FileName is the database's name inside the data directory.
const FileName = "heed.db"

// pageSize is the page size of a new database; one made before keeps its own (4096). A vector of 512
// floats is a row of about 2.1 KB, and SQLite keeps a row whole on one page when it fits: two do not
// fit in 4 KiB, so each takes a page (4.1 KB); seven fit in 16 KiB (2.3 KB each).
const pageSize = 16384

// busyTimeout is how long a write waits for another process's write transaction to end. Writes in one
// process never wait on it: they take turns (Store.wmu), and every transaction is bounded.
const busyTimeout = 10 * time.Second

// Open opens (creating when needed) the store in dir.
func Open(ctx context.Context, dir string) (*Store, error) {
	return open(ctx, dir, busyTimeout)
}

func open(ctx context.Context, dir string, busy time.Duration) (*Store, error) {
	if dir == "" {
		return nil, errors.New("open store: no data directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	if err := checkNotEmptied(dir, path); err != nil {
		return nil, err
	}
	q := url.Values{}
	for _, p := range []string{fmt.Sprintf("page_size(%d)", pageSize), fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()), "synchronous(NORMAL)", "foreign_keys(ON)"} {
		q.Add("_pragma", p)
	}
	// The driver runs its _journal_mode after every _pragma (which it sorts), so that a new database
	// takes its page size before write-ahead logging fixes it.
	q.Set("_journal_mode", "WAL")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	s := &Store{db: db, path: path, wmu: make(chan struct{}, 1), log: slog.New(slog.DiscardHandler)}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// checkNotEmptied refuses an empty heed.db in a data directory that holds anything else (a lock, the
// HTTP cache): a store truncated or replaced by an empty file would otherwise start afresh and drop the
// history without a word. A new directory, or one holding only an empty heed.db (a first open that
// died before writing), starts a new store.
func checkNotEmptied(dir, path string) error {
	fi, err := os.Stat(path)
	if err != nil || fi.Size() > 0 {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("open store %s: %w", dir, err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), FileName) {
			return fmt.Errorf("open store %s: %s is empty but the data directory was used before (it holds %s): "+
				"the store's history is gone; restore heed.db from a backup, or remove it to start a new store", dir, FileName, e.Name())
		}
	}
	return nil
}

// SetLogger makes the store log what it skips.
func (s *Store) SetLogger(l *slog.Logger) {
	if l != nil {
		s.log = l
	}
}

// Unreadable is how many stored rows were skipped because they could not be read.
func (s *Store) Unreadable() int64 { return s.unreadable.Load() }

func (s *Store) skip(what string, err error) {
	s.unreadable.Add(1)
	s.log.Warn("store: skipped an unreadable row", "row", what, "err", err)
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// schema holds one migration per version; the database's user_version says how many were applied.
var schema = []string{
	`CREATE TABLE runs (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		job TEXT NOT NULL,
		started TEXT NOT NULL,
		finished TEXT NOT NULL DEFAULT '',
		status TEXT NOT NULL,
		stats TEXT NOT NULL DEFAULT '{}'
	);
	CREATE INDEX runs_by_job ON runs(job, id);
	CREATE TABLE requests (
		key TEXT PRIMARY KEY,
		text TEXT NOT NULL,
		first_run INTEGER NOT NULL,
		last_run INTEGER NOT NULL,
		runs_seen INTEGER NOT NULL,
		first_seen TEXT NOT NULL,
		last_seen TEXT NOT NULL,
		class TEXT NOT NULL DEFAULT ''
	) WITHOUT ROWID;
	CREATE TABLE units (
		run_id INTEGER NOT NULL,
		unit TEXT NOT NULL,
		stored TEXT NOT NULL,
		sightings INTEGER NOT NULL,
		PRIMARY KEY (run_id, unit)
	) WITHOUT ROWID;
	CREATE TABLE sightings (
		run_id INTEGER NOT NULL,
		unit TEXT NOT NULL,
		key TEXT NOT NULL,
		data TEXT NOT NULL,
		PRIMARY KEY (run_id, unit, key)
	) WITHOUT ROWID;
	CREATE INDEX sightings_by_key ON sightings(run_id, key);
	CREATE TABLE pages (
		ord INTEGER PRIMARY KEY,
		url TEXT NOT NULL UNIQUE,
		data TEXT NOT NULL
	);
	CREATE TABLE meta (
		k TEXT PRIMARY KEY,
		v TEXT NOT NULL
	) WITHOUT ROWID;
	CREATE TABLE results (
		run_id INTEGER NOT NULL,
		key TEXT NOT NULL,
		data TEXT NOT NULL,
		PRIMARY KEY (run_id, key)
	) WITHOUT ROWID;`,
	`CREATE TABLE overrides (
		scope TEXT NOT NULL,
		key TEXT NOT NULL,
		data TEXT NOT NULL,
		PRIMARY KEY (scope, key)
	) WITHOUT ROWID;`,
	// The vector cache (vectors.go). A rowid table: a vector is a row of about 2 KB, which a WITHOUT
	// ROWID table (an index b-tree) would spill onto an overflow page of its own.
	`CREATE TABLE vector_models (
		id INTEGER PRIMARY KEY,
		model TEXT NOT NULL UNIQUE,
		dim INTEGER NOT NULL
	);
	CREATE TABLE vectors (
		model INTEGER NOT NULL REFERENCES vector_models(id),
		key BLOB NOT NULL,
		vec BLOB NOT NULL,
		PRIMARY KEY (model, key)
	);`,
}

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > len(schema) {
		return fmt.Errorf("the database has schema version %d, newer than this heed knows (%d): upgrade heed", v, len(schema))
	}
	for i := v; i < len(schema); i++ {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, schema[i]); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate schema to version %d: %w", i+1, err)
		}
	}
	return nil
}

// tx runs fn in a write transaction, committing when it returns nil. Write transactions of this process
// take turns; each must be bounded (see chunk), so that a writer in another process waits less than the
// busy timeout.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	select {
	case s.wmu <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.wmu }()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// exec runs one write statement in its turn.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

const timeFormat = time.RFC3339Nano

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(timeFormat, s)
	return t
}

// BeginRun starts or resumes a run of job.
func (s *Store) BeginRun(ctx context.Context, job string, now time.Time) (store.Run, bool, error) {
	var run store.Run
	resumed := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := scanRun(tx.QueryRowContext(ctx, `SELECT id, job, started, finished, status, stats FROM runs WHERE job = ? ORDER BY id DESC LIMIT 1`, job))
		var bad *badRow
		if errors.As(err, &bad) {
			err = nil // only the status matters here
		}
		if err == nil && r.Status == store.StatusRunning {
			run, resumed = r, true
			return nil
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO runs(job, started, status) VALUES(?, ?, ?)`, job, fmtTime(now), store.StatusRunning)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		run = store.Run{ID: id, Job: job, Started: now.UTC(), Status: store.StatusRunning}
		return nil
	})
	if err != nil {
		return store.Run{}, false, fmt.Errorf("begin run of %q: %w", job, err)
	}
	return run, resumed, nil
}

type rowScanner interface{ Scan(...any) error }

func scanRun(row rowScanner) (store.Run, error) {
	var r store.Run
	var started, finished, stats string
	if err := row.Scan(&r.ID, &r.Job, &started, &finished, &r.Status, &stats); err != nil {
		return store.Run{}, err
	}
	r.Started, r.Finished = parseTime(started), parseTime(finished)
	if err := json.Unmarshal([]byte(stats), &r.Stats); err != nil {
		return r, &badRow{fmt.Errorf("run %d stats: %w", r.ID, err)}
	}
	return r, nil
}

// badRow is a row that was read but whose data could not be decoded.
type badRow struct{ err error }

func (e *badRow) Error() string { return e.err.Error() }
func (e *badRow) Unwrap() error { return e.err }

// FinishRun records the run's end.
func (s *Store) FinishRun(ctx context.Context, run store.Run) error {
	stats, err := json.Marshal(run.Stats)
	if err != nil {
		return fmt.Errorf("finish run %d: %w", run.ID, err)
	}
	if run.Finished.IsZero() {
		run.Finished = time.Now()
	}
	res, err := s.exec(ctx, `UPDATE runs SET finished = ?, status = ?, stats = ? WHERE id = ?`,
		fmtTime(run.Finished), run.Status, string(stats), run.ID)
	if err != nil {
		return fmt.Errorf("finish run %d: %w", run.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("finish run %d: %w", run.ID, store.ErrNotFound)
	}
	return nil
}

// Runs returns the job's finished runs, newest first.
func (s *Store) Runs(ctx context.Context, job string, limit int) ([]store.Run, error) {
	q := `SELECT id, job, started, finished, status, stats FROM runs WHERE job = ? AND status != ? ORDER BY id DESC`
	args := []any{job, store.StatusRunning}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list runs of %q: %w", job, err)
	}
	defer rows.Close()
	var out []store.Run
	for rows.Next() {
		r, err := scanRun(rows)
		var bad *badRow
		if errors.As(err, &bad) {
			s.skip("runs", err)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list runs of %q: %w", job, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DoneUnits returns the units a run stored.
func (s *Store) DoneUnits(ctx context.Context, runID int64) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT unit FROM units WHERE run_id = ?`, runID)
	if err != nil {
		return nil, fmt.Errorf("done units of run %d: %w", runID, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out[u] = true
	}
	return out, rows.Err()
}

// chunk is the most rows one write transaction holds: a few tens of milliseconds of work, so that a
// writer in another process (heed override, the review pages) never waits near the busy timeout.
const chunk = 2000

// chunks runs fn over [0, n) in write transactions of at most chunk rows each; last tells fn it holds
// the final one (n == 0 makes one call with an empty range).
func (s *Store) chunks(ctx context.Context, n int, fn func(tx *sql.Tx, lo, hi int, last bool) error) error {
	for lo := 0; lo == 0 || lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		if err := s.tx(ctx, func(tx *sql.Tx) error { return fn(tx, lo, hi, hi >= n) }); err != nil {
			return err
		}
		if hi >= n {
			break
		}
	}
	return nil
}

// PutUnit stores a unit's sightings and marks it done. A large unit (an import) is written in bounded
// transactions: first its sightings, which readers ignore until the unit is done; then the requests they
// name, the last transaction marking the unit done. Every step can be repeated: a process killed half-way
// leaves nothing a reader sees, and the next attempt of the run completes the unit.
func (s *Store) PutUnit(ctx context.Context, runID int64, unitKey string, sightings []heed.Sighting, now time.Time) error {
	if err := s.putUnit(ctx, runID, unitKey, sightings, now); err != nil {
		return fmt.Errorf("store unit of run %d: %w", runID, err)
	}
	return nil
}

func (s *Store) putUnit(ctx context.Context, runID int64, unitKey string, sightings []heed.Sighting, now time.Time) error {
	var one int
	switch err := s.db.QueryRowContext(ctx, `SELECT 1 FROM units WHERE run_id = ? AND unit = ?`, runID, unitKey).Scan(&one); {
	case err == nil:
		return nil // stored before: nothing to do
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	// The unit's requests: the first sighting of each key stands, as a repeated one is ignored.
	type req struct{ key, text string }
	reqs := make([]req, 0, len(sightings))
	data := make([]string, 0, len(sightings))
	seen := make(map[string]bool, len(sightings))
	for _, sg := range sightings {
		key := heed.Normalize(sg.Text)
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		b, err := json.Marshal(sg)
		if err != nil {
			return err
		}
		reqs = append(reqs, req{key, sg.Text})
		data = append(data, string(b))
	}
	seen = nil
	err := s.chunks(ctx, len(reqs), func(tx *sql.Tx, lo, hi int, _ bool) error {
		st, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO sightings(run_id, unit, key, data) VALUES(?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := lo; i < hi; i++ {
			if _, err := st.ExecContext(ctx, runID, unitKey, reqs[i].key, data[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	data = nil
	ts := fmtTime(now)
	return s.chunks(ctx, len(reqs), func(tx *sql.Tx, lo, hi int, last bool) error {
		// runs_seen counts a run once however often its units name the request, so repeating this
		// step after a crash changes nothing.
		st, err := tx.PrepareContext(ctx, `INSERT INTO requests(key, text, first_run, last_run, runs_seen, first_seen, last_seen)
			VALUES(?, ?, ?, ?, 1, ?, ?)
			ON CONFLICT(key) DO UPDATE SET
				runs_seen = runs_seen + (CASE WHEN last_run = excluded.last_run THEN 0 ELSE 1 END),
				last_run = excluded.last_run,
				last_seen = excluded.last_seen`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := lo; i < hi; i++ {
			if _, err := st.ExecContext(ctx, reqs[i].key, reqs[i].text, runID, runID, ts, ts); err != nil {
				return err
			}
		}
		if !last {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO units(run_id, unit, stored, sightings) VALUES(?, ?, ?, ?)`, runID, unitKey, ts, len(reqs))
		return err
	})
}

// unitDone keeps, in a query of sightings, those of units stored whole.
const unitDone = `EXISTS (SELECT 1 FROM units u WHERE u.run_id = sightings.run_id AND u.unit = sightings.unit)`

// RunRequests returns the requests sighted in a run.
func (s *Store) RunRequests(ctx context.Context, runID int64) ([]store.Request, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, text, first_run, last_run, runs_seen, first_seen, last_seen, class
		FROM requests WHERE key IN (SELECT key FROM sightings WHERE run_id = ? AND `+unitDone+`) ORDER BY key`, runID)
	if err != nil {
		return nil, fmt.Errorf("requests of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []store.Request
	for rows.Next() {
		var r store.Request
		var first, last, class string
		if err := rows.Scan(&r.Key, &r.Text, &r.FirstRun, &r.LastRun, &r.RunsSeen, &first, &last, &class); err != nil {
			return nil, fmt.Errorf("requests of run %d: %w", runID, err)
		}
		r.FirstSeen, r.LastSeen = parseTime(first), parseTime(last)
		if class != "" {
			var c heed.Classification
			if err := json.Unmarshal([]byte(class), &c); err == nil {
				r.Class = &c
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RunSightings returns a run's sightings by request key, in the order stored.
func (s *Store) RunSightings(ctx context.Context, runID int64) (map[string][]heed.Sighting, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, data FROM sightings WHERE run_id = ? AND `+unitDone+` ORDER BY unit, key`, runID)
	if err != nil {
		return nil, fmt.Errorf("sightings of run %d: %w", runID, err)
	}
	defer rows.Close()
	out := map[string][]heed.Sighting{}
	for rows.Next() {
		var key, data string
		if err := rows.Scan(&key, &data); err != nil {
			return nil, fmt.Errorf("sightings of run %d: %w", runID, err)
		}
		var sg heed.Sighting
		if err := json.Unmarshal([]byte(data), &sg); err != nil {
			return nil, fmt.Errorf("sightings of run %d: %w", runID, err)
		}
		out[key] = append(out[key], sg)
	}
	return out, rows.Err()
}

// PutClasses stores classifications, in bounded transactions (storing one twice changes nothing).
func (s *Store) PutClasses(ctx context.Context, classes map[string]heed.Classification) error {
	keys := make([]string, 0, len(classes))
	for k := range classes {
		keys = append(keys, k)
	}
	err := s.chunks(ctx, len(keys), func(tx *sql.Tx, lo, hi int, _ bool) error {
		st, err := tx.PrepareContext(ctx, `UPDATE requests SET class = ? WHERE key = ?`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, key := range keys[lo:hi] {
			data, err := json.Marshal(classes[key])
			if err != nil {
				return err
			}
			if _, err := st.ExecContext(ctx, string(data), key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store classifications: %w", err)
	}
	return nil
}

// ReplacePages makes pages the current pages, atomically: they are staged in a table of their own in
// bounded transactions, then swapped in by one short transaction, so that a crash leaves the old pages
// or the new ones.
func (s *Store) ReplacePages(ctx context.Context, pages []heed.Page) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS pages_staged;
			CREATE TABLE pages_staged (ord INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, data TEXT NOT NULL)`)
		return err
	})
	if err == nil {
		err = s.chunks(ctx, len(pages), func(tx *sql.Tx, lo, hi int, last bool) error {
			st, err := tx.PrepareContext(ctx, `INSERT INTO pages_staged(ord, url, data) VALUES(?, ?, ?) ON CONFLICT(url) DO UPDATE SET data = excluded.data`)
			if err != nil {
				return err
			}
			defer st.Close()
			for i := lo; i < hi; i++ {
				data, err := json.Marshal(pages[i])
				if err != nil {
					return err
				}
				if _, err := st.ExecContext(ctx, i, pages[i].URL, string(data)); err != nil {
					return err
				}
			}
			if !last {
				return nil
			}
			// A rename, not a copy: the swap takes the time of freeing the old pages (0.1 s for
			// 100,000), not of copying the new ones (2.5 s).
			_, err = tx.ExecContext(ctx, `DROP TABLE pages; ALTER TABLE pages_staged RENAME TO pages`)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("store pages: %w", err)
	}
	return nil
}

// Pages returns the current pages.
func (s *Store) Pages(ctx context.Context) ([]heed.Page, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT data FROM pages ORDER BY ord`)
	if err != nil {
		return nil, fmt.Errorf("read pages: %w", err)
	}
	defer rows.Close()
	var out []heed.Page
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("read pages: %w", err)
		}
		var p heed.Page
		if err := json.Unmarshal([]byte(data), &p); err != nil {
			return nil, fmt.Errorf("read pages: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PutResults replaces a run's results, in bounded transactions: a run's results are read only once it
// has finished, and a run that was interrupted stores them again.
func (s *Store) PutResults(ctx context.Context, runID int64, results iter.Seq[store.Result]) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM results WHERE run_id = ?`, runID)
		return err
	})
	next, stop := iter.Pull(results)
	defer stop()
	// In write transactions of at most chunk rows each, as chunks writes a list.
	for more := true; err == nil && more; {
		err = s.tx(ctx, func(tx *sql.Tx) error {
			st, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO results(run_id, key, data) VALUES(?, ?, ?)`)
			if err != nil {
				return err
			}
			defer st.Close()
			for range chunk {
				r, ok := next()
				if !ok {
					more = false
					return nil
				}
				data, err := json.Marshal(r.Match)
				if err != nil {
					return err
				}
				if _, err := st.ExecContext(ctx, runID, r.Key, string(data)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("store results of run %d: %w", runID, err)
	}
	return nil
}

// Results returns a run's results by request key.
func (s *Store) Results(ctx context.Context, runID int64) (map[string]store.Result, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, data FROM results WHERE run_id = ?`, runID)
	if err != nil {
		return nil, fmt.Errorf("results of run %d: %w", runID, err)
	}
	defer rows.Close()
	out := map[string]store.Result{}
	for rows.Next() {
		var key, data string
		if err := rows.Scan(&key, &data); err != nil {
			return nil, fmt.Errorf("results of run %d: %w", runID, err)
		}
		r := store.Result{RunID: runID, Key: key}
		if err := json.Unmarshal([]byte(data), &r.Match); err != nil {
			return nil, fmt.Errorf("results of run %d: %w", runID, err)
		}
		out[key] = r
	}
	return out, rows.Err()
}

// PutOverride stores a decision, replacing the one for the same scope and key.
func (s *Store) PutOverride(ctx context.Context, o heed.Override) error {
	if err := o.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(o)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT OR REPLACE INTO overrides(scope, key, data) VALUES(?, ?, ?)`, string(o.Scope), o.Key, string(data))
	if err != nil {
		return fmt.Errorf("store override %s %q: %w", o.Scope, o.Key, err)
	}
	return nil
}

// DeleteOverride removes a decision.
func (s *Store) DeleteOverride(ctx context.Context, scope heed.OverrideScope, key string) error {
	if _, err := s.exec(ctx, `DELETE FROM overrides WHERE scope = ? AND key = ?`, string(scope), key); err != nil {
		return fmt.Errorf("delete override %s %q: %w", scope, key, err)
	}
	return nil
}

// Overrides returns every decision, by scope then key.
func (s *Store) Overrides(ctx context.Context) ([]heed.Override, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT data FROM overrides ORDER BY scope, key`)
	if err != nil {
		return nil, fmt.Errorf("read overrides: %w", err)
	}
	defer rows.Close()
	out := []heed.Override{}
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("read overrides: %w", err)
		}
		var o heed.Override
		if err := json.Unmarshal([]byte(data), &o); err != nil {
			s.skip("overrides", err)
			continue
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Ping checks that the database answers and can be written.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping store %s: %w", s.path, err)
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta(k, v) VALUES('ping', ?)`, fmtTime(time.Now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("ping store %s: %w", s.path, err)
	}
	return nil
}

// String describes the store for logs.
func (s *Store) String() string { return "embedded:" + strings.TrimSuffix(s.path, "/"+FileName) }

package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"time"

	"github.com/heed-dev/heed/store"
)

// ErrLocked is returned when another process holds a job's lock.
var ErrLocked = store.ErrLocked

// LockJob takes job's lock: in the store when it holds locks itself (a shared cluster), else in a file
// in dir.
func LockJob(ctx context.Context, st store.Store, dir, job string, now time.Time) (release func() error, err error) {
	if l, ok := st.(store.Locker); ok {
		return l.LockJob(ctx, job, now)
	}
	lock, err := AcquireLock(dir, job, now)
	if err != nil {
		return nil, err
	}
	return lock.Release, nil
}

// Lock is a job's lock in the data directory: while one process holds it, no other runs the job. It is
// an advisory lock (flock) on a file, which the kernel releases when the holder dies, however it dies:
// a crash never leaves a lock behind that blocks the next run. The file also names the holder, for the
// message a refused run prints.
type Lock struct {
	f    *os.File
	path string
}

// Holder is what a lock file says of the process that holds it.
type Holder struct {
	PID      int       `json:"pid"`
	Host     string    `json:"host"`
	Job      string    `json:"job"`
	Acquired time.Time `json:"acquired"`
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// LockPath is where the lock of job lives in dir.
func LockPath(dir, job string) string {
	return filepath.Join(dir, "locks", unsafeName.ReplaceAllString(job, "_")+".lock")
}

// AcquireLock takes job's lock in dir without waiting. It fails with ErrLocked (wrapped, naming the
// holder) when a live process holds it. A lock file left by a process that died is taken over.
func AcquireLock(dir, job string, now time.Time) (*Lock, error) {
	path := LockPath(dir, job)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("lock job %s: %w", job, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock job %s: %w", job, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			var h Holder
			b, _ := io.ReadAll(io.LimitReader(f, 4096))
			if json.Unmarshal(b, &h) == nil && h.PID != 0 {
				return nil, fmt.Errorf("%w: job %s is held by process %d on %s since %s (%s)", ErrLocked, job, h.PID, h.Host,
					h.Acquired.Format(time.RFC3339), path)
			}
			return nil, fmt.Errorf("%w: job %s (%s)", ErrLocked, job, path)
		}
		return nil, fmt.Errorf("lock job %s: %w", job, err)
	}
	host, _ := os.Hostname()
	b, _ := json.Marshal(Holder{PID: os.Getpid(), Host: host, Job: job, Acquired: now.UTC()})
	if err := f.Truncate(0); err == nil {
		f.WriteAt(append(b, '\n'), 0)
		f.Sync()
	}
	return &Lock{f: f, path: path}, nil
}

// Release gives the lock up. Releasing twice is harmless.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// ReadHolder reads who holds (or last held) a lock file; ok is false when no live process holds it.
func ReadHolder(dir, job string) (h Holder, ok bool) {
	path := LockPath(dir, job)
	f, err := os.Open(path)
	if err != nil {
		return h, false
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB) == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return h, false
	}
	b, _ := io.ReadAll(io.LimitReader(f, 4096))
	return h, json.Unmarshal(b, &h) == nil
}

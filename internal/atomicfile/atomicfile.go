// Package atomicfile writes files so that a reader, or a process that crashes half-way, sees the old file
// or the new one, never half of one: the data goes to a temporary file beside the destination, which is
// synced and renamed into place.
//
// A writer killed half-way (kill -9, the OOM killer, a lost machine) leaves its temporary file behind, and
// a report's can weigh hundreds of megabytes; so each Create removes the leftovers of earlier writers of the
// same destination. A writer holds an flock on its temporary file from creation to rename; the kernel
// drops it when the process dies, however it dies. A leftover is removed only when nobody holds its lock,
// so the file of a writer still at work, in this process or another, is never touched (a writer between
// creating its file and locking it, whose file a sweep removed, notices and makes another). Files of the naming of earlier
// versions, which took no lock, are removed once nobody has written them for six hours.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	// unlockedAge is how long a temporary file nobody can prove abandoned (an earlier version's, or on a
	// file system without flock) must have gone unwritten before it is removed.
	unlockedAge = 6 * time.Hour
)

// File is a file being written; Commit puts it in place, Abort throws it away.
type File struct {
	*os.File
	dest string
	done bool
}

// tempPrefix begins the names of dest's temporary files: ".gaps.json.tmp-"; then come the writer's
// process id, for people, and a random number: ".gaps.json.tmp-4242-1234567".
func tempPrefix(dest string) string { return "." + filepath.Base(dest) + ".tmp-" }

// Create starts writing dest, creating its directory when needed, and removes what earlier writers of
// dest left behind.
func Create(dest string) (*File, error) {
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dest, err)
	}
	sweep(dest, time.Now())
	for range 10 {
		f, err := os.CreateTemp(dir, tempPrefix(dest)+strconv.Itoa(os.Getpid())+"-*")
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", dest, err)
		}
		// Held until the file is renamed or removed. Between creating the file and locking it, another
		// writer's sweep may take it for a leftover (it is unlocked) and remove it: then the lock fails,
		// or the name no longer leads to this file, and another is made.
		switch err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); {
		case errors.Is(err, syscall.EWOULDBLOCK):
			f.Close()
			continue
		case err != nil:
			// A file system without flock: sweep cannot lock it either and falls back to its age.
			return &File{File: f, dest: dest}, nil
		}
		if named(f) {
			return &File{File: f, dest: dest}, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("create %s: temporary files keep disappearing (another process sweeping?)", dest)
}

// named reports whether f's name still leads to f.
func named(f *os.File) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(f.Name())
	return err == nil && os.SameFile(a, b)
}

// sweep removes the abandoned temporary files of dest. It is best effort: what it cannot read or remove
// stays for a later write.
func sweep(dest string, now time.Time) {
	dir, prefix := filepath.Dir(dest), tempPrefix(dest)
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	for _, name := range names {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		pid, random, locking := strings.Cut(rest, "-")
		if !digits(pid) || (locking && !digits(random)) {
			continue // not a name this package makes
		}
		path := filepath.Join(dir, name)
		st, err := os.Lstat(path)
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		idle := now.Sub(st.ModTime())
		if !locking { // an earlier version's name: it took no lock
			if idle > unlockedAge {
				os.Remove(path)
			}
			continue
		}
		removeUnlocked(path, idle)
	}
}

// removeUnlocked removes path unless a writer holds its lock.
func removeUnlocked(path string, idle time.Duration) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	switch {
	case err == nil:
		os.Remove(path) // under the lock: no writer can take it meanwhile
	case errors.Is(err, syscall.EWOULDBLOCK):
		// a live writer's
	default: // no flock here: the age decides
		if idle > unlockedAge {
			os.Remove(path)
		}
	}
}

func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// Commit syncs the file and renames it to its destination. The file stays open, and so locked, until it
// has its name: a sweep never takes it for a leftover.
func (f *File) Commit() error {
	if err := f.Sync(); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	if err := os.Rename(f.Name(), f.dest); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	f.done = true
	f.Close() // the data is synced and in place; closing can lose nothing
	if d, err := os.Open(filepath.Dir(f.dest)); err == nil {
		d.Sync() // make the rename itself durable; not all file systems support it
		d.Close()
	}
	return nil
}

// Abort removes the temporary file, unless the file was committed; it is safe to defer.
func (f *File) Abort() {
	if !f.done {
		f.done = true
		os.Remove(f.Name()) // before closing, which drops the lock
		f.Close()
	}
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// Package atomicfile writes files so that a reader, or a process that crashes half-way, sees the old file
// or the new one, never half of one: the data goes to a temporary file beside the destination, which is
// synced and renamed into place.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// File is a file being written; Commit puts it in place, Abort throws it away.
type File struct {
	*os.File
	dest string
	done bool
}

// Create starts writing dest, creating its directory when needed.
func Create(dest string) (*File, error) {
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dest, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", dest, err)
	}
	return &File{File: f, dest: dest}, nil
}

// Commit syncs the file and renames it to its destination.
func (f *File) Commit() error {
	if err := f.Sync(); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	if err := f.Close(); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	if err := os.Rename(f.Name(), f.dest); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", f.dest, err)
	}
	f.done = true
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
		f.Close()
		os.Remove(f.Name())
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

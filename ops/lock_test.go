package ops

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)

func TestLockRefusesASecondHolder(t *testing.T) {
	dir := t.TempDir()
	l, err := AcquireLock(dir, "nightly", t0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = AcquireLock(dir, "nightly", t0)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "process "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("second acquire: %v, want ErrLocked naming this process", err)
	}
	if h, ok := ReadHolder(dir, "nightly"); !ok || h.PID != os.Getpid() || h.Job != "nightly" || !h.Acquired.Equal(t0) {
		t.Errorf("holder %+v %v", h, ok)
	}
	// Another job is another lock.
	other, err := AcquireLock(dir, "hourly suggest/refresh", t0)
	if err != nil {
		t.Fatalf("another job: %v", err)
	}
	if filepath.Base(LockPath(dir, "hourly suggest/refresh")) != "hourly_suggest_refresh.lock" {
		t.Errorf("lock path %s", LockPath(dir, "hourly suggest/refresh"))
	}
	other.Release()
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second release: %v", err)
	}
	if _, ok := ReadHolder(dir, "nightly"); ok {
		t.Error("a released lock still has a holder")
	}
	l2, err := AcquireLock(dir, "nightly", t0)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
}

// TestLockOfADeadProcessIsRecovered: a process holding the lock is killed with SIGKILL; its lock file
// stays, naming it, and the next run takes the lock over.
func TestLockOfADeadProcessIsRecovered(t *testing.T) {
	if os.Getenv("HEED_LOCK_HOLDER") != "" {
		l, err := AcquireLock(os.Getenv("HEED_LOCK_HOLDER"), "nightly", t0)
		if err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		l.Release()
		os.Exit(0)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockOfADeadProcessIsRecovered$")
	cmd.Env = append(os.Environ(), "HEED_LOCK_HOLDER="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("the holder did not lock: %q %v", buf, err)
	}
	if _, err := AcquireLock(dir, "nightly", t0); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), strconv.Itoa(cmd.Process.Pid)) {
		t.Fatalf("while the holder lives: %v, want ErrLocked naming pid %d", err, cmd.Process.Pid)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if b, err := os.ReadFile(LockPath(dir, "nightly")); err != nil || !strings.Contains(string(b), strconv.Itoa(cmd.Process.Pid)) {
		t.Fatalf("the dead holder's lock file is gone or blank (%q, %v): the test proves nothing", b, err)
	}
	l, err := AcquireLock(dir, "nightly", t0)
	if err != nil {
		t.Fatalf("after the holder died: %v", err)
	}
	defer l.Release()
	if h, ok := ReadHolder(dir, "nightly"); !ok || h.PID != os.Getpid() {
		t.Errorf("holder after recovery %+v", h)
	}
}

package atomicfile

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// When HEED_ATOMICFILE_CHILD names a destination, the test binary is a writer that dies half-way: it
// starts writing the destination, says the temporary file's name on stdout and waits to be killed.
func TestMain(m *testing.M) {
	if dest := os.Getenv("HEED_ATOMICFILE_CHILD"); dest != "" {
		f, err := Create(dest)
		if err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(2)
		}
		f.WriteString("half of a report")
		os.Stdout.WriteString(f.Name() + "\n")
		time.Sleep(time.Minute)
		os.Exit(3)
	}
	os.Exit(m.Run())
}

// startWriter starts a process that writes dest and stays alive until killed; it returns the process
// and its temporary file.
func startWriter(t *testing.T, dest string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "HEED_ATOMICFILE_CHILD="+dest)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	name, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the writer said nothing: %v", err)
	}
	return cmd, strings.TrimSpace(name)
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, e := range entries {
		ns = append(ns, e.Name())
	}
	return ns
}

// age makes path look last written d ago.
func age(t *testing.T, path string, d time.Duration) {
	t.Helper()
	old := time.Now().Add(-d)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
}

func TestWriteFile(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "sub", "gaps.json")
	if err := WriteFile(dest, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(dest); err != nil || string(b) != "new" {
		t.Fatalf("read back %q, %v", b, err)
	}
	if got := names(t, filepath.Dir(dest)); !slices.Equal(got, []string{"gaps.json"}) {
		t.Errorf("files = %v, want only gaps.json", got)
	}
}

// TestLeftoverOfAKilledWriterIsRemoved: kill -9 during a write leaves the temporary file; the next write
// of the same destination removes it.
func TestLeftoverOfAKilledWriterIsRemoved(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "gaps.json")
	cmd, tmp := startWriter(t, dest)
	cmd.Process.Kill() // SIGKILL: no deferred cleanup runs
	cmd.Wait()
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("the killed writer left no temporary file: %v", err)
	}
	// The next run starts at once (a rerun after a crash): the leftover is seconds old.
	if err := WriteFile(dest, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"gaps.json"}) {
		t.Errorf("files = %v, want the leftover %s removed", got, filepath.Base(tmp))
	}
}

// TestLiveWritersAreLeftAlone: a temporary file another process or another writer of this process is
// still writing is kept, however old it looks.
func TestLiveWritersAreLeftAlone(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "gaps.json")
	cmd, other := startWriter(t, dest)
	age(t, other, 48*time.Hour)
	mine, err := Create(dest) // a writer in this process (another goroutine, say)
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Abort()
	age(t, mine.Name(), 48*time.Hour)
	if err := WriteFile(dest, []byte("new")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{other, mine.Name()} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("the temporary file of a live writer was removed: %v", err)
		}
	}
	if _, err := mine.WriteString("still writing"); err != nil {
		t.Fatal(err)
	}
	if err := mine.Commit(); err != nil {
		t.Errorf("the live writer could not commit: %v", err)
	}
	// Once the other process dies, its file goes with the next write.
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if err := WriteFile(dest, []byte("newer")); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"gaps.json"}) {
		t.Errorf("files = %v, want only gaps.json", got)
	}
}

func TestSweepRules(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "gaps.json")
	for _, tt := range []struct {
		name string
		age  time.Duration
		kept bool
	}{
		{".gaps.json.tmp-4242-123456", 2 * time.Minute, false}, // this version's name, nobody writing
		{".gaps.json.tmp-4243-123457", time.Second, false},     // just left: nobody holds its lock
		{".gaps.json.tmp-987654321", 7 * time.Hour, false},     // an older version's name, long abandoned
		{".gaps.json.tmp-987654322", time.Hour, true},          // an older version's name: it may still be writing
		{".gaps.csv.tmp-4242-123456", 48 * time.Hour, true},    // another destination's
		{".gaps.json.tmp-notes", 48 * time.Hour, true},         // not a name this package makes
		{"gaps.json.tmp-4242-1", 48 * time.Hour, true},
	} {
		p := filepath.Join(dir, tt.name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		age(t, p, tt.age)
	}
	os.Mkdir(filepath.Join(dir, ".gaps.json.tmp-1-1"), 0o755) // a directory is never touched
	age(t, filepath.Join(dir, ".gaps.json.tmp-1-1"), 48*time.Hour)
	if err := WriteFile(dest, []byte("new")); err != nil {
		t.Fatal(err)
	}
	got := names(t, dir)
	for _, tt := range []struct {
		name string
		kept bool
	}{{".gaps.json.tmp-4242-123456", false}, {".gaps.json.tmp-4243-123457", false}, {".gaps.json.tmp-987654321", false},
		{".gaps.json.tmp-987654322", true}, {".gaps.csv.tmp-4242-123456", true}, {".gaps.json.tmp-notes", true},
		{"gaps.json.tmp-4242-1", true}, {".gaps.json.tmp-1-1", true}} {
		if slices.Contains(got, tt.name) != tt.kept {
			t.Errorf("%s: kept = %v, want %v", tt.name, !tt.kept, tt.kept)
		}
	}
}

// A writer whose new file a sweep removed before the writer locked it notices: its name no longer leads
// to its file, and Create makes another.
func TestNamedNoticesARemovedFile(t *testing.T) {
	f, err := Create(filepath.Join(t.TempDir(), "gaps.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if !named(f.File) {
		t.Fatal("a file just created is not named")
	}
	os.Remove(f.Name())
	if named(f.File) {
		t.Error("a removed file still counts as named")
	}
	if err := os.WriteFile(f.Name(), []byte("another"), 0o600); err != nil {
		t.Fatal(err)
	}
	if named(f.File) {
		t.Error("a file whose name now leads to another file still counts as named")
	}
}

package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// TestOverrideChecksWhatItNames: a decision on a request no run has heard, or the removal of a decision
// that does not exist, is refused (exit 2) naming the close matches, unless --force says it is meant.
func TestOverrideChecksWhatItNames(t *testing.T) {
	dir := t.TempDir()
	pages := writeFile(t, dir, "pages.jsonl", pagesJSONL)
	reqs := writeFile(t, dir, "requests.txt", "how long to charge a lark battery\nlark child seat\nlark jobs in leeds\n")
	data := filepath.Join(dir, "data")
	if code, _, errs := heedRun(t, "", "run", "--data", data, "--source", "requests="+reqs, "--pages", pages, "--out", filepath.Join(dir, "out"), "--log-level", "warn"); code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	tests := []struct {
		name string
		args []string
		code int
		errs []string
	}{
		{"pin a request never heard", []string{"pin", "--request", "lark child seet", "--url", "https://h.example/blog/cargo"}, exitUsage,
			[]string{`no run has heard "lark child seet"`, `"lark child seat"`, "--force"}},
		{"won't answer a request never heard", []string{"wont-answer", "--request", "lark jobs in leds"}, exitUsage,
			[]string{`no run has heard "lark jobs in leds"`, `"lark jobs in leeds"`}},
		{"remove a decision that does not exist", []string{"remove", "--request", "lark child seat"}, exitUsage,
			[]string{`no decision on request "lark child seat"`}},
		{"pin a request heard", []string{"pin", "--request", "Lark child seat", "--url", "https://h.example/blog/cargo"}, exitOK, nil},
		{"remove with a typo names the decision", []string{"remove", "--request", "lark child seet"}, exitUsage,
			[]string{`no decision on request "lark child seet"`, `"lark child seat"`}},
		{"pin ahead of hearing it, forced", []string{"pin", "--request", "lark roof rack", "--url", "https://h.example/blog/cargo", "--force"}, exitOK,
			[]string{`no run has heard "lark roof rack"`}},
		{"remove the decision", []string{"remove", "--request", "lark child seat"}, exitOK, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := heedRun(t, "", append(append([]string{"override"}, tt.args...), "--data", data)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, errs)
			}
			for _, s := range tt.errs {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr has no %q: %s", s, errs)
				}
			}
		})
	}
	// Only the forced pin is left.
	code, out, _ := heedRun(t, "", "override", "list", "--data", data)
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "lark roof rack") {
		t.Errorf("list: %d %q, want the forced pin alone", code, out)
	}
	// On a terminal, list is a table with a header; piped, JSONL (above).
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	code = run(t.Context(), []string{"override", "list", "--data", data}, strings.NewReader(""), tty, os.Stderr)
	tty.Close()
	all, _ := io.ReadAll(ptmx) // ends with EIO once the terminal's side is closed
	table := string(all)
	if code != 0 || !strings.Contains(table, "SCOPE") || !strings.Contains(table, "ACTION") || !strings.Contains(table, "lark roof rack") || strings.Contains(table, "{") {
		t.Errorf("list on a terminal: %d %q, want a table", code, table)
	}
}

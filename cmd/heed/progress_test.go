package main

import (
	"bytes"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// TestRunProgressOnATerminal: on a terminal, heed run shows every stage by name as it goes (the crawl
// and import of the requests, classify, match, topics, report), on a line log lines never share, and
// leaves nothing of it after the summary.
func TestRunProgressOnATerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	var screen bytes.Buffer
	read := make(chan struct{})
	go func() { io.Copy(&screen, ptmx); close(read) }() // ends with EIO once the terminal's side closes
	dir := t.TempDir()
	reqs := writeFile(t, dir, "requests.txt", "how long to charge a lark battery\nlark child seat\nlark brakes squeak\nlark price\n")
	pages := writeFile(t, dir, "pages.jsonl", pagesJSONL)
	code := run(t.Context(), []string{"run", "--data", filepath.Join(dir, "data"), "--source", "requests=" + reqs, "--pages", pages,
		"--out", filepath.Join(dir, "out"), "--log-level", "info"}, strings.NewReader(""), tty, tty)
	tty.Close()
	<-read
	out := screen.String()
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, stage := range []string{"pages: ", "crawl: ", "import: ", "classify: ", "match: ", "topics: ", "report: "} {
		if !regexp.MustCompile(`(^|\n|\r|\x1b\[K)` + regexp.QuoteMeta(stage)).MatchString(out) {
			t.Errorf("the progress never showed %q:\n%q", stage, out)
		}
	}
	// Log lines start on a line of their own: a progress line is cleared before one is written.
	if m := regexp.MustCompile(`(pages|crawl|import|classify|match|topics|store|report): [^\r\n]*time=`).FindString(out); m != "" {
		t.Errorf("a log line shares the progress line: %q", m)
	}
	i := strings.LastIndex(out, "heed run 1 (nightly): ok")
	if i < 0 {
		t.Fatalf("no summary:\n%q", out)
	}
	if after := out[i:]; strings.Count(after, "\n") > 1 || strings.Contains(after, "\r") && strings.TrimRight(after, "\r\n") != strings.TrimSpace(after) {
		t.Errorf("something follows the summary: %q", after)
	}
}

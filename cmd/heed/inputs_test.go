package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnreachablePagesOnANewStore: when the site cannot be reached and no pages are stored, nothing
// can be matched: the run fails (exit 1) naming the site, and writes no report calling every request a
// gap.
func TestUnreachablePagesOnANewStore(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	site := "http://" + l.Addr().String() + "/"
	l.Close() // nothing listens there now: connections are refused
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	code, _, errs := heedRun(t, "", "run", "--data", filepath.Join(dir, "data"), "--pages", site, "--out", out,
		"--source", "requests="+writeFile(t, dir, "kw.txt", "how to charge the battery\n"))
	if code != exitFail || !strings.Contains(errs, "nothing can be matched") || !strings.Contains(errs, site) {
		t.Errorf("exit %d, want 1 with an error naming %s:\n%s", code, site, errs)
	}
	if _, err := os.Stat(filepath.Join(out, "gaps.json")); err == nil {
		t.Error("a report was written, calling every request a gap")
	}
}

// TestBadInputFiles: a requests file that is missing is an input-file error (exit 2); one that yields
// no request or is not text is a failed source naming the file, and a run whose every source failed
// exits 1; a text file's lines that are not text are skipped, named and counted, and the run goes on.
func TestBadInputFiles(t *testing.T) {
	dir := t.TempDir()
	pages := writeFile(t, dir, "pages.jsonl", `{"url":"https://lark.example/charge","title":"How to charge your battery","body":"Charging the battery takes four hours."}`+"\n")
	binary := make([]byte, 4000)
	for i := range binary {
		binary[i] = byte(i*7919 + i*i*31)
	}
	os.WriteFile(filepath.Join(dir, "random.bin"), binary, 0o644)
	writeFile(t, dir, "empty.txt", "")
	writeFile(t, dir, "mixed.txt", "how to charge the battery\n\x00\x01\x02PK\x03\x04\nlark battery price\n")
	good := writeFile(t, dir, "good.txt", "how to charge the battery\n")
	tests := []struct {
		name    string
		sources []string
		code    int
		errs    []string
	}{
		{"missing", []string{"requests=" + filepath.Join(dir, "nope.txt")}, exitUsage, []string{"nope.txt does not exist"}},
		{"empty", []string{"requests=" + filepath.Join(dir, "empty.txt")}, exitFail, []string{"every source failed", "empty.txt", "no request in it"}},
		{"binary", []string{"requests=" + filepath.Join(dir, "random.bin")}, exitFail, []string{"every source failed", "random.bin", "not text"}},
		{"a binary beside a good file", []string{"requests=" + filepath.Join(dir, "random.bin"), "requests=" + good}, exitOK, []string{"random.bin", "not text", "partial"}},
		{"a line that is not text", []string{"requests=" + filepath.Join(dir, "mixed.txt")}, exitOK, []string{"mixed.txt", "line=2", "not text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"run", "--data", filepath.Join(t.TempDir(), "data"), "--pages", pages, "--out", t.TempDir()}
			for _, s := range tt.sources {
				args = append(args, "--source", s)
			}
			code, out, errs := heedRun(t, "", args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			for _, s := range tt.errs {
				if !strings.Contains(errs+out, s) {
					t.Errorf("output has no %q:\nstdout: %s\nstderr: %s", s, out, errs)
				}
			}
		})
	}
}

// TestMatchSaysWhenThresholdsAreDefaults: pages too few to learn thresholds from are matched with heed's
// defaults, and heed match says so on stderr, and in --show-calibration.
func TestMatchSaysWhenThresholdsAreDefaults(t *testing.T) {
	dir := t.TempDir()
	pages := writeFile(t, dir, "pages.jsonl", `{"url":"https://lark.example/charge","title":"How to charge your battery"}`+"\n")
	for _, args := range [][]string{
		{"match", "--pages", pages},
		{"match", "--pages", pages, "--show-calibration"},
	} {
		code, out, errs := heedRun(t, "how to charge the battery\n", args...)
		if code != 0 || !strings.Contains(errs, "heed's defaults, not learnt from the site") || !strings.Contains(out, `"url"`) {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	if _, _, errs := heedRun(t, "how to charge the battery\n", "match", "--pages", filepath.Join("..", "..", "responder", "testdata", "site.jsonl")); strings.Contains(errs, "defaults") {
		t.Errorf("pages that teach thresholds: stderr %q", errs)
	}
}

// TestReportSaysWhenThresholdsAreDefaults: a run on pages too few to learn thresholds from says so in
// gaps.json and in a warning of report.html.
func TestReportSaysWhenThresholdsAreDefaults(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	code, _, errs := heedRun(t, "", "run", "--data", filepath.Join(dir, "data"), "--out", out, "--log-level", "warn",
		"--pages", writeFile(t, dir, "pages.jsonl", pagesJSONL), "--source", "requests="+writeFile(t, dir, "kw.txt", "lark child seat\n"))
	if code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	r := readReport(t, out)
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Summary.CalibrationNote, "heed's defaults") || !strings.Contains(string(html), `data-warn="calibration"`) || !strings.Contains(errs, "default thresholds") {
		t.Errorf("note %q; report warns %v; log %q", r.Summary.CalibrationNote, strings.Contains(string(html), `data-warn="calibration"`), errs)
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/report"
)

func readReport(t *testing.T, dir string) report.Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, report.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var r report.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func findRequest(rows []report.Request, text string) *report.Request {
	for i := range rows {
		if rows[i].Text == text {
			return &rows[i]
		}
	}
	return nil
}

// TestOverridesPersistAcrossRuns: a content team pins one gap to a page and marks another "won't
// answer"; the next runs apply both until they are removed.
func TestOverridesPersistAcrossRuns(t *testing.T) {
	dir := t.TempDir()
	pages := writeFile(t, dir, "pages.jsonl", pagesJSONL)
	reqs := writeFile(t, dir, "requests.txt", "how long to charge a lark battery\nlark child seat\nlark jobs in leeds\nlark support never answered my ticket\n")
	data, out := filepath.Join(dir, "data"), filepath.Join(dir, "out")
	runOnce := func() report.Report {
		t.Helper()
		if code, _, errs := heedRun(t, "", "run", "--data", data, "--source", "requests="+reqs, "--pages", pages, "--out", out, "--log-level", "warn"); code != 0 {
			t.Fatalf("run: code %d: %s", code, errs)
		}
		return readReport(t, out)
	}
	r := runOnce()
	if findRequest(r.Gaps, "lark child seat") == nil || findRequest(r.Gaps, "lark jobs in leeds") == nil {
		t.Fatalf("want both as gaps first; gaps %v", r.Gaps)
	}
	if findRequest(r.ServiceIssues, "lark support never answered my ticket") == nil {
		t.Errorf("the complaint is not a service issue: %+v", r.ServiceIssues)
	}
	if findRequest(r.Gaps, "lark support never answered my ticket") != nil {
		t.Error("the complaint is also listed as a content gap")
	}

	for _, args := range [][]string{
		{"override", "pin", "--data", data, "--request", "Lark child seat", "--url", "https://h.example/blog/cargo", "--note", "covered in the cargo post", "--by", "ana"},
		{"override", "wont-answer", "--data", data, "--request", "lark jobs in leeds"},
	} {
		if code, stdout, errs := heedRun(t, "", args...); code != 0 || !strings.Contains(stdout, "next run") {
			t.Fatalf("%v: code %d, %q %q", args, code, stdout, errs)
		}
	}
	// Bad decisions are usage errors and store nothing.
	for _, args := range [][]string{
		{"override", "pin", "--data", data, "--request", "x", "--url", "https://h.example/nowhere"},
		{"override", "pin", "--data", data, "--request", "x", "--url", "javascript:alert(1)"},
		{"override", "pin", "--data", data, "--request", "x", "--topic", "y", "--url", "https://h.example/charge"},
		{"override", "ignore", "--data", data, "--request", "x"},
		{"override"},
	} {
		if code, _, _ := heedRun(t, "", args...); code != exitUsage {
			t.Errorf("%v: code %d, want %d", args, code, exitUsage)
		}
	}
	code, stdout, _ := heedRun(t, "", "override", "list", "--data", data)
	if code != 0 || strings.Count(stdout, "\n") != 2 || !strings.Contains(stdout, `"note":"covered in the cargo post"`) {
		t.Fatalf("list: code %d:\n%s", code, stdout)
	}

	r = runOnce()
	pinned := findRequest(r.Answered, "lark child seat")
	if pinned == nil || pinned.URL != "https://h.example/blog/cargo" || pinned.Override != heed.OverridePin || r.Summary.Pinned != 1 {
		t.Errorf("pinned request: %+v (pinned %d)", pinned, r.Summary.Pinned)
	}
	if d := findRequest(r.Dismissed, "lark jobs in leeds"); d == nil || d.Override != heed.OverrideWontAnswer || r.Summary.Dismissed != 1 {
		t.Errorf("dismissed: %+v", r.Dismissed)
	}
	if findRequest(r.Gaps, "lark jobs in leeds") != nil || findRequest(r.Gaps, "lark child seat") != nil {
		t.Errorf("overridden requests still among the gaps: %+v", r.Gaps)
	}
	if s := r.Summary; s.Answered+s.Gaps+s.ServiceIssues+s.Dismissed != s.Requests {
		t.Errorf("answered %d + gaps %d + service %d + dismissed %d != requests %d", s.Answered, s.Gaps, s.ServiceIssues, s.Dismissed, s.Requests)
	}

	if code, _, errs := heedRun(t, "", "override", "remove", "--data", data, "--request", "lark jobs in leeds"); code != 0 {
		t.Fatalf("remove: %s", errs)
	}
	r = runOnce()
	if findRequest(r.Gaps, "lark jobs in leeds") == nil || len(r.Dismissed) != 0 {
		t.Errorf("after remove: gaps %v, dismissed %v", len(r.Gaps), r.Dismissed)
	}
	if findRequest(r.Answered, "lark child seat") == nil {
		t.Error("the pin did not outlive the other decision's removal")
	}
}

// A pin needs a stored page to point at: on a store that has none yet, no address can be checked, so none
// is taken (a javascript: or data: URL, or a page that does not exist, would otherwise be stored).
func TestPinNeedsStoredPages(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for _, u := range []string{"https://h.example/charge", "javascript:alert(1)", "data:text/html,x"} {
		code, _, errs := heedRun(t, "", "override", "pin", "--data", data, "--request", "lark child seat", "--url", u)
		if code != exitUsage {
			t.Errorf("pin %q on a store with no pages: code %d (%s), want %d", u, code, errs, exitUsage)
		}
	}
	if code, stdout, _ := heedRun(t, "", "override", "list", "--data", data); code != 0 || strings.TrimSpace(stdout) != "" {
		t.Errorf("after refused pins, list = code %d %q, want nothing stored", code, stdout)
	}
}

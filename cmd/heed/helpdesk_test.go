package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// helpDeskPII are e-mail addresses and phone numbers written in the help-desk fixtures' subjects and
// messages (crawler/imports/testdata/helpdesk), in the forms written and as bare digits.
var helpDeskPII = []string{
	"jane.doe@example.com", "+44 20 7946 0958", "2079460958", "07700 900461", "07700900461", "sam.smith@example.org",
	"(555) 010-4477", "5550104477", "agent.kim@lark.example", "4111 1111 1111 1111", "4111111111111111", "lee@example.net",
	"s3cr3t", "202 555 0147", "2025550147", "olga@example.com", "020 7946 0321", "02079460321", "+33 1 23 45 67 89",
	"0800 123 4567", "08001234567", "07700 900123", "07700900123", "priya", "old@example.com", "kim@lark.example",
	"tall.rider@example.com", "07700 900999", "07700900999", "max@example.de", "+49 30 1234 5678", "4930", "12345678",
}

var piiEmail = regexp.MustCompile(`[A-Za-z0-9._%+-]+@(?:example\.(?:com|org|net|de|co\.uk)|lark\.example)`)

// TestRunKeepsNoHelpDeskPersonalData: heed run over help-desk exports of every format, with their
// e-mail addresses and phone numbers, keeps none of them: not in any file of the store's directory (the
// SQLite database and its journal), nor in any file of the report.
func TestRunKeepsNoHelpDeskPersonalData(t *testing.T) {
	dir := t.TempDir()
	data, out := filepath.Join(dir, "data"), filepath.Join(dir, "out")
	fixture := func(name string) string {
		return filepath.Join("..", "..", "crawler", "imports", "testdata", "helpdesk", name)
	}
	code, _, errs := heedRun(t, "", "run", "--data", data, "--out", out, "--log-level", "debug",
		"--pages", writeFile(t, dir, "pages.jsonl", pagesJSONL),
		"--source", "helpdesk="+fixture("zendesk.json")+";format=zendesk",
		"--source", "helpdesk="+fixture("freshdesk.json")+";format=freshdesk;name=fd",
		"--source", "helpdesk="+fixture("intercom.json")+";format=intercom;name=ic",
		"--source", "helpdesk="+fixture("tickets.csv")+";format=csv;name=csv")
	if code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	if leak := findPII(errs); leak != "" {
		t.Errorf("the log holds %q", leak)
	}
	db, err := os.ReadFile(filepath.Join(data, "heed.db"))
	if err != nil || !strings.Contains(string(db), "Where is my order?") {
		t.Fatalf("the store does not hold the tickets' requests (%v): the test reads the wrong file", err)
	}
	files := 0
	for _, root := range []string{data, out} {
		err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			if leak := findPII(string(b)); leak != "" {
				t.Errorf("%s holds %q", path, leak)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 3 {
		t.Errorf("read %d files, want the database and the report", files)
	}
}

// findPII returns the first of the fixtures' e-mail addresses and phone numbers in s, else "".
func findPII(s string) string {
	for _, p := range helpDeskPII {
		if strings.Contains(s, p) {
			return p
		}
	}
	return piiEmail.FindString(s)
}

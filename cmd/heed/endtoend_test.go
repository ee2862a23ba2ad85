package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed/report"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with what the code produces now")

// TestEndToEndDemoWorld runs the whole pipeline twice on the bundled sample world, as a scheduler would on
// two nights: its loopback suggestion, Stack Exchange and site servers and a keyword file are crawled, every
// request classified, matched against the crawled pages, triaged (service issues, topics) and reported. Between
// the nights the content team pins one request to a page, dismisses another and dismisses a whole topic. Each
// night's gaps.json and gaps.csv, with run times and loopback ports normalised, must equal the files in
// testdata/endtoend; `go test ./cmd/heed -run TestEndToEnd -update` rewrites them after a deliberate change.
func TestEndToEndDemoWorld(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo world crawls a few hundred loopback URLs")
	}
	out := filepath.Join(t.TempDir(), "demo")
	night := func(n string) {
		t.Helper()
		if code, stdout, errs := heedRun(t, "", "demo", "--out", out); code != 0 {
			t.Fatalf("night %s: code %d\n%s\n%s", n, code, stdout, errs)
		}
		dir := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte(out), []byte("OUT")) }
		checkGolden(t, filepath.Join("endtoend", "night"+n+".gaps.json"), normaliseReportJSON(t, dir(readFile(t, filepath.Join(out, report.JSONFile)))))
		checkGolden(t, filepath.Join("endtoend", "night"+n+".gaps.csv"), normaliseReportCSV(dir(readFile(t, filepath.Join(out, report.CSVFile)))))
	}
	night("1")

	var first report.Report
	if err := json.Unmarshal(readFile(t, filepath.Join(out, report.JSONFile)), &first); err != nil {
		t.Fatal(err)
	}
	if len(first.Gaps) < 3 || len(first.Topics) < 2 || len(first.Answered) == 0 {
		t.Fatalf("the sample world gave %d gaps, %d topics, %d answered: too few to override", len(first.Gaps), len(first.Topics), len(first.Answered))
	}
	cfg := filepath.Join(out, "heed.yaml")
	// The first topic is dismissed whole; a gap outside it is pinned to the first answered request's page,
	// and another gap outside it is dismissed on its own.
	topic := first.Topics[0]
	var outside []report.Request
	for _, g := range first.Gaps {
		if g.Topic != topic.Key {
			outside = append(outside, g)
		}
	}
	if len(outside) < 2 {
		t.Fatalf("fewer than two gaps outside topic %q", topic.Key)
	}
	for _, args := range [][]string{
		{"override", "wont-answer", "--topic", topic.Key, "--note", "not our market", "-c", cfg},
		{"override", "pin", "--request", outside[0].Text, "--url", first.Answered[0].URL, "-c", cfg},
		{"override", "wont-answer", "--request", outside[1].Text, "-c", cfg},
	} {
		if code, stdout, errs := heedRun(t, "", args...); code != 0 {
			t.Fatalf("%v: code %d\n%s\n%s", args, code, stdout, errs)
		}
	}
	night("2")
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkGolden compares got with testdata/name, or rewrites it under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", path, cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n")))
	}
}

var (
	loopbackPort = regexp.MustCompile(`(127\.0\.0\.1|localhost|\[::1\]):\d+`)
	isoTime      = regexp.MustCompile(`\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d))?`)
)

// timeKeys are the report's fields that hold the wall-clock time of a run.
var timeKeys = map[string]bool{"generated": true, "started": true, "finished": true, "first_seen": true}

// normaliseReportJSON replaces what differs from run to run (times, loopback ports) and indents the report
// for readable diffs.
func normaliseReportJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("gaps.json: %v", err)
	}
	v = normaliseValue("", v)
	out, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func normaliseValue(key string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normaliseValue(k, e)
		}
	case []any:
		for i, e := range x {
			x[i] = normaliseValue(key, e)
		}
	case string:
		if timeKeys[key] && x != "" {
			return "TIME"
		}
		return loopbackPort.ReplaceAllString(x, "${1}:PORT")
	}
	return v
}

// normaliseReportCSV replaces loopback ports and dates (first_seen) in gaps.csv.
func normaliseReportCSV(b []byte) []byte {
	b = loopbackPort.ReplaceAll(b, []byte("${1}:PORT"))
	return isoTime.ReplaceAll(b, []byte("DATE"))
}

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/heed-dev/heed/responder/respondertest"
)

// TestMatchAdaptsToTheShareOfGaps: heed match learns the share of gaps among its requests from the first
// batch, and --show-calibration says so; a handful of requests leaves the pages' thresholds as they are.
func TestMatchAdaptsToTheShareOfGaps(t *testing.T) {
	dir := t.TempDir()
	site := respondertest.Subjects(90, 60)
	var pages strings.Builder
	for _, p := range site.Pages {
		line, err := json.Marshal(map[string]any{"url": p.URL, "title": p.Title, "body": p.Body, "queries": p.Queries})
		if err != nil {
			t.Fatal(err)
		}
		pages.Write(append(line, '\n'))
	}
	pagesPath := writeFile(t, dir, "pages.jsonl", pages.String())
	for _, tc := range []struct {
		name    string
		n       int
		adapted bool
	}{
		{"a night's worth", 1000, true},
		{"a handful", 50, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requests := site.Requests(0.7, tc.n, 1)
			in := writeFile(t, dir, tc.name+".txt", strings.Join(requests, "\n")+"\n")
			code, out, errs := heedRun(t, "", "match", "--pages", pagesPath, "--show-calibration", in)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			said := strings.Contains(errs, "calibration for these requests:") && strings.Contains(errs, "are gaps (estimated from")
			if said != tc.adapted {
				t.Errorf("%d requests: stderr says it adapted: %v, want %v:\n%s", tc.n, said, tc.adapted, errs)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			gaps := strings.Count(out, `"gap":true`)
			if len(lines) != tc.n || (tc.adapted && float64(gaps) < 0.6*float64(tc.n)) {
				t.Errorf("%d lines for %d requests, %d gaps (70%% of the requests are)", len(lines), tc.n, gaps)
			}
		})
	}
}

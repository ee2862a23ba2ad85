package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/heed-dev/heed/store/embedded"
)

// TestHelperHeed is heed's main in a child process, for the crash tests: it runs only when
// HEED_HELPER=1, with heed's arguments after "--".
func TestHelperHeed(t *testing.T) {
	if os.Getenv("HEED_HELPER") != "1" {
		t.Skip("a helper for the crash tests")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Exit(run(context.Background(), args, os.Stdin, os.Stdout, os.Stderr))
}

func heedProcess(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestHelperHeed$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "HEED_HELPER=1")
	return cmd
}

// stored is what a data directory holds at the end: each request of the job's last run with its
// sightings count, and each result.
func stored(t *testing.T, data string) (requests map[string]int, results map[string]string) {
	t.Helper()
	st, err := embedded.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	runs, err := st.Runs(ctx, "nightly", 0)
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs: %v %v", runs, err)
	}
	last := runs[0]
	reqs, err := st.RunRequests(ctx, last.ID)
	if err != nil {
		t.Fatal(err)
	}
	sightings, err := st.RunSightings(ctx, last.ID)
	if err != nil {
		t.Fatal(err)
	}
	requests = map[string]int{}
	for _, r := range reqs {
		requests[r.Key] = len(sightings[r.Key])
	}
	res, err := st.Results(ctx, last.ID)
	if err != nil {
		t.Fatal(err)
	}
	results = map[string]string{}
	for k, r := range res {
		results[k] = fmt.Sprintf("%v %s %s", r.Gap, r.GapKind, r.URL)
	}
	return requests, results
}

// TestKillAnywhereLosesNothing: `heed run` is killed with SIGKILL at points spread over its whole run
// (crawl, matching, report); the next run on the same data directory completes the work, and the store
// ends with exactly the requests, sightings and results of an uninterrupted run: nothing lost, nothing
// twice.
func TestKillAnywhereLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	var seeds []string
	for i := range 40 {
		seeds = append(seeds, fmt.Sprintf("lark topic %02d", i))
	}
	suggest := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(15 * time.Millisecond) // a crawl that lasts long enough to be killed in
		q := r.URL.Query().Get("q")
		w.Header().Set("Content-Type", "application/x-suggestions+json")
		fmt.Fprintf(w, `[%q, [%q, %q, %q]]`, q, q+" battery", q+" price", "lark charger")
	}))
	defer suggest.Close()
	dir := t.TempDir()
	pages := writeFile(t, dir, "pages.jsonl", pagesJSONL)
	args := func(data string) []string {
		cfg := fmt.Sprintf(`sources:
  - kind: opensearch
    base: "%s/complete?q={q}"
seeds: [%s]
crawl: {delay: 1ms, parallel: 2, workers: 2}
organisation: {pages: %q}
`, suggest.URL, strings.Join(seeds, ", "), pages)
		os.MkdirAll(data, 0o755)
		path := filepath.Join(data, "heed.yaml")
		os.WriteFile(path, []byte(cfg), 0o644)
		return []string{"run", "-c", path, "--data", filepath.Join(data, "store"), "--out", filepath.Join(data, "out"), "--log-level", "error"}
	}
	// The reference: one uninterrupted run.
	ref := filepath.Join(dir, "ref")
	start := time.Now()
	if out, err := heedProcess(args(ref)...).CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	took := time.Since(start)
	wantReqs, wantRes := stored(t, filepath.Join(ref, "store"))
	if len(wantReqs) < 80 {
		t.Fatalf("the reference run stored only %d requests", len(wantReqs))
	}

	points := 20
	var killed, finishedFirst int
	for i := range points {
		data := filepath.Join(dir, fmt.Sprintf("crash%02d", i))
		cmd := heedProcess(args(data)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Spread the kills over the whole run, the process start included.
		time.Sleep(took * time.Duration(i+1) / time.Duration(points+1))
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			killed++
		}
		if err := cmd.Wait(); err == nil {
			finishedFirst++
		}
		if out, err := heedProcess(args(data)...).CombinedOutput(); err != nil {
			t.Fatalf("crash point %d: the next run failed: %v\n%s", i, err, out)
		}
		gotReqs, gotRes := stored(t, filepath.Join(data, "store"))
		if !mapsEqual(wantReqs, gotReqs) || !mapsEqual(wantRes, gotRes) {
			t.Errorf("crash point %d (%s in): %d requests and %d results, want %d and %d; lost or doubled: %v", i,
				took*time.Duration(i+1)/time.Duration(points+1), len(gotReqs), len(gotRes), len(wantReqs), len(wantRes), diffKeys(wantReqs, gotReqs))
		}
		if _, err := os.Stat(filepath.Join(data, "out", "gaps.json")); err != nil {
			t.Errorf("crash point %d: no report after the next run: %v", i, err)
		}
	}
	t.Logf("%d crash points tried (%d killed mid-run, %d had finished); uninterrupted run %s; %d requests, %d results each; data lost: none",
		points, killed-finishedFirst, finishedFirst, took.Round(time.Millisecond), len(wantReqs), len(wantRes))
}

func mapsEqual[V comparable](a, b map[string]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func diffKeys[V comparable](want, got map[string]V) []string {
	var out []string
	for k, v := range want {
		if w, ok := got[k]; !ok || w != v {
			out = append(out, fmt.Sprintf("%s: %v→%v", k, v, w))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			out = append(out, "+"+k)
		}
	}
	slices.Sort(out)
	if len(out) > 5 {
		out = append(out[:5], "…")
	}
	return out
}

package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed/crawler"
)

// heedRunFor runs the command line with a deadline, so that a config wrongly accepted by serve cannot
// hang the test.
func heedRunFor(t *testing.T, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &out, &errb)
	return code, errb.String()
}

// TestBadConfigsExitUsage: every bad config of config/testdata (those the config package rejects and
// those only cmd/heed can judge: schedules, source kinds and options) makes every command that loads a
// config exit 2 with the exact error of its .err file, naming the file, the line, the key and what is
// allowed.
func TestBadConfigsExitUsage(t *testing.T) {
	var files []string
	for _, dir := range []string{"bad", "bad-cmd"} {
		fs, err := filepath.Glob(filepath.Join("..", "..", "config", "testdata", dir, "*.yaml"))
		if err != nil || len(fs) == 0 {
			t.Fatalf("no bad configs in %s: %v", dir, err)
		}
		files = append(files, fs...)
	}
	for _, file := range files {
		golden, err := os.ReadFile(strings.TrimSuffix(file, ".yaml") + ".err")
		if err != nil {
			t.Fatal(err)
		}
		// The .err files name the file relative to config/; here it is named as given to -c.
		rel := filepath.ToSlash(strings.TrimPrefix(file, filepath.Join("..", "..", "config")+string(filepath.Separator)))
		want := strings.ReplaceAll(strings.TrimSpace(string(golden)), rel, file)
		name := filepath.Base(filepath.Dir(file)) + "/" + filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			tmp := t.TempDir()
			for _, args := range [][]string{
				{"run", "-c", file, "--data", tmp, "--out", tmp},
				{"serve", "-c", file, "--data", tmp, "--listen", "127.0.0.1:0"},
				{"classify", "-c", file},
			} {
				code, errs := heedRunFor(t, args...)
				if code != exitUsage || errs != "heed "+args[0]+": "+want+"\n" {
					t.Errorf("heed %s: code %d, stderr:\n%s\nwant 2 and:\nheed %s: %s", args[0], code, errs, args[0], want)
				}
			}
		})
	}
}

// TestRunRejectsHugeWorkers is the defect: crawl.workers: 100000000 grew a run to 23 GB; now it is a
// usage error naming the key, its line and the range, before anything is opened or fetched.
func TestRunRejectsHugeWorkers(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "requests.txt", "lark battery\n")
	cfg := writeFile(t, dir, "heed.yaml", "sources:\n  - kind: requests\n    base: requests.txt\ncrawl:\n  delay: 1ms\n  workers: 100000000\n")
	code, errs := heedRunFor(t, "run", "-c", cfg)
	want := "heed run: " + cfg + ":6: crawl.workers: 100000000 is out of range: want 1 to 256, or 0 for the default\n"
	if code != exitUsage || errs != want {
		t.Errorf("code %d, stderr %q; want 2 and %q", code, errs, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "heed-data")); !os.IsNotExist(err) {
		t.Errorf("the store was created before the config was checked: %v", err)
	}
}

// TestRunAndServeAgreeOnSchedules: a schedule heed serve would refuse is refused by heed run too, with
// the same message, and one serve accepts is accepted by run.
func TestRunAndServeAgreeOnSchedules(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "requests.txt", "lark battery\n")
	writeFile(t, dir, "pages.jsonl", pagesJSONL)
	for _, tc := range []struct{ schedule, want string }{
		{"0 3 * *", `jobs[0].schedule: "0 3 * *" is not a schedule: expected exactly 5 fields, found 4: [0 3 * *]`},
		{"@every 59s", `jobs[0].schedule: "@every 59s" runs too often: want @every 1m or longer`},
		{"@hourly", ""},
		{"30 2 * * 1-5", ""},
		{"@every 1m", ""},
	} {
		cfg := writeFile(t, dir, "heed.yaml", "organisation: {pages: pages.jsonl}\nsources:\n  - kind: requests\n    base: requests.txt\njobs:\n  - name: nightly\n    schedule: \""+tc.schedule+"\"\n")
		for _, cmd := range []string{"run", "serve"} {
			args := []string{cmd, "-c", cfg}
			if cmd == "serve" && tc.want == "" {
				continue // a good schedule would start the server
			}
			if cmd == "serve" {
				args = append(args, "--listen", "127.0.0.1:0")
			}
			code, errs := heedRunFor(t, args...)
			if tc.want == "" {
				if code != 0 {
					t.Errorf("%s with schedule %q: code %d: %s", cmd, tc.schedule, code, errs)
				}
				continue
			}
			if code != exitUsage || !strings.Contains(errs, cfg+":7: "+tc.want) {
				t.Errorf("%s with schedule %q: code %d, stderr %q; want 2 and %q", cmd, tc.schedule, code, errs, tc.want)
			}
		}
	}
}

// TestSourceFlagOptions: a numeric option out of range on a -source flag is a usage error too.
func TestSourceFlagOptions(t *testing.T) {
	dir := t.TempDir()
	code, errs := heedRunFor(t, "run", "--data", dir, "--out", dir, "--source", "wikipedia;limit=100000")
	want := `heed run: -source "wikipedia;limit=100000": option limit: 100000 is out of range: want a whole number from 1 to 500` + "\n"
	if code != exitUsage || errs != want {
		t.Errorf("code %d, stderr %q; want 2 and %q", code, errs, want)
	}
}

// TestSourceNumbersMatchBuilders keeps the table of numeric source options in step with the sources
// themselves: every value in range builds, and the sources that check a range check the same one.
func TestSourceNumbersMatchBuilders(t *testing.T) {
	fetch, err := crawler.NewFetcher(crawler.FetchConfig{}, slog.New(slog.DiscardHandler), crawler.NewMetrics(prometheus.NewRegistry()))
	if err != nil {
		t.Fatal(err)
	}
	deps := sourceDeps{fetch: fetch, log: slog.New(slog.DiscardHandler)}
	bases := map[string]crawler.Spec{
		"stackexchange": {Options: map[string]string{"site": "superuser"}},
		"discourse":     {Base: "https://forum.example.com/"},
		"html":          {Base: "https://forum.example.com/list", Options: map[string]string{"item": ".question"}},
		"helpdesk":      {Base: filepath.Join("..", "..", "crawler", "imports", "testdata", "helpdesk", "zendesk.json"), Options: map[string]string{"format": "zendesk"}},
	}
	kinds := sourceKinds()
	for kind, opts := range sourceNumbers {
		build, ok := kinds[kind]
		if !ok {
			t.Errorf("sourceNumbers names kind %q, which heed does not crawl", kind)
			continue
		}
		for key, r := range opts {
			for _, v := range []int{r.min - 1, r.min, r.max, r.max + 1} {
				spec := bases[kind]
				spec.Kind, spec.Options = kind, map[string]string{key: strconv.Itoa(v)}
				for k, o := range bases[kind].Options {
					spec.Options[k] = o
				}
				_, berr := build(spec, deps)
				cerr := checkSourceOptions(spec)
				in := v >= r.min && v <= r.max
				if in && (berr != nil || cerr != nil) {
					t.Errorf("%s %s=%d is in range %d..%d: build %v, check %v", kind, key, v, r.min, r.max, berr, cerr)
				}
				if !in && cerr == nil {
					t.Errorf("%s %s=%d is out of range %d..%d but passed the check", kind, key, v, r.min, r.max)
				}
				if !in && berr == nil && !r.onlyHere {
					t.Errorf("%s %s=%d: the source accepts it; its range is not %d..%d (or mark the range onlyHere)", kind, key, v, r.min, r.max)
				}
			}
		}
	}
}

// The flags that stand for bounded settings are bounded the same way: heed crawl --workers and --delay,
// a source's numeric options given on the command line, heed serve --listen.
func TestFlagsAreBoundedLikeTheConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"crawl workers", []string{"crawl", "--workers", "100000000", "--source", "wikipedia=http://127.0.0.1:9", "--seed", "x"}, "-workers 100000000 is out of range: want 1 to 256"},
		{"crawl delay", []string{"crawl", "--delay", "3h", "--source", "wikipedia=http://127.0.0.1:9", "--seed", "x"}, "-delay 3h is out of range"},
		{"crawl source option", []string{"crawl", "--source", "wikipedia=http://127.0.0.1:9;limit=100000", "--seed", "x"}, "limit"},
		{"serve listen", []string{"serve", "--listen", "not an address", "--data", t.TempDir()}, "is not host:port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := heedRun(t, "", tc.args...)
			if code != exitUsage || !strings.Contains(errs, tc.want) {
				t.Errorf("heed %v: code %d, stderr %q; want %d naming %q", tc.args, code, errs, exitUsage, tc.want)
			}
		})
	}
}

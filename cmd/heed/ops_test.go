package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed/ops"
	"github.com/heed-dev/heed/store"
	"github.com/heed-dev/heed/store/embedded"
)

// TestRunHandsMetricsOver: a short-lived `heed run` writes its metrics to a node_exporter textfile and
// pushes them to a Pushgateway, as the config says.
func TestRunHandsMetricsOver(t *testing.T) {
	var mu sync.Mutex
	var pushes []string
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		pushes = append(pushes, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type")+" "+string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer gw.Close()
	dir := t.TempDir()
	writeFile(t, dir, "pages.jsonl", pagesJSONL)
	writeFile(t, dir, "requests.txt", "how long to charge a lark battery\nlark child seat\n")
	cfg := writeFile(t, dir, "heed.yaml", `organisation: {name: Lark, pages: pages.jsonl}
sources:
  - kind: requests
    base: requests.txt
metrics:
  textfile: textfile/heed.prom
  pushgateway: `+gw.URL+`
`)
	if code, _, errs := heedRun(t, "", "run", "-c", cfg, "--log-level", "warn"); code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "textfile", "heed.prom"))
	if err != nil {
		t.Fatalf("textfile: %v", err)
	}
	for _, want := range []string{`heed_requests{heed_job="nightly",intent="all"} 2`, "heed_run_last_success_timestamp_seconds", "heed_crawl_units_total"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("textfile lacks %s", want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(pushes) != 1 || !strings.HasPrefix(pushes[0], "PUT /metrics/job/heed") || !strings.Contains(pushes[0], "heed_coverage_ratio") {
		t.Errorf("pushes %q", pushes)
	}
	// A Pushgateway that is down is logged, not fatal: the run did its work.
	gw.Close()
	if code, _, errs := heedRun(t, "", "run", "-c", cfg); code != 0 || !strings.Contains(errs, "metrics not pushed") {
		t.Errorf("with the Pushgateway down: code %d, %q", code, errs)
	}
}

// TestRunRefusedWhileTheJobRuns: a second `heed run` of a job whose run is going exits 1 and says who
// holds it.
func TestRunRefusedWhileTheJobRuns(t *testing.T) {
	dir := t.TempDir()
	pages := writeFile(t, dir, "pages.jsonl", pagesJSONL)
	reqs := writeFile(t, dir, "requests.txt", "lark child seat\n")
	data := filepath.Join(dir, "data")
	l, err := ops.AcquireLock(data, "nightly", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs := heedRun(t, "", "run", "--data", data, "--source", "requests="+reqs, "--pages", pages, "--out", filepath.Join(dir, "out"))
	if code != exitFail || !strings.Contains(errs, "running in another process") || !strings.Contains(errs, "process ") {
		t.Errorf("while locked: code %d, %q", code, errs)
	}
	l.Release()
	if code, _, errs := heedRun(t, "", "run", "--data", data, "--source", "requests="+reqs, "--pages", pages, "--out", filepath.Join(dir, "out")); code != 0 {
		t.Errorf("after release: code %d, %q", code, errs)
	}
}

// TestElasticsearchUnreachable: a config whose cluster does not answer fails with a message saying so.
func TestElasticsearchUnreachable(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "requests.txt", "lark child seat\n")
	addr := freeAddr(t) // nothing listens there
	cfg := writeFile(t, dir, "heed.yaml", `sources:
  - kind: requests
    base: requests.txt
storage:
  kind: elasticsearch
  elasticsearch:
    addresses: ["http://`+addr+`"]
`)
	code, _, errs := heedRun(t, "", "run", "-c", cfg)
	if code != exitFail || !strings.Contains(errs, "cannot reach elasticsearch at http://"+addr) {
		t.Errorf("code %d, %q", code, errs)
	}
}

// TestShardsRunAsJobsOfTheirOwn: two workers splitting a job each run their shard under a name of its
// own, with its own lock, so both can run at once on one store.
func TestShardsRunAsJobsOfTheirOwn(t *testing.T) {
	dir := t.TempDir()
	pages := writeFile(t, dir, "pages.jsonl", pagesJSONL)
	reqs := writeFile(t, dir, "requests.txt", "lark child seat\n")
	data := filepath.Join(dir, "data")
	held, err := ops.AcquireLock(data, "nightly.shard1of2", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	code, stdout, errs := heedRun(t, "", "run", "--data", data, "--source", "requests="+reqs, "--pages", pages, "--out", filepath.Join(dir, "out"), "--shard", "1/2")
	if code != 0 || !strings.Contains(stdout, "(nightly.shard2of2)") {
		t.Errorf("shard 1/2 while shard 0/2 runs: code %d, %q %q", code, stdout, errs)
	}
	if code, _, errs := heedRun(t, "", "run", "--data", data, "--source", "requests="+reqs, "--pages", pages, "--shard", "0/2"); code != exitFail || !strings.Contains(errs, "nightly.shard1of2") {
		t.Errorf("shard 0/2 twice: code %d, %q", code, errs)
	}
}

// TestHostileInputToRun: requests and pages carrying HTML, script, formulas and a javascript: url go
// through `heed run`: it exits 0, skips and counts the page, and the report holds them only as inert text.
func TestHostileInputToRun(t *testing.T) {
	dir := t.TempDir()
	pages := writeFile(t, dir, "pages.jsonl", pagesJSONL+
		`{"url": "javascript:alert(1)", "title": "Evil", "body": "click me"}`+"\n"+
		`{"url": "https://h.example/evil", "title": "<script>alert('page')</script> Lark battery care", "body": "<img src=x onerror=alert(2)> keep the battery warm", "type": "guide"}`+"\n")
	reqs := writeFile(t, dir, "requests.txt", "<script>alert('req')</script> lark battery care\n=HYPERLINK(\"http://evil.example\",\"x\")\n@SUM(1+1) lark tyres\n\xff\xfe lark charger\n")
	out := filepath.Join(dir, "out")
	code, _, errs := heedRun(t, "", "run", "--data", filepath.Join(dir, "data"), "--source", "requests="+reqs, "--pages", pages, "--out", out, "--log-level", "warn")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	for _, raw := range []string{"<script>alert", "<img src=x", `href="javascript:`} {
		if strings.Contains(string(html), raw) {
			t.Errorf("report.html holds %q unescaped", raw)
		}
	}
	if !strings.Contains(string(html), "&lt;script&gt;alert(&#39;req&#39;)") {
		t.Error("the hostile request is not shown as text")
	}
	csv, _ := os.ReadFile(filepath.Join(out, "gaps.csv"))
	if strings.Contains(string(csv), ",=HYPERLINK") || strings.Contains(string(csv), ",@SUM") {
		t.Errorf("gaps.csv holds a live formula:\n%s", csv)
	}
	r := readReport(t, out)
	if r.Summary.PagesSkipped != 2 {
		t.Errorf("pages skipped %d, want 2: pagesJSONL's own bad line and the javascript: page", r.Summary.PagesSkipped)
	}
	for _, p := range r.Pages {
		if strings.HasPrefix(p.URL, "javascript:") {
			t.Error("the javascript: page was kept")
		}
	}
}

// TestNoSecretsInLogsOrMetrics: the review credentials of the config never reach the logs, the metrics
// or the pages, whatever the log level.
func TestNoSecretsInLogsOrMetrics(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "pages.jsonl", pagesJSONL)
	writeFile(t, dir, "requests.txt", "lark child seat\nhow long to charge a lark battery\n")
	cfg := writeFile(t, dir, "heed.yaml", `organisation: {name: Lark, pages: pages.jsonl}
sources:
  - kind: requests
    base: requests.txt
serve:
  review_user: ana
  review_password: pw-SECRET-456
  review_token: rt-SECRET-123
`)
	code, stdout, errs := heedRun(t, "", "run", "-c", cfg, "--log-level", "debug")
	if code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	addr := freeAddr(t)
	ctx, stop := context.WithCancel(context.Background())
	var serveErr strings.Builder
	done := make(chan int, 1)
	go func() {
		var out strings.Builder
		done <- run(ctx, []string{"serve", "-c", cfg, "--listen", addr, "--log-level", "debug"}, strings.NewReader(""), &out, &serveErr)
	}()
	waitFor(t, "http://"+addr+"/readyz", 20*time.Second)
	var bodies []string
	for _, p := range []string{"/metrics", "/review/", "/review/login", "/healthz", "/api/respond?q=lark"} {
		res, err := http.Get("http://" + addr + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		bodies = append(bodies, string(b))
	}
	stop()
	<-done
	for _, where := range append([]string{stdout, errs, serveErr.String()}, bodies...) {
		for _, secret := range []string{"pw-SECRET-456", "rt-SECRET-123"} {
			if strings.Contains(where, secret) {
				t.Errorf("a secret leaked: %q in %.200q", secret, where)
			}
		}
	}
}

// seriesValue is the value of one series in a /metrics body, given as its name and labels exactly as
// exposed; ok is false when the body lacks it.
func seriesValue(body, series string) (v float64, ok bool) {
	for _, line := range strings.Split(body, "\n") {
		if rest, found := strings.CutPrefix(line, series+" "); found {
			f, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return f, err == nil
		}
	}
	return 0, false
}

// TestServeFollowsRunsOfAnotherProcess: `heed serve` and cron's `heed run` share a data directory. A run
// the other process finishes shows on serve's /metrics within seconds: its finish time and its counts,
// which the dashboards and the 26-hour alert read.
func TestServeFollowsRunsOfAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("runs heed in a child process")
	}
	dir := t.TempDir()
	writeFile(t, dir, "pages.jsonl", pagesJSONL)
	writeFile(t, dir, "requests.txt", "how long to charge a lark battery\nlark child seat\n")
	cfg := writeFile(t, dir, "heed.yaml", `organisation: {name: Lark, pages: pages.jsonl}
sources:
  - kind: requests
    base: requests.txt
storage: {data: data}
`)
	data := filepath.Join(dir, "data")
	if code, _, errs := heedRun(t, "", "run", "-c", cfg, "--log-level", "warn"); code != 0 {
		t.Fatalf("first run: %d %s", code, errs)
	}
	first := lastRun(t, data)

	addr := freeAddr(t)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var serveOut, serveErr strings.Builder
	go func() {
		done <- run(ctx, []string{"serve", "-c", cfg, "--listen", addr, "--log-level", "warn"}, strings.NewReader(""), &serveOut, &serveErr)
	}()
	defer func() {
		stop()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, serveErr.String())
		}
	}()
	waitFor(t, "http://"+addr+"/readyz", 30*time.Second)
	scrape := func() string {
		t.Helper()
		res, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	const (
		finished = `heed_run_last_finished_timestamp_seconds{heed_job="nightly"}`
		requests = `heed_requests{heed_job="nightly",intent="all"}`
	)
	if v, _ := seriesValue(scrape(), finished); v != float64(first.Finished.Unix()) {
		t.Fatalf("before the second run, %s = %v, want %d", finished, v, first.Finished.Unix())
	}

	// The second run: another process, as cron starts it, with a third request, finishing in a later second
	// (the gauge has a second's precision).
	time.Sleep(time.Until(first.Finished.Truncate(time.Second).Add(time.Second)))
	writeFile(t, dir, "requests.txt", "how long to charge a lark battery\nlark child seat\nlark brake cable loose\n")
	scrapes := runElsewhere(t, scrape, finished, "run", "-c", cfg, "--log-level", "warn")
	second := lastRun(t, data)
	if second.ID == first.ID || second.Finished.Unix() <= first.Finished.Unix() {
		t.Fatalf("the second run (%d, finished %s) is not after the first (%d, %s)", second.ID, second.Finished, first.ID, first.Finished)
	}
	want := map[string]float64{finished: float64(second.Finished.Unix()), requests: float64(second.Stats.Requests)}
	deadline := time.Now().Add(15 * time.Second)
	for {
		body := scrape()
		got := map[string]float64{}
		for series := range want {
			got[series], _ = seriesValue(body, series)
		}
		if cmp.Equal(got, want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("15 s after the other process's run, /metrics (-want +got):\n%s", cmp.Diff(want, got))
		}
		time.Sleep(250 * time.Millisecond)
	}
	if v, ok := seriesValue(scrape(), "heed_metrics_refresh_failures_total"); !ok || v != 0 {
		t.Errorf("heed_metrics_refresh_failures_total = %v (%v), want 0 after %d scrapes during the other run", v, ok, scrapes)
	}
}

// runElsewhere runs heed with args in a child process and, while it runs (holding the job's lock, writing
// the store), scrapes serve: each scrape must answer within 3 s and hold series. It returns the number of
// scrapes.
func runElsewhere(t *testing.T, scrape func() string, series string, args ...string) int {
	t.Helper()
	cmd := heedProcess(args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for scrapes := 0; ; scrapes++ {
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("heed %s in another process: %v\n%s", strings.Join(args, " "), err, out.String())
			}
			return scrapes
		default:
			start := time.Now()
			body := scrape()
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("a scrape during the other run took %s", d)
			}
			if _, ok := seriesValue(body, series); !ok {
				t.Errorf("a scrape during the other run lacks %s", series)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// lastRun reads the last finished run of the nightly job in data, through a store handle of its own.
func lastRun(t *testing.T, data string) store.Run {
	t.Helper()
	st, err := embedded.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runs, err := st.Runs(context.Background(), "nightly", 1)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs of nightly: %v %v", runs, err)
	}
	return runs[0]
}

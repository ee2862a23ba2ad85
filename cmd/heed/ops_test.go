package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heed-dev/heed/ops"
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

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/heed-dev/heed/ops"
	"github.com/heed-dev/heed/store"
	"github.com/heed-dev/heed/store/embedded"
)

// alertsFile is the shipped alerting rules.
var alertsFile = filepath.Join("..", "..", "ops", "alerts", "heed.rules.yml")

// prometheusAndServe returns a Prometheus that scrapes a `heed serve` of the demo's stored data, that
// serve's URL, and the demo's data directory. In CI, .ci/run starts both and says where
// (HEED_PROMETHEUS_URL, HEED_SERVE_URL; data is "" then); elsewhere the test starts them itself when
// Debian's prometheus is installed, and skips otherwise (fails under HEED_REQUIRE_PROMETHEUS=1).
func prometheusAndServe(t *testing.T) (promURL, serveURL, data string) {
	t.Helper()
	if p, s := os.Getenv("HEED_PROMETHEUS_URL"), os.Getenv("HEED_SERVE_URL"); p != "" && s != "" {
		return p, s, ""
	}
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		if os.Getenv("HEED_REQUIRE_PROMETHEUS") == "1" {
			t.Fatal("HEED_REQUIRE_PROMETHEUS=1 but neither HEED_PROMETHEUS_URL nor a prometheus binary is available (apt-get install prometheus)")
		}
		t.Skip("no Prometheus: install Debian's prometheus package, or set HEED_PROMETHEUS_URL and HEED_SERVE_URL")
	}
	dir := t.TempDir()
	demoDir := filepath.Join(dir, "demo")
	if code, _, errs := heedRun(t, "", "demo", "--out", demoDir); code != 0 {
		t.Fatalf("heed demo: %d %s", code, errs)
	}
	serveAddr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan int, 1)
	go func() {
		var out, errb bytes.Buffer
		served <- run(ctx, []string{"serve", "-c", filepath.Join(demoDir, "heed.yaml"), "--listen", serveAddr, "--log-level", "warn"}, strings.NewReader(""), &out, &errb)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-served:
			if code != 0 {
				t.Errorf("heed serve exited %d after SIGTERM-like shutdown", code)
			}
		case <-time.After(15 * time.Second):
			t.Error("heed serve did not stop")
		}
	})
	serveURL = "http://" + serveAddr
	waitFor(t, serveURL+"/readyz", 30*time.Second)

	rules, err := filepath.Abs(alertsFile)
	if err != nil {
		t.Fatal(err)
	}
	promAddr := freeAddr(t)
	cfg := filepath.Join(dir, "prometheus.yml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [%q]
scrape_configs:
  - job_name: heed
    static_configs:
      - targets: [%q]
`, rules, serveAddr)), 0o644)
	cmd := exec.Command(bin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		"--web.listen-address="+promAddr, "--log.level=warn")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("prometheus log:\n%s", logs.String())
		}
	})
	promURL = "http://" + promAddr
	waitFor(t, promURL+"/-/ready", 60*time.Second)
	return promURL, serveURL, filepath.Join(demoDir, "data")
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitFor(t *testing.T, u string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		res, err := http.Get(u)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %s: %v", u, d, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// promQuery runs an instant query; it returns the number of series and an error when the query does not
// parse or fails.
func promQuery(promURL, expr string) (int, error) {
	series, err := promSeries(promURL, expr)
	return len(series), err
}

// sample is one series of an instant query's result, with its value.
type sample struct {
	Metric map[string]string
	Value  float64
}

// promSeries runs an instant query and returns its series; a scalar is one series without labels.
func promSeries(promURL, expr string) ([]sample, error) {
	res, err := http.Get(promURL + "/api/v1/query?query=" + url.QueryEscape(expr))
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var body struct {
		Status    string `json:"status"`
		ErrorType string `json:"errorType"`
		Error     string `json:"error"`
		Data      struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return nil, err
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("%s: %s", body.ErrorType, body.Error)
	}
	var raw []struct {
		Metric map[string]string `json:"metric"`
		Value  [2]any            `json:"value"`
	}
	if body.Data.ResultType == "scalar" {
		var v [2]any
		if err := json.Unmarshal(body.Data.Result, &v); err != nil {
			return nil, err
		}
		raw = append(raw, struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		}{Value: v})
	} else if err := json.Unmarshal(body.Data.Result, &raw); err != nil {
		return nil, fmt.Errorf("%s result: %w", body.Data.ResultType, err)
	}
	out := make([]sample, len(raw))
	for i, r := range raw {
		s, _ := r.Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("value %v: %w", r.Value[1], err)
		}
		out[i] = sample{Metric: r.Metric, Value: v}
	}
	return out, nil
}

// grafanaVars replaces the dashboards' variables as Grafana would.
var grafanaVars = strings.NewReplacer(`$__rate_interval`, `1m`, `$job`, `.*`)

// TestPrometheusRunsEveryDashboardAndAlert: every PromQL expression of every dashboard panel and alert
// rule is run against a real Prometheus scraping `heed serve` on the demo's stored data: each parses and
// runs, the coverage, gaps, crawl and freshness panels return data, and so do most others.
func TestPrometheusRunsEveryDashboardAndAlert(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Prometheus")
	}
	promURL, serveURL, data := prometheusAndServe(t)
	waitForScrape(t, promURL)
	checkDashboards(t, promURL)
	checkAlertRules(t, promURL)
	checkServedMetrics(t, serveURL)
	checkTopicsReplaced(t, promURL, data)
}

// waitForScrape waits until Prometheus has scraped heed at least once.
func waitForScrape(t *testing.T, promURL string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		n, err := promQuery(promURL, `heed_coverage_ratio{intent="all"}`)
		if err == nil && n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prometheus has no heed_coverage_ratio after 60s (%d series, %v)", n, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// checkDashboards runs every dashboard panel's expressions: each must run, the panels that must have
// data have some, and so do at least half.
func checkDashboards(t *testing.T, promURL string) {
	t.Helper()
	mustHaveData := map[string]bool{"Coverage": true, "Open gaps": true, "Coverage over time by intent": true,
		"Open gaps by intent and kind": true, "Requests by source": true, "Crawl units by source and result": true,
		"Hours since last successful run": true, "Last run status": true, "Next scheduled start": true}
	var panels, withData int
	for _, d := range ops.Dashboards {
		for _, p := range d.Panels {
			panels++
			has := false
			for _, tg := range p.Targets {
				expr := grafanaVars.Replace(tg.Expr)
				series, err := promSeries(promURL, expr)
				if err != nil {
					t.Errorf("%s / %s: %q does not run: %v", d.Title, p.Title, expr, err)
					continue
				}
				has = has || len(series) > 0
				checkShown(t, d.Title+" / "+p.Title, p, tg, series)
			}
			if has {
				withData++
			} else if mustHaveData[p.Title] {
				t.Errorf("%s / %s returns no data", d.Title, p.Title)
			}
			delete(mustHaveData, p.Title)
		}
	}
	for title := range mustHaveData {
		t.Errorf("no panel %q in the dashboards", title)
	}
	t.Logf("%d of %d panels return data from the demo's stored run", withData, panels)
	if withData*2 < panels {
		t.Errorf("only %d of %d panels return data", withData, panels)
	}
}

// checkAlertRules runs every alert rule's expression: each must run.
func checkAlertRules(t *testing.T, promURL string) {
	t.Helper()
	b, err := os.ReadFile(alertsFile)
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Rules []struct{ Alert, Expr string } `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(b, &rules); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			n++
			if _, err := promQuery(promURL, r.Expr); err != nil {
				t.Errorf("alert %s: %q does not run: %v", r.Alert, r.Expr, err)
			}
		}
	}
	if n == 0 {
		t.Error("no alert rules")
	}
}

// checkServedMetrics runs promtool check metrics on what heed serves, when promtool is installed.
func checkServedMetrics(t *testing.T, serveURL string) {
	t.Helper()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("HEED_REQUIRE_PROMETHEUS") == "1" {
			t.Fatal("promtool is not installed")
		}
		return
	}
	res, err := http.Get(serveURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

var legendLabel = regexp.MustCompile(`\{\{\s*([a-zA-Z_]+)\s*\}\}`)

// checkShown: each series a panel's query returns has every label its legend names, and a value it maps,
// when it maps values (a status shown as its name).
func checkShown(t *testing.T, where string, p ops.Panel, tg ops.Target, series []sample) {
	t.Helper()
	mapped := map[float64]bool{}
	for _, m := range p.Mappings {
		mapped[m.Value] = true
	}
	for _, s := range series {
		for _, m := range legendLabel.FindAllStringSubmatch(tg.Legend, -1) {
			if s.Metric[m[1]] == "" {
				t.Errorf("%s: legend %q names %s, which series %v lacks", where, tg.Legend, m[1], s.Metric)
			}
		}
		if len(mapped) > 0 && !mapped[s.Value] {
			t.Errorf("%s: value %v of %v is none of the mapped values %v", where, s.Value, s.Metric, p.Mappings)
		}
	}
}

// checkTopicsReplaced: when a newer run finishes on the store (here through a store handle of its own, as
// another process's `heed run` would), the top gap topics panel shows its topics only, by their labels:
// not those of the run before, which no longer are in the top ten. Skipped when CI started serve (data
// is "").
func checkTopicsReplaced(t *testing.T, promURL, data string) {
	t.Helper()
	if data == "" {
		return
	}
	var expr string
	for _, d := range ops.Dashboards {
		for _, p := range d.Panels {
			for _, tg := range p.Targets {
				if strings.Contains(tg.Expr, "heed_gap_topic_demand") {
					expr = grafanaVars.Replace(tg.Expr)
				}
			}
		}
	}
	if expr == "" {
		t.Fatal("no dashboard panel shows heed_gap_topic_demand")
	}
	if series, err := promSeries(promURL, expr); err != nil || len(series) == 0 {
		t.Fatalf("the demo's topics: %v %v", series, err)
	}
	ctx := context.Background()
	st, err := embedded.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runs, err := st.Runs(ctx, "nightly", 1)
	if err != nil || len(runs) != 1 {
		t.Fatalf("the demo's run: %v %v", runs, err)
	}
	next, _, err := st.BeginRun(ctx, "nightly", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	next.Status, next.Finished, next.Stats = store.StatusOK, time.Now(), runs[0].Stats
	next.Stats.TopTopics = []store.TopicStat{{Key: "newer run topic", Label: "a question of the newer run", Requests: 1, Demand: 2}}
	if err := st.FinishRun(ctx, next); err != nil {
		t.Fatal(err)
	}
	want := []map[string]string{{"rank": "1", "topic": "newer run topic", "label": "a question of the newer run"}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		series, err := promSeries(promURL, expr)
		var got []map[string]string
		for _, s := range series {
			got = append(got, s.Metric)
		}
		if err == nil && cmp.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("30 s after a newer run, %q returns (-want +got, %v):\n%s", expr, err, cmp.Diff(want, got))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

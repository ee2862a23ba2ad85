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
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/heed-dev/heed/ops"
)

// alertsFile is the shipped alerting rules.
var alertsFile = filepath.Join("..", "..", "ops", "alerts", "heed.rules.yml")

// prometheusAndServe returns a Prometheus that scrapes a `heed serve` of the demo's stored data, and
// that serve's URL. In CI, .ci/run starts both and says where (HEED_PROMETHEUS_URL, HEED_SERVE_URL);
// elsewhere the test starts them itself when Debian's prometheus is installed, and skips otherwise
// (fails under HEED_REQUIRE_PROMETHEUS=1).
func prometheusAndServe(t *testing.T) (promURL, serveURL string) {
	t.Helper()
	if p, s := os.Getenv("HEED_PROMETHEUS_URL"), os.Getenv("HEED_SERVE_URL"); p != "" && s != "" {
		return p, s
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
	return promURL, serveURL
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
	res, err := http.Get(promURL + "/api/v1/query?query=" + url.QueryEscape(expr))
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	var body struct {
		Status    string `json:"status"`
		ErrorType string `json:"errorType"`
		Error     string `json:"error"`
		Data      struct {
			ResultType string            `json:"resultType"`
			Result     []json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return 0, err
	}
	if body.Status != "success" {
		return 0, fmt.Errorf("%s: %s", body.ErrorType, body.Error)
	}
	if body.Data.ResultType == "scalar" {
		return 1, nil
	}
	return len(body.Data.Result), nil
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
	promURL, serveURL := prometheusAndServe(t)
	waitForScrape(t, promURL)
	checkDashboards(t, promURL)
	checkAlertRules(t, promURL)
	checkServedMetrics(t, serveURL)
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
				n, err := promQuery(promURL, expr)
				if err != nil {
					t.Errorf("%s / %s: %q does not run: %v", d.Title, p.Title, expr, err)
					continue
				}
				has = has || n > 0
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

package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/config"
	"github.com/heed-dev/heed/crawler"
)

// faults are what the fault-injecting server does for each seed; seeds starting "good" answer well.
var faults = []string{"slow", "reset", "truncated", "storm5xx", "loop", "huge", "bomb", "badutf8",
	"wrongtype", "garbage"}

// faultServer plays an OpenSearch suggestion service that misbehaves on purpose.
func faultServer(t *testing.T) *httptest.Server {
	t.Helper()
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 256 { // 256 MB of zeros, about 250 KB compressed
		zw.Write(zeros)
	}
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("q")
		switch {
		case strings.HasPrefix(q, "good"):
			w.Header().Set("Content-Type", "application/x-suggestions+json")
			fmt.Fprintf(w, `[%q, [%q, %q]]`, q, q+" battery", q+" charger")
		case q == "slow":
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		case q == "reset":
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		case q == "truncated":
			w.Header().Set("Content-Length", "1000")
			w.Write([]byte(`["truncated", ["trunc`))
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
		case q == "storm5xx":
			w.WriteHeader(http.StatusServiceUnavailable)
		case q == "loop":
			http.Redirect(w, r, r.URL.String(), http.StatusFound)
		case q == "huge":
			w.Header().Set("Content-Type", "application/json")
			chunk := bytes.Repeat([]byte("x"), 1<<16)
			w.Write([]byte(`["huge", ["`))
			for range 800 { // 50 MB
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		case q == "bomb":
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Type", "application/json")
			w.Write(bomb.Bytes())
		case q == "badutf8":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("[\"badutf8\", [\"lark \xff\xfe battery\", \"fine suggestion\"]]"))
		case q == "wrongtype":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
		case q == "garbage":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"not": "an opensearch answer"`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

type memSink struct {
	mu    sync.Mutex
	found map[string][]heed.Sighting
}

func (s *memSink) Put(_ context.Context, u crawler.Unit, found []heed.Sighting) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.found[u.Seed] = append(s.found[u.Seed], found...)
	return nil
}

// TestCrawlSurvivesFaults: a crawl against a server that injects every fault completes, within bounded
// time and memory, with every good item, and counts each fault.
func TestCrawlSurvivesFaults(t *testing.T) {
	srv := faultServer(t)
	reg := prometheus.NewRegistry()
	cm := crawler.NewMetrics(reg)
	srcs := faultySources(t, srv.URL, cm)
	seeds := append([]string{}, faults...)
	for i := range 20 {
		seeds = append(seeds, fmt.Sprintf("good %d", i))
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	sink := &memSink{found: map[string][]heed.Sighting{}}
	start := time.Now()
	rep, err := (&crawler.Engine{Workers: 8, Metrics: cm}).Run(context.Background(), srcs, seeds, nil, sink)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("crawl: %v", err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if elapsed > 30*time.Second {
		t.Errorf("the crawl took %s", elapsed)
	}
	if after.TotalAlloc-before.TotalAlloc > 400<<20 {
		t.Errorf("the crawl allocated %d MB: a fault was read whole", (after.TotalAlloc-before.TotalAlloc)>>20)
	}
	checkGoodItems(t, sink)
	var sr crawler.SourceReport
	for _, x := range rep.Sources {
		if x.Name == "faulty" {
			sr = x
		}
	}
	if sr.OK < 21 || sr.Failed < len(faults)-2 {
		t.Errorf("units ok %d, failed %d; want the 20 good and badutf8 ok, the faults failed", sr.OK, sr.Failed)
	}
	reasons := faultReasons(t, reg)
	for _, x := range rep.Sources {
		t.Logf("%s: %d ok, %d failed, last error %s", x.Name, x.OK, x.Failed, x.LastError)
	}
	checkGivenUp(t, reg, len(seeds))
	var total float64
	for _, n := range reasons {
		total += n
	}
	t.Logf("%d faults injected; counted by reason %v; %d good units in %s, %d MB allocated", len(faults), reasons, sr.OK,
		elapsed.Round(time.Millisecond), (after.TotalAlloc-before.TotalAlloc)>>20)
	if int(total) < sr.Failed {
		t.Errorf("%d failed units but %v errors counted", sr.Failed, total)
	}
}

// faultySources are the sources of TestCrawlSurvivesFaults: "faulty", the fault server at url; and two
// services started here. "throttled" answers nothing but 429, "blocking" an HTML block page (a captcha):
// heed gives each up for the run, as a polite client must, and the first service's answers are not held
// up.
func faultySources(t *testing.T, url string, cm *crawler.Metrics) []crawler.Source {
	fetch, err := crawler.NewFetcher(crawler.FetchConfig{Timeout: 1500 * time.Millisecond, Retries: 2, RetryWaitMin: 10 * time.Millisecond,
		RetryWaitMax: 50 * time.Millisecond, MaxRetryAfter: 2 * time.Second, Parallel: 8, MaxBody: 1 << 20}, nil, cm)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := crawler.ParseSpec("opensearch=" + url + "/complete?q={q}")
	if err != nil {
		t.Fatal(err)
	}
	spec.Name = "faulty"
	storm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(storm.Close)
	block := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><head><title>Attention Required! | Cloudflare</title></head><body>Please complete the captcha to continue. Access denied.</body></html>`))
	}))
	t.Cleanup(block.Close)
	specs := []config.Source{config.Source(spec)}
	for name, u := range map[string]string{"throttled": storm.URL, "blocking": block.URL} {
		sp, err := crawler.ParseSpec("opensearch=" + u + "/complete?q={q}")
		if err != nil {
			t.Fatal(err)
		}
		sp.Name = name
		specs = append(specs, config.Source(sp))
	}
	srcs, err := buildSources(specs, sourceDeps{fetch: fetch, metrics: cm})
	if err != nil {
		t.Fatal(err)
	}
	return srcs
}

// checkGoodItems checks that every good seed's suggestions were found, and that invalid UTF-8 was
// repaired, not dropped.
func checkGoodItems(t *testing.T, sink *memSink) {
	t.Helper()
	for i := range 20 {
		seed := fmt.Sprintf("good %d", i)
		var texts []string
		for _, s := range sink.found[seed] {
			texts = append(texts, s.Text)
		}
		slices.Sort(texts)
		if want := []string{seed + " battery", seed + " charger"}; !slices.Equal(texts, want) {
			t.Errorf("%s: found %q, want %q", seed, texts, want)
		}
	}
	var repaired bool
	for _, s := range sink.found["badutf8"] {
		repaired = repaired || (strings.Contains(s.Text, "\uFFFD") && strings.Contains(s.Text, "battery"))
	}
	if !repaired {
		t.Errorf("badutf8: %+v", sink.found["badutf8"])
	}
}

// faultReasons counts the faulty source's errors by reason, and checks that the network, HTTP 5xx, parse
// and too-large faults were each counted.
func faultReasons(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	reasons := map[string]float64{}
	for _, r := range []string{"network", "http_4xx", "http_5xx", "rate_limited", "blocked", "parse", "too_large"} {
		reasons[r] = errorsCount(t, reg, "faulty", r)
	}
	for _, r := range []string{"network", "http_5xx", "parse", "too_large"} {
		if reasons[r] == 0 {
			t.Errorf("no %s fault counted: %v", r, reasons)
		}
	}
	return reasons
}

// checkGivenUp checks that every one of the n units of the throttled source was counted rate_limited,
// and every one of the blocking source's blocked or given up.
func checkGivenUp(t *testing.T, reg *prometheus.Registry, n int) {
	t.Helper()
	if got := errorsCount(t, reg, "throttled", "rate_limited"); got != float64(n) {
		t.Errorf("the 429 storm: %v units counted rate_limited, want all %d", got, n)
	}
	b := errorsCount(t, reg, "blocking", "blocked") + errorsCount(t, reg, "blocking", "rate_limited")
	if b != float64(n) || errorsCount(t, reg, "blocking", "blocked") == 0 {
		t.Errorf("the block page: %v units counted blocked or given up, want all %d", b, n)
	}
}

// errorsCount reads heed_crawl_source_errors_total{source, reason} from reg.
func errorsCount(t *testing.T, reg *prometheus.Registry, source, reason string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "heed_crawl_source_errors_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["source"] == source && labels["reason"] == reason {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

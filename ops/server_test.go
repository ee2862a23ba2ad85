package ops

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/heed-dev/heed/store"
)

// downStore is a store whose Ping fails.
type downStore struct{ store.Store }

func (downStore) Ping(context.Context) error { return errors.New("disk gone") }

func newTestServer(t *testing.T) (*Server, *prometheus.Registry, store.Store) {
	t.Helper()
	dir := t.TempDir()
	st := openStore(t, filepath.Join(dir, "data"))
	// A finished run in the store, as a nightly run left it.
	ctx := context.Background()
	run, _, err := st.BeginRun(ctx, "nightly", t0)
	if err != nil {
		t.Fatal(err)
	}
	run.Status, run.Finished = store.StatusOK, t0.Add(time.Minute)
	run.Stats = store.RunStats{Requests: 10, Answered: 6, Gaps: 4, GapsByKind: map[string]int{"no_content": 3, "weak_match": 1},
		ByIntent:  map[string]store.Coverage{"informational": {Requests: 8, Answered: 5, Gaps: 3}, "transactional": {Requests: 2, Answered: 1, Gaps: 1}},
		BySource:  map[string]store.Coverage{"suggest": {Requests: 10, Answered: 6, Gaps: 4}},
		Sources:   map[string]store.SourceStats{"suggest": {Kind: "opensearch", Units: 4, OK: 3, Failed: 1}},
		TopTopics: []store.TopicStat{{Key: "kid seat", Label: "lark child seat", Requests: 2, Demand: 3.5}}}
	if err := st.FinishRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	s := &Server{Store: st, Gatherer: reg, Metrics: NewMetrics(reg, "test"), LockDir: filepath.Join(dir, "data"),
		Jobs: []Scheduled{{Name: "nightly", Spec: "0 3 * * *", TZ: "Europe/London"}},
		Handlers: map[string]http.Handler{"/api/respond": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"text":"` + r.URL.Query().Get("q") + `"}`))
		})}}
	return s, reg, st
}

func TestServerEndpoints(t *testing.T) {
	s, reg, st := newTestServer(t)
	if err := s.RestoreMetrics(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	get := func(path string) (int, string) {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, tt := range []struct {
		path, want string
		code       int
	}{
		{"/healthz", "ok", 200}, {"/readyz", "ok", 200}, {"/api/respond?q=battery", `{"text":"battery"}`, 200}, {"/nothing", "404", 404},
	} {
		if code, body := get(tt.path); code != tt.code || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s = %d %q, want %d %q", tt.path, code, body, tt.code, tt.want)
		}
	}
	// The gauges describe the stored run from the start, before any run of this process.
	_, metrics := get("/metrics")
	for _, want := range []string{
		`heed_coverage_ratio{heed_job="nightly",intent="all"} 0.6`,
		`heed_gaps{heed_job="nightly",intent="all",kind="no_content"} 3`,
		`heed_requests{heed_job="nightly",intent="transactional"} 2`,
		`heed_run_last_success_timestamp_seconds{heed_job="nightly"} 1.79350206e+09`,
		`heed_source_units{heed_job="nightly",result="failed",source="suggest"} 1`,
		`heed_gap_topic_demand{heed_job="nightly",label="lark child seat",rank="1",topic="kid seat"} 3.5`,
		`heed_run_last_status{heed_job="nightly",status="ok"} 1`,
		`heed_build_info{goversion=`,
		`heed_http_request_duration_seconds_count{code="200",handler="healthz"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// Not ready when the store does not answer; still healthy.
	s.Store = downStore{st}
	if code, _ := get("/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the store down = %d, want 503", code)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz with the store down = %d, want 200", code)
	}
	if n := testutil.CollectAndCount(reg, "heed_http_request_duration_seconds"); n == 0 {
		t.Error("no latency recorded")
	}
}

func TestRunLockedRefusesARunningJob(t *testing.T) {
	s, reg, _ := newTestServer(t)
	var ran atomic.Int32
	s.RunJob = func(ctx context.Context, job string) (Summary, error) { ran.Add(1); return Summary{}, nil }
	held, err := AcquireLock(s.LockDir, "nightly", t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunLocked(context.Background(), "nightly"); !errors.Is(err, ErrLocked) {
		t.Errorf("while held: %v, want ErrLocked", err)
	}
	if got := testutil.ToFloat64(s.Metrics.locked.WithLabelValues("nightly")); got != 1 {
		t.Errorf("heed_runs_refused_total = %v, want 1", got)
	}
	held.Release()
	if _, err := s.RunLocked(context.Background(), "nightly"); err != nil || ran.Load() != 1 {
		t.Errorf("after release: %v, ran %d", err, ran.Load())
	}
	_ = reg
}

// TestGracefulShutdown: SIGTERM (ctx cancelled) during a run: the run is told to stop and checkpoint, the
// server waits for it, then stops serving, and the job's lock is free again.
func TestGracefulShutdown(t *testing.T) {
	s, _, _ := newTestServer(t)
	s.Jobs = []Scheduled{{Name: "nightly", Spec: "@every 1s", TZ: "UTC"}}
	s.Listen = "127.0.0.1:0"
	started, checkpointed := make(chan struct{}), make(chan struct{})
	s.RunJob = func(ctx context.Context, job string) (Summary, error) {
		close(started)
		<-ctx.Done()
		time.Sleep(100 * time.Millisecond) // storing what it has
		close(checkpointed)
		return Summary{}, ctx.Err()
	}
	addr := make(chan string, 1)
	s.Ready = func(a string) { addr <- a }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	a := <-addr
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("the scheduled job never started")
	}
	if res, err := http.Get("http://" + a + "/healthz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz while running: %v", err)
	}
	if _, ok := ReadHolder(s.LockDir, "nightly"); !ok {
		t.Error("the running job does not hold its lock")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop")
	}
	select {
	case <-checkpointed:
	default:
		t.Error("the server stopped before the job checkpointed")
	}
	if _, err := http.Get("http://" + a + "/healthz"); err == nil {
		t.Error("still serving after shutdown")
	}
	if _, ok := ReadHolder(s.LockDir, "nightly"); ok {
		t.Error("the lock is still held after shutdown")
	}
}

// TestHostCheck: a web page on another name that its DNS points at this machine (DNS rebinding) must not
// read the metrics or the review pages, nor post decisions: only the names the server is known by are
// served. IP literals are served (a browser sends one only to a page of this very server), and so are
// the health checks, which Kubernetes sends with the pod's address.
func TestHostCheck(t *testing.T) {
	for _, tt := range []struct {
		name    string
		listen  string
		allowed []string
		host    string
		path    string
		code    int
	}{
		{"rebound name, metrics", "127.0.0.1:9464", nil, "evil.example", "/metrics", http.StatusMisdirectedRequest},
		{"rebound name and port, review", "127.0.0.1:9464", nil, "evil.example:9464", "/review/", http.StatusMisdirectedRequest},
		{"rebound name, decision", "127.0.0.1:9464", nil, "evil.example:9464", "/review/decide", http.StatusMisdirectedRequest},
		{"rebound name, respond", "127.0.0.1:9464", nil, "evil.example", "/api/respond?q=x", http.StatusMisdirectedRequest},
		{"rebound name, index", "127.0.0.1:9464", nil, "evil.example", "/", http.StatusMisdirectedRequest},
		{"rebound name, unknown path", "127.0.0.1:9464", nil, "evil.example", "/nothing", http.StatusMisdirectedRequest},
		{"localhost under another name", "127.0.0.1:9464", nil, "localhost.evil.example", "/metrics", http.StatusMisdirectedRequest},
		{"loopback address", "127.0.0.1:9464", nil, "127.0.0.1:9464", "/metrics", 200},
		{"localhost", "127.0.0.1:9464", nil, "localhost:9464", "/review/", 200},
		{"LOCALHOST.", "127.0.0.1:9464", nil, "LOCALHOST.:9464", "/review/", 200},
		{"ipv6 loopback", "127.0.0.1:9464", nil, "[::1]:9464", "/metrics", 200},
		{"pod address", "0.0.0.0:9464", nil, "10.1.2.3:9464", "/metrics", 200},
		{"ipv6 pod address", "[::]:9464", nil, "[fd00::3]:9464", "/metrics", 200},
		{"health under any name", "127.0.0.1:9464", nil, "evil.example", "/healthz", 200},
		{"readiness under any name", "127.0.0.1:9464", nil, "evil.example", "/readyz", 200},
		{"the listen name", "heed.internal:9464", nil, "heed.internal:9464", "/metrics", 200},
		{"the listen name, other case", "heed.internal:9464", nil, "Heed.Internal", "/metrics", 200},
		{"wildcard listen, no list", "0.0.0.0:9464", nil, "heed.internal:9464", "/metrics", http.StatusMisdirectedRequest},
		{"wildcard listen, no list, localhost", ":9464", nil, "localhost:9464", "/metrics", 200},
		{"allowed name", "0.0.0.0:9464", []string{"heed", "heed.internal"}, "heed:9464", "/metrics", 200},
		{"allowed name with port", "0.0.0.0:9464", []string{"heed.internal:9464"}, "heed.internal", "/review/", 200},
		{"not in the list", "0.0.0.0:9464", []string{"heed.internal"}, "evil.example", "/review/", http.StatusMisdirectedRequest},
		{"allowed subdomains", "0.0.0.0:9464", []string{".heed.example"}, "eu.heed.example", "/review/", 200},
		{"allowed subdomains, the domain", "0.0.0.0:9464", []string{".heed.example"}, "heed.example", "/review/", 200},
		{"allowed subdomains, another domain", "0.0.0.0:9464", []string{".heed.example"}, "evilheed.example", "/review/", http.StatusMisdirectedRequest},
		{"any name", "0.0.0.0:9464", []string{"*"}, "evil.example", "/review/", 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := newTestServer(t)
			s.Listen, s.AllowedHosts = tt.listen, tt.allowed
			s.Handlers["/review/"] = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("review")) })
			req := httptest.NewRequest("GET", tt.path, nil)
			req.Host = tt.host
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != tt.code {
				t.Fatalf("GET %s with Host %q = %d %q, want %d", tt.path, tt.host, rec.Code, rec.Body, tt.code)
			}
			if rec.Code == http.StatusMisdirectedRequest {
				if body := rec.Body.String(); !strings.Contains(body, "serve.allowed_hosts") || strings.Contains(body, "evil") {
					t.Errorf("refusal body %q: want it to name serve.allowed_hosts and not echo the host", body)
				}
			}
		})
	}
}

// TestHostCheckOverTheNetwork: the server as Prometheus and a browser reach it.
func TestHostCheckOverTheNetwork(t *testing.T) {
	s, _, _ := newTestServer(t)
	s.Listen = "127.0.0.1:0"
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for host, want := range map[string]int{"": 200, "evil.example": http.StatusMisdirectedRequest} {
		req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
		if host != "" {
			req.Host = host
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("Host %q: %d, want %d", host, res.StatusCode, want)
		}
	}
}

// TestWildcardListenWarns: listening on every address without serve.allowed_hosts is told at start: other
// machines reach the server only by its IP address until their names are listed.
func TestWildcardListenWarns(t *testing.T) {
	for _, tt := range []struct {
		listen  string
		allowed []string
		warn    bool
	}{{"0.0.0.0:0", nil, true}, {"0.0.0.0:0", []string{"heed"}, false}, {"127.0.0.1:0", nil, false}} {
		s, _, _ := newTestServer(t)
		s.Jobs = nil
		s.Listen, s.AllowedHosts = tt.listen, tt.allowed
		var logs strings.Builder
		s.Log = slog.New(slog.NewTextHandler(&logs, nil))
		ctx, cancel := context.WithCancel(context.Background())
		s.Ready = func(string) { cancel() }
		if err := s.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(logs.String(), "serve.allowed_hosts"); got != tt.warn {
			t.Errorf("listen %s, allowed %v: warned %v, want %v\n%s", tt.listen, tt.allowed, got, tt.warn, logs.String())
		}
	}
}

// finishRun stores a finished run of job, as another process's `heed run` would.
func finishRun(t *testing.T, st store.Store, job string, finished time.Time, stats store.RunStats) store.Run {
	t.Helper()
	ctx := context.Background()
	run, _, err := st.BeginRun(ctx, job, finished.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	run.Status, run.Finished, run.Stats = store.StatusOK, finished, stats
	if err := st.FinishRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	return run
}

// failingRuns is a store whose run history cannot be read.
type failingRuns struct{ store.Store }

func (failingRuns) Runs(context.Context, string, int) ([]store.Run, error) {
	return nil, errors.New("database is locked")
}

// TestMetricsFollowTheStore: a run another process finishes on the same store (cron's `heed run` beside
// `heed serve`) shows on the next scrape; a store that cannot be read meanwhile leaves the gauges as they
// were, and the scrape still answers.
func TestMetricsFollowTheStore(t *testing.T) {
	s, reg, st := newTestServer(t)
	if err := s.RestoreMetrics(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	scrape := func() string {
		t.Helper()
		res, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("/metrics = %d %s", res.StatusCode, b)
		}
		return string(b)
	}
	// Another process: its own handle on the same data directory.
	other := openStore(t, s.LockDir)
	second := t0.Add(24 * time.Hour)
	finishRun(t, other, "nightly", second, store.RunStats{Requests: 20, Answered: 15,
		TopTopics: []store.TopicStat{{Key: "tyr pressur lark", Label: "what tyre pressure for a lark", Demand: 7}}})
	for _, tt := range []struct {
		name     string
		store    store.Store
		want     []string
		wantNot  []string
		failures float64
	}{
		{
			name:  "the other process's run shows",
			store: st,
			want: []string{
				`heed_run_last_finished_timestamp_seconds{heed_job="nightly"} ` + strconv.FormatFloat(float64(second.Unix()), 'g', -1, 64),
				`heed_requests{heed_job="nightly",intent="all"} 20`,
				`heed_coverage_ratio{heed_job="nightly",intent="all"} 0.75`,
				`heed_gap_topic_demand{heed_job="nightly",label="what tyre pressure for a lark",rank="1",topic="tyr pressur lark"} 7`,
			},
			wantNot: []string{`topic="kid seat"`},
		},
		{
			name:     "an unreadable store leaves them",
			store:    failingRuns{st},
			want:     []string{`heed_requests{heed_job="nightly",intent="all"} 20`},
			failures: 1,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s.Store = tt.store
			got := scrape()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("/metrics lacks %s", w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(got, w) {
					t.Errorf("/metrics still holds %s", w)
				}
			}
			if n := testutil.ToFloat64(s.Metrics.refreshFailures); n != tt.failures {
				t.Errorf("heed_metrics_refresh_failures_total = %v, want %v", n, tt.failures)
			}
		})
	}
	_ = reg
}

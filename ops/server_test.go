package ops

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
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
		`heed_gap_topic_demand{heed_job="nightly",rank="1",topic="kid seat"} 3.5`,
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

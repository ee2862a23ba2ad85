package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/heed-dev/heed/store"
)

// Server is `heed serve`: the jobs on their schedules, and the HTTP endpoints: /metrics, /healthz (the
// process is up), /readyz (the store answers), /api/respond and whatever else Handlers adds.
type Server struct {
	Store    store.Store
	Gatherer prometheus.Gatherer
	Metrics  *Metrics
	Jobs     []Scheduled
	// RunJob runs one job once (the pipeline). Its ctx is cancelled at shutdown: the job then stores
	// what it has and returns, and the next run resumes it.
	RunJob func(ctx context.Context, job string) (Summary, error)
	// LockDir holds the job locks (the data directory): a job runs in one process at a time.
	LockDir string
	// Handlers are served beside the built-in ones, by pattern ("/api/respond", "/review/").
	Handlers map[string]http.Handler
	Listen   string
	// AllowedHosts are the host names requests may name besides localhost, the host of Listen and IP
	// addresses (serve.allowed_hosts): "heed.internal", ".example.com" (it and its subdomains), "*" (any).
	AllowedHosts []string
	Log          *slog.Logger
	// ShutdownTimeout bounds how long shutdown waits for HTTP requests in flight (default 10s).
	ShutdownTimeout time.Duration
	// Ready is told the address the server listens on once it does (for tests and the start message).
	Ready func(addr string)
}

func (s *Server) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// Handler is the server's HTTP handler: every endpoint, each timed into heed_http_request_duration_seconds,
// behind the host check (checkHost).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern, name string, h http.Handler) {
		if s.Metrics != nil {
			h = promhttp.InstrumentHandlerDuration(s.Metrics.HTTP.MustCurryWith(prometheus.Labels{"handler": name}), h)
		}
		mux.Handle(pattern, h)
	}
	metrics := promhttp.HandlerFor(s.Gatherer, promhttp.HandlerOpts{ErrorLog: slogPrinter{s.log()}})
	handle("/metrics", "metrics", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.FollowStore(r.Context())
		metrics.ServeHTTP(w, r)
	}))
	handle("/healthz", "healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plain(w, http.StatusOK, "ok\n")
	}))
	handle("/readyz", "readyz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.Store.Ping(ctx); err != nil {
			s.log().Warn("not ready: the store does not answer", "err", err)
			plain(w, http.StatusServiceUnavailable, "store unavailable\n")
			return
		}
		plain(w, http.StatusOK, "ok\n")
	}))
	for pattern, h := range s.Handlers {
		handle(pattern, handlerName(pattern), h)
	}
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		plain(w, http.StatusOK, "heed: /metrics /healthz /readyz /api/respond?q=... /api/conversations?url=PAGE /review/\n")
	}))
	return s.checkHost(mux)
}

// checkHost refuses, with 421 Misdirected Request, a request whose Host header names this server by a name
// it does not know: that is how a web page on another name reads a server on localhost or the internal
// network (DNS rebinding: the page's name is made to resolve to this server, and the browser sends that
// name). Served are
//   - IP addresses: a browser sends one only to a page loaded from that address and port, this server;
//     Prometheus and Kubernetes, which scrape and probe the pod's address, need no configuration;
//   - localhost, the host of Listen when it is a name, and AllowedHosts;
//   - a request without Host (HTTP/1.0): no browser sends one;
//   - /healthz and /readyz under any name: they tell nothing but "ok", and load balancers and probes may
//     send any name.
func (s *Server) checkHost(next http.Handler) http.Handler {
	allowed := map[string]bool{"localhost": true}
	var suffixes []string
	anyHost := false
	if host, _, err := net.SplitHostPort(s.Listen); err == nil && host != "" {
		allowed[hostName(host)] = true
	}
	for _, h := range s.AllowedHosts {
		h = strings.TrimSpace(h)
		switch {
		case h == "*":
			anyHost = true
		case strings.HasPrefix(h, ".") && len(h) > 1:
			d := hostName(h[1:])
			allowed[d] = true
			suffixes = append(suffixes, "."+d)
		case h != "":
			allowed[hostName(h)] = true
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if anyHost || r.Host == "" || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			next.ServeHTTP(w, r)
			return
		}
		name := hostName(r.Host)
		if _, err := netip.ParseAddr(name); err == nil || allowed[name] ||
			slices.ContainsFunc(suffixes, func(suf string) bool { return strings.HasSuffix(name, suf) }) {
			next.ServeHTTP(w, r)
			return
		}
		s.log().Debug("request refused: unknown host name", "host", r.Host, "path", r.URL.Path)
		plain(w, http.StatusMisdirectedRequest, "misdirected request: this server does not answer to that host name; list it in serve.allowed_hosts of the config\n")
	})
}

// hostName is the name of a Host header or a host[:port], as compared: without the port, the brackets of
// an IPv6 address and a final dot, in lower case.
func hostName(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// listensEverywhere reports whether addr is a wildcard address (":9464", "0.0.0.0:9464", "[::]:9464").
func listensEverywhere(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return host == "" || (err == nil && ip.IsUnspecified())
}

// handlerName is a pattern as a metric label: "/api/respond" is api_respond.
func handlerName(pattern string) string {
	return strings.ReplaceAll(strings.Trim(pattern, "/"), "/", "_")
}

func plain(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write([]byte(body))
}

type slogPrinter struct{ l *slog.Logger }

func (p slogPrinter) Println(v ...any) { p.l.Error(fmt.Sprint(v...)) }

// RestoreMetrics sets the gauges from each job's last finished run in the store.
func (s *Server) RestoreMetrics(ctx context.Context) error {
	for _, j := range s.Jobs {
		runs, err := s.Store.Runs(ctx, j.Name, 1)
		if err != nil {
			return fmt.Errorf("read the run history of %s: %w", j.Name, err)
		}
		if len(runs) > 0 {
			s.Metrics.Restore(runs[0])
		}
		s.Metrics.Running(j.Name, false)
	}
	return nil
}

// followTimeout bounds how long a scrape waits for the store's run history.
const followTimeout = 2 * time.Second

// FollowStore sets the gauges of each job whose last finished run in the store is newer than the one they
// describe: a run another process finished on the same store (the usual cron `heed run` beside `heed
// serve`). /metrics calls it on every scrape: one short read a job, which a run going on in another
// process does not block (the embedded store's readers never wait for its writer). A store that cannot be
// read is logged and counted, and the gauges stay as they were.
func (s *Server) FollowStore(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, followTimeout)
	defer cancel()
	for _, j := range s.Jobs {
		runs, err := s.Store.Runs(ctx, j.Name, 1)
		if err != nil {
			s.log().Warn("metrics not refreshed: the run history does not read", "job", j.Name, "err", err)
			s.Metrics.RefreshFailed()
			return
		}
		if len(runs) > 0 && s.Metrics.Follow(runs[0]) {
			s.log().Info("metrics follow a run finished elsewhere", "job", j.Name, "run", runs[0].ID)
		}
	}
}

// RunLocked runs job once under its lock. A job another run holds is refused, counted and logged.
func (s *Server) RunLocked(ctx context.Context, job string) (Summary, error) {
	release, err := LockJob(ctx, s.Store, s.LockDir, job, time.Now())
	if err != nil {
		if errors.Is(err, ErrLocked) {
			s.Metrics.Refused(job)
		}
		return Summary{}, err
	}
	defer release()
	s.Metrics.Running(job, true)
	defer s.Metrics.Running(job, false)
	return s.RunJob(ctx, job)
}

// Run serves until ctx is cancelled (SIGTERM, SIGINT), then shuts down gracefully: no new scheduled
// start, the running job checkpoints, HTTP requests in flight finish.
func (s *Server) Run(ctx context.Context) error {
	log := s.log()
	if err := s.RestoreMetrics(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.Listen, err)
	}
	if listensEverywhere(s.Listen) && len(s.AllowedHosts) == 0 {
		log.Warn("listening on every address, but only IP addresses and localhost are served: list the names other machines use for this server in serve.allowed_hosts (requests naming others are refused with 421)", "listen", s.Listen)
	}
	srv := &http.Server{
		Handler:           http.MaxBytesHandler(s.Handler(), 1<<20),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	addr := ln.Addr().String()
	log.Info("serving", "addr", addr, "jobs", len(s.Jobs))
	if s.Ready != nil {
		s.Ready(addr)
	}
	sched := &Scheduler{Jobs: s.Jobs, Log: log, Next: s.Metrics.NextRun, Start: func(ctx context.Context, job string) {
		start := time.Now()
		sum, err := s.RunLocked(ctx, job)
		switch {
		case errors.Is(err, ErrLocked):
			log.Warn("scheduled run refused", "job", job, "err", err)
		case ctx.Err() != nil:
			log.Info("run interrupted by shutdown; the next run resumes it", "job", job, "after", time.Since(start).Round(time.Second))
		case err != nil:
			log.Error("scheduled run failed", "job", job, "err", err)
		default:
			log.Info(sum.Line())
		}
	}}
	schedErr := make(chan error, 1)
	go func() { schedErr <- sched.Run(ctx) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve on %s: %w", addr, err)
	case err := <-schedErr:
		if err != nil {
			srv.Close()
			return err
		}
	}
	timeout := s.ShutdownTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("shut down the HTTP server: %w", err)
	}
	log.Info("stopped")
	return nil
}

package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/config"
	"github.com/heed-dev/heed/encoder"
	"github.com/heed-dev/heed/ops"
	"github.com/heed-dev/heed/responder"
	"github.com/heed-dev/heed/review"
	"github.com/heed-dev/heed/store"
	"github.com/heed-dev/heed/vectorcache"
)

// cmdServe runs the config's schedules and serves metrics, health, the responder API and the review
// pages, until SIGINT or SIGTERM. Requests must name the server by an IP address, localhost, the listen
// host or one of serve.allowed_hosts (ops.Server.AllowedHosts).
func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "[-c FILE] [--listen ADDR] [--shard I/N]")
	f := addJobFlags(fs, true)
	listen := fs.String("listen", "", "the address to serve on (default: the config's serve.listen, else "+config.DefaultListen+")")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, shard, log, err := f.resolve(e, fs)
	if err != nil {
		return err
	}
	defer batchGC(ctx, e.getenv)()
	addr := cfg.Serve.Listen
	if *listen != "" {
		if msg := config.CheckListen(*listen); msg != "" {
			return usagef("-listen %q%s", *listen, msg)
		}
		addr = *listen
	}
	if addr == "" {
		addr = config.DefaultListen
	}
	var jobs []ops.Scheduled
	jobOf := map[string]string{} // scheduled name (with the shard) -> configured job
	for i, j := range cfg.Jobs {
		jobOf[shard.JobName(j.Name)] = j.Name
		s := ops.Scheduled{Name: shard.JobName(j.Name), Spec: j.Schedule, TZ: j.TZ, Jitter: j.Jitter}
		if _, err := ops.ParseSchedule(s, time.Now()); err != nil {
			return usageError{cfg.Errorf([]any{"jobs", i, "schedule"}, "%v", err)}
		}
		jobs = append(jobs, s)
	}
	st, err := openStore(ctx, e, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ms := newMetricSet()
	respond := responder.NewHandler(newClassifier(cfg), nil)
	names := make([]string, 0, len(jobs))
	for _, j := range jobs {
		names = append(names, j.Name)
	}
	refresh := func(ctx context.Context) { loadResponder(ctx, st, cfg, names, respond, log) }
	refresh(ctx)
	own := &ownRuns{}
	follower := &decisionFollower{st: st, jobs: names, set: respond.SetDecisions, log: log, reload: refresh, own: own}
	go follower.Run(ctx)
	auth := review.Auth{Token: cfg.Serve.ReviewToken, Username: cfg.Serve.ReviewUser, Password: cfg.Serve.ReviewPassword}
	if auth.Token == "" {
		auth.Token = e.getenv("HEED_REVIEW_TOKEN")
	}
	if auth.Password == "" {
		auth.Password = e.getenv("HEED_REVIEW_PASSWORD")
	}
	rev := &review.Handler{Store: st, ReportDir: cfg.Report.Dir, Auth: auth, Log: log}
	srv := &ops.Server{
		Store: st, Gatherer: ms.reg, Metrics: ms.ops, Jobs: jobs, LockDir: cfg.Storage.Data, Listen: addr, Log: log,
		AllowedHosts: cfg.Serve.AllowedHosts,
		Handlers: map[string]http.Handler{"/api/respond": respond, "/api/conversations": review.Conversations{Review: rev},
			"/review/": rev, "/review": rev},
		RunJob: func(ctx context.Context, name string) (ops.Summary, error) {
			job, err := cfg.Job(jobOf[name])
			if err != nil {
				return ops.Summary{}, err
			}
			job.Name = name
			p, j, err := buildPipeline(cfg, job, shard, st, log, ms, nil)
			if err != nil {
				return ops.Summary{}, err
			}
			// The run builds a matcher over the pages it just stored: /api/respond answers with it,
			// rather than indexing and calibrating the same pages a second time.
			build := p.NewMatcher
			p.NewMatcher = func(pages []heed.Page, enc vectorcache.Encoder) ops.Matcher {
				m := build(pages, enc)
				if rm, ok := m.(*responder.Matcher); ok && len(pages) > 0 {
					respond.SetMatcher(rm)
				}
				return m
			}
			own.start()
			sum, err := p.Run(ctx, j)
			own.done(sum.Run.ID)
			return sum, err
		},
		Ready: func(a string) {
			fmt.Fprintf(e.stderr, "heed serve: listening on http://%s (%d jobs scheduled)\n", a, len(jobs))
		},
	}
	return srv.Run(ctx)
}

// loadResponder builds /api/respond's matcher over the stored pages, their vectors read from the store
// where a run kept them, with its gap decision adapted to the share of gaps of the newest run that
// estimated one.
func loadResponder(ctx context.Context, st store.Store, cfg *config.File, jobs []string, respond *responder.Handler, log *slog.Logger) {
	pages, err := st.Pages(ctx)
	if err != nil {
		log.Error("pages not loaded for /api/respond", "err", err)
		return
	}
	if len(pages) == 0 {
		log.Warn("no stored pages yet: /api/respond answers 503 until a run stores them")
		return
	}
	enc, err := encoder.New()
	if err != nil {
		log.Error("no encoder for /api/respond", "err", err)
		return
	}
	// Without ctx's cancel: the matcher encodes requests for as long as the server runs.
	cache := vectorcache.New(context.WithoutCancel(ctx), enc, st, enc.Model(), log)
	m := newMatcher(pages, cfg.Organisation.Lang, cache)
	run, err := newestAdapted(ctx, st, jobs)
	if err != nil {
		log.Warn("the gap decision of /api/respond is not adapted to the newest run's requests", "err", err)
	}
	m.AdaptToShare(run.Stats.GapShare, run.Stats.GapShareSampled)
	respond.SetMatcher(m)
	share, sampled := m.GapShare()
	log.Info("responder ready", "pages", len(pages), "gap_share", fmt.Sprintf("%.3f", share), "sampled", sampled, "from_run", run.ID)
}

// newestAdapted is the newest finished run of jobs whose gap decision adapted to its requests (a zero
// Run when none did): /api/respond decides with the share of gaps it estimated.
func newestAdapted(ctx context.Context, st store.Store, jobs []string) (store.Run, error) {
	var newest store.Run
	for _, job := range jobs {
		// The newest few: the newest may be under way, or have ended before it matched.
		runs, err := st.Runs(ctx, job, 3)
		if err != nil {
			return store.Run{}, fmt.Errorf("read runs of job %s: %w", job, err)
		}
		for _, r := range runs {
			if r.Stats.GapShareSampled > 0 {
				if r.Finished.After(newest.Finished) {
					newest = r
				}
				break
			}
		}
	}
	return newest, nil
}

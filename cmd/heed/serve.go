package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/heed-dev/heed/config"
	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/intent"
	"github.com/heed-dev/heed/ops"
	"github.com/heed-dev/heed/responder"
	"github.com/heed-dev/heed/review"
)

// cmdServe runs the config's schedules and serves metrics, health, the responder API and (later) the
// review pages, until SIGINT or SIGTERM.
func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "[-c FILE] [--listen ADDR] [--shard I/N]")
	f := runFlags{storeOnly: true}
	fs.StringVar(&f.config, "c", "", "config file (default: heed.yaml in the current directory, when it exists)")
	fs.StringVar(&f.data, "data", "", "the embedded store's directory (default ./heed-data)")
	fs.Var(&f.sources, "source", "a source, KIND[=BASE][;key=value...] (repeatable; adds to the config's)")
	fs.Var(&f.seeds, "seed", "a seed topic (repeatable; adds to the config's)")
	fs.StringVar(&f.pages, "pages", "", "the organisation's pages: an export (JSONL, or .csv) or the site's URL")
	fs.StringVar(&f.out, "out", "", "the report directory (default ./out)")
	listen := fs.String("listen", "", "the address to serve on (default: the config's serve.listen, else "+config.DefaultListen+")")
	shardFlag := fs.String("shard", "", "crawl only this stable share of the seeds and sources, I/N (0-based I)")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	logFormat := fs.String("log-format", "text", "text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (flags only)", fs.Arg(0))
	}
	log, err := newLogger(e, *logLevel, *logFormat)
	if err != nil {
		return err
	}
	var shard crawler.Shard
	if *shardFlag != "" {
		if shard, err = crawler.ParseShard(*shardFlag); err != nil {
			return usagef("-shard: %v", err)
		}
	}
	cfg, err := resolveConfig(f)
	if err != nil {
		return err
	}
	addr := cfg.Serve.Listen
	if *listen != "" {
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
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ms := newMetricSet()
	brands := cfg.Organisation.Brands
	if len(brands) == 0 && cfg.Organisation.Name != "" {
		brands = []string{cfg.Organisation.Name}
	}
	respond := responder.NewHandler(intent.New(intent.Options{Brands: brands}), nil)
	refresh := func(ctx context.Context) {
		pages, err := st.Pages(ctx)
		if err != nil {
			log.Error("pages not loaded for /api/respond", "err", err)
			return
		}
		if len(pages) == 0 {
			log.Warn("no stored pages yet: /api/respond answers 503 until a run stores them")
			return
		}
		respond.SetMatcher(newMatcher(pages, cfg.Organisation.Lang))
		log.Info("responder ready", "pages", len(pages))
	}
	refresh(ctx)
	auth := review.Auth{Token: cfg.Serve.ReviewToken, Username: cfg.Serve.ReviewUser, Password: cfg.Serve.ReviewPassword}
	if auth.Token == "" {
		auth.Token = os.Getenv("HEED_REVIEW_TOKEN")
	}
	if auth.Password == "" {
		auth.Password = os.Getenv("HEED_REVIEW_PASSWORD")
	}
	rev := &review.Handler{Store: st, ReportDir: cfg.Report.Dir, Auth: auth, Log: log}
	srv := &ops.Server{
		Store: st, Gatherer: ms.reg, Metrics: ms.ops, Jobs: jobs, LockDir: cfg.Storage.Data, Listen: addr, Log: log,
		Handlers: map[string]http.Handler{"/api/respond": respond, "/review/": rev, "/review": rev},
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
			sum, err := p.Run(ctx, j)
			if err == nil {
				refresh(ctx)
			}
			return sum, err
		},
		Ready: func(a string) {
			fmt.Fprintf(e.stderr, "heed serve: listening on http://%s (%d jobs scheduled)\n", a, len(jobs))
		},
	}
	return srv.Run(ctx)
}

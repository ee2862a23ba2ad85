package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/push"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/config"
	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/crawler/site"
	"github.com/heed-dev/heed/intent"
	"github.com/heed-dev/heed/ops"
	"github.com/heed-dev/heed/store"
	"github.com/heed-dev/heed/store/elastic"
	"github.com/heed-dev/heed/store/embedded"
	"github.com/heed-dev/heed/triage"
)

func cmdRun(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "run", "[-c FILE] [--data DIR] [--source SPEC ...] [--seed TEXT ...] [--expand LIST] [--pages FILE|URL] [--out DIR] [--job NAME] [--shard I/N]")
	f := addJobFlags(fs, false)
	fs.StringVar(&f.expand, "expand", "", "expansions of each seed: alphabet,questions,prepositions,comparisons")
	jobName := fs.String("job", "", "the configured job to run (default: the first)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, shard, log, err := f.resolve(e, fs)
	if err != nil {
		return err
	}
	batchGC(e.getenv)
	sum, err := runJob(ctx, e, cfg, *jobName, shard, log)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, sum.Line())
	return nil
}

// metricSet is every metric a run or the server records, registered once.
type metricSet struct {
	reg   *prometheus.Registry
	crawl *crawler.Metrics
	ops   *ops.Metrics
}

func newMetricSet() metricSet {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return metricSet{reg: reg, crawl: crawler.NewMetrics(reg), ops: ops.NewMetrics(reg, version)}
}

// runJob runs one job of cfg once on its store, under the job's lock, and hands the metrics over as
// the config says (textfile, Pushgateway).
func runJob(ctx context.Context, e *env, cfg *config.File, jobName string, shard crawler.Shard, log *slog.Logger) (ops.Summary, error) {
	job, err := cfg.Job(jobName)
	if err != nil {
		return ops.Summary{}, usageError{err}
	}
	st, err := openStore(ctx, e, cfg, log)
	if err != nil {
		return ops.Summary{}, err
	}
	defer st.Close()
	job.Name = shard.JobName(job.Name)
	release, err := ops.LockJob(ctx, st, cfg.Storage.Data, job.Name, time.Now())
	if err != nil {
		return ops.Summary{}, err
	}
	defer release()
	ms := newMetricSet()
	progress := crawler.NewProgress()
	p, j, err := buildPipeline(cfg, job, shard, st, log, ms, progress)
	if err != nil {
		return ops.Summary{}, err
	}
	stop := showProgress(e.stderr, progress)
	sum, runErr := p.Run(ctx, j)
	stop()
	if ctx.Err() == nil {
		exportMetrics(ctx, cfg, ms.reg, log)
	}
	return sum, runErr
}

// exportMetrics leaves a short-lived run's metrics where Prometheus finds them. A failure is logged,
// never fatal: the run did its work.
func exportMetrics(ctx context.Context, cfg *config.File, g prometheus.Gatherer, log *slog.Logger) {
	if path := cfg.Metrics.Textfile; path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			log.Error("metrics textfile not written", "path", path, "err", err)
		} else if err := prometheus.WriteToTextfile(path, g); err != nil {
			log.Error("metrics textfile not written", "path", path, "err", err)
		} else {
			log.Info("metrics written", "textfile", path)
		}
	}
	if url := cfg.Metrics.Pushgateway; url != "" {
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := push.New(url, "heed").Gatherer(g).PushContext(pctx); err != nil {
			log.Error("metrics not pushed", "pushgateway", url, "err", err)
		} else {
			log.Info("metrics pushed", "pushgateway", url)
		}
	}
}

// openStore opens the configured store; log hears of the rows it skips as unreadable.
func openStore(ctx context.Context, e *env, cfg *config.File, log *slog.Logger) (store.Store, error) {
	switch cfg.Storage.Kind {
	case "embedded":
		s, err := embedded.Open(ctx, cfg.Storage.Data)
		if err != nil {
			return nil, err
		}
		s.SetLogger(log)
		return s, nil
	case "elasticsearch":
		es := cfg.Storage.Elasticsearch
		if es.APIKey == "" {
			es.APIKey = e.getenv("HEED_ELASTICSEARCH_API_KEY")
		}
		if es.Password == "" {
			es.Password = e.getenv("HEED_ELASTICSEARCH_PASSWORD")
		}
		s, err := elastic.Open(ctx, elastic.Config{Addresses: es.Addresses, APIKey: es.APIKey, Username: es.Username,
			Password: es.Password, CACert: es.CACert, IndexPrefix: es.IndexPrefix, Lang: cfg.Organisation.Lang})
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	return nil, usageError{cfg.Errorf([]any{"storage", "kind"}, "storage kind %q is not supported", cfg.Storage.Kind)}
}

// buildPipeline wires the pipeline and the job from the configuration.
func buildPipeline(cfg *config.File, job config.Job, shard crawler.Shard, st store.Store, log *slog.Logger, ms metricSet, progress *crawler.Progress) (*ops.Pipeline, ops.Job, error) {
	cm := ms.crawl
	fc := crawler.FetchConfig{
		UserAgent: cfg.Crawl.UserAgent, Timeout: cfg.Crawl.Timeout, MaxBody: cfg.Crawl.MaxBody, Retries: cfg.Crawl.Retries,
		MaxRetryAfter: cfg.Crawl.MaxRetryAfter, Parallel: cfg.Crawl.Parallel, Delay: cfg.Crawl.Delay,
		Hosts: hostLimits(cfg.Sources), CacheDir: filepath.Join(cfg.Storage.Data, "http-cache"),
	}
	fetch, err := crawler.NewFetcher(fc, log, cm)
	if err != nil {
		return nil, ops.Job{}, err
	}
	fetch.Progress = progress
	var specs []config.Source
	for _, s := range cfg.Sources {
		if len(job.Sources) > 0 && !slices.Contains(job.Sources, s.Name) {
			continue
		}
		if len(s.Expand) == 0 {
			s.Expand = cfg.Expand
		}
		specs = append(specs, s)
	}
	srcs, err := buildSources(specs, sourceDeps{fetch: fetch, log: log, metrics: cm})
	if err != nil {
		return nil, ops.Job{}, err
	}
	for i, s := range specs {
		if len(s.Seeds) > 0 {
			srcs[i] = seeded{srcs[i], s.Seeds}
		}
	}
	j := ops.Job{Name: job.Name, Sources: srcs, Seeds: cfg.Seeds, OutDir: cfg.Report.Dir, Organisation: cfg.Organisation.Name,
		SiteOnly: job.Crawl != nil && !*job.Crawl}
	if *job.Site && (cfg.Organisation.Site != "" || cfg.Organisation.Pages != "") {
		j.Pages = &sitePages{
			site: cfg.Organisation.Site, export: cfg.Organisation.Pages, log: log,
			crawler: site.New(fetch, site.Options{MaxPages: cfg.Organisation.MaxPages, CanonicalHosts: cfg.Organisation.CanonicalHosts, Log: log}),
		}
	}
	brands := cfg.Organisation.BrandNames()
	lang := cfg.Organisation.Lang
	p := &ops.Pipeline{
		Store:      st,
		Engine:     &crawler.Engine{Workers: cfg.Crawl.Workers, MaxText: cfg.Crawl.MaxText, Shard: shard, Log: log, Metrics: cm, Progress: progress},
		Classify:   intent.New(intent.Options{Brands: brands}),
		NewMatcher: func(pages []heed.Page) ops.Matcher { return newMatcher(pages, lang) },
		Triage:     triage.New(analysis.New(lang)),
		Log:        log,
		Metrics:    ms.ops,
		Now:        time.Now,
	}
	return p, j, nil
}

// seeded is a source with seeds of its own.
type seeded struct {
	crawler.Source
	seeds []string
}

func (s seeded) Units([]string) []crawler.Unit { return s.Source.Units(s.seeds) }

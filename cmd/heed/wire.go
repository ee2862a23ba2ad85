package main

// The one place that wires the nightly job together: the store, the pipeline and the stages that run,
// serve and demo use. (The single-stage commands, classify, match, eval and train, build the one stage
// they exercise from their flags.)

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/config"
	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/crawler/imports"
	"github.com/heed-dev/heed/crawler/site"
	"github.com/heed-dev/heed/encoder"
	"github.com/heed-dev/heed/index"
	"github.com/heed-dev/heed/intent"
	"github.com/heed-dev/heed/ops"
	"github.com/heed-dev/heed/responder"
	"github.com/heed-dev/heed/store"
	"github.com/heed-dev/heed/store/elastic"
	"github.com/heed-dev/heed/store/embedded"
	"github.com/heed-dev/heed/triage"
	"github.com/heed-dev/heed/vectorcache"
)

// newClassifier is the intent classifier, knowing the organisation's brands.
func newClassifier(cfg *config.File) *intent.Classifier {
	return intent.New(intent.Options{Brands: cfg.Organisation.BrandNames()})
}

// newMatcher builds the full-text index of pages and a matcher calibrated on it; enc, when not nil, adds
// the meaning of requests and pages.
func newMatcher(pages []heed.Page, lang string, enc responder.Encoder) *responder.Matcher {
	return responder.New(index.Build(pages, analysis.New(lang), index.DefaultParams()), enc)
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
		s.SetLogger(log)
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
	redact, err := imports.NewRedactor(cfg.Privacy.Redact)
	if err != nil {
		return nil, ops.Job{}, usageError{err}
	}
	srcs, err := buildSources(specs, sourceDeps{fetch: fetch, log: log, metrics: cm, redact: redact})
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
	lang := cfg.Organisation.Lang
	enc, err := encoder.New()
	if err != nil {
		return nil, ops.Job{}, err
	}
	p := &ops.Pipeline{
		Store:      st,
		Engine:     &crawler.Engine{Workers: cfg.Crawl.Workers, MaxText: cfg.Crawl.MaxText, Shard: shard, Log: log, Metrics: cm, Progress: progress},
		Classify:   newClassifier(cfg),
		NewMatcher: func(pages []heed.Page, enc vectorcache.Encoder) ops.Matcher { return newMatcher(pages, lang, enc) },
		Encoder:    enc,
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

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/config"
	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/internal/atomicfile"
)

// collect is a sink that keeps every sighting in memory.
type collect struct {
	mu  sync.Mutex
	all []heed.Sighting
}

func (c *collect) Put(_ context.Context, _ crawler.Unit, s []heed.Sighting) error {
	c.mu.Lock()
	c.all = append(c.all, s...)
	c.mu.Unlock()
	return nil
}

func cmdCrawl(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "crawl", "--source SPEC [--source SPEC ...] [--seed TEXT ...] [--expand LIST] [--out FILE]")
	var sources, seeds listFlag
	fs.Var(&sources, "source", "a source, KIND[=BASE][;key=value...] (repeatable, at least one)")
	fs.Var(&seeds, "seed", "a seed topic (repeatable)")
	expand := fs.String("expand", "", "expansions of each seed: alphabet,questions,prepositions,comparisons,prefix:WORD,suffix:WORD")
	outPath := fs.String("out", "", "write the JSONL here instead of stdout")
	delay := fs.Duration("delay", 0, "pause after each request to a host (default 1s)")
	workers := fs.Int("workers", 4, "crawl units fetched at once")
	cacheDir := fs.String("cache", "", "keep copies of pages and feeds here and revalidate them on the next crawl")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	logFormat := fs.String("log-format", "text", "text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (flags only)", fs.Arg(0))
	}
	if len(sources) == 0 {
		return usagef("at least one -source is needed, such as -source opensearch=https://example.com/suggest?q={q}")
	}
	log, err := newLogger(e, *logLevel, *logFormat)
	if err != nil {
		return err
	}
	exp := commaList(*expand)
	if err := crawler.CheckExpansions(exp); err != nil {
		return usagef("-expand: %v", err)
	}
	cfg := &config.File{}
	for _, raw := range sources {
		spec, err := crawler.ParseSpec(raw)
		if err != nil {
			return usagef("-source: %v", err)
		}
		if err := checkKind(spec.Kind); err != nil {
			return usagef("-source %q: %v", raw, err)
		}
		if spec.Name == "" {
			spec.Name = uniqueName(cfg, spec.Kind)
		}
		if len(spec.Expand) == 0 {
			spec.Expand = exp
		}
		cfg.Sources = append(cfg.Sources, config.Source(spec))
	}
	for _, c := range []struct {
		flag, key string
		v         int64
	}{{"workers", "crawl.workers", int64(*workers)}, {"delay", "crawl.delay", int64(*delay)}} {
		if msg := config.CheckFlag(c.flag, c.key, c.v); msg != "" {
			return usagef("%s", msg)
		}
	}
	cfg.ApplyDefaults()
	if *delay > 0 {
		cfg.Crawl.Delay = *delay
	}
	cm := crawler.NewMetrics(prometheus.NewRegistry())
	fetch, err := crawler.NewFetcher(crawler.FetchConfig{UserAgent: cfg.Crawl.UserAgent, Timeout: cfg.Crawl.Timeout,
		MaxBody: cfg.Crawl.MaxBody, Retries: cfg.Crawl.Retries, MaxRetryAfter: cfg.Crawl.MaxRetryAfter,
		Parallel: cfg.Crawl.Parallel, Delay: cfg.Crawl.Delay, Hosts: hostLimits(cfg.Sources), CacheDir: *cacheDir}, log, cm)
	if err != nil {
		return err
	}
	progress := crawler.NewProgress()
	fetch.Progress = progress
	srcs, err := buildSources(cfg.Sources, sourceDeps{fetch: fetch, log: log, metrics: cm})
	if err != nil {
		return err
	}
	for i, s := range cfg.Sources {
		if len(s.Seeds) > 0 {
			srcs[i] = seeded{srcs[i], s.Seeds}
		}
	}
	sink := &collect{}
	eng := &crawler.Engine{Workers: *workers, Log: log, Metrics: cm, Progress: progress}
	stop := showProgress(e.stderr, progress)
	rep, err := eng.Run(ctx, srcs, seeds, nil, sink)
	stop()
	if err != nil {
		return err
	}
	crawler.SortSightings(sink.all)
	out := e.stdout
	var file *atomicfile.File
	if *outPath != "" {
		if file, err = atomicfile.Create(*outPath); err != nil {
			return err
		}
		defer file.Abort()
		out = file
	}
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	for _, s := range sink.all {
		if err := enc.Encode(s); err != nil {
			return fmt.Errorf("write sightings: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write sightings: %w", err)
	}
	if file != nil {
		if err := file.Commit(); err != nil {
			return err
		}
	}
	units, ok, failed, n := rep.Totals()
	fmt.Fprintf(e.stderr, "heed crawl: %d sightings from %d sources; units %d, %d ok, %d failed\n", n, len(srcs), units, ok, failed)
	if rep.Failed() {
		return fmt.Errorf("every source failed (see the log above)")
	}
	return nil
}

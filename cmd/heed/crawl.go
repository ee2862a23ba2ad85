package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/config"
	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/crawler/imports"
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
	line, e := onTerminal(e)
	if len(sources) == 0 {
		return usagef("at least one -source is needed, such as -source opensearch=https://example.com/suggest?q={q}")
	}
	log, err := newLogger(e, *logLevel, *logFormat)
	if err != nil {
		return err
	}
	cfg, err := crawlConfig(sources, *expand, *workers, *delay)
	if err != nil {
		return err
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
	redact, err := imports.NewRedactor(cfg.Privacy.Redact)
	if err != nil {
		return usageError{err}
	}
	srcs, err := buildSources(cfg.Sources, sourceDeps{fetch: fetch, log: log, metrics: cm, redact: redact})
	if err != nil {
		return err
	}
	for i, s := range cfg.Sources {
		if len(s.Seeds) > 0 {
			srcs[i] = seeded{srcs[i], s.Seeds}
		}
	}
	if len(seeds) == 0 {
		if names := seedless(srcs); len(names) > 0 {
			return usagef("%s %s per seed, and no --seed is given: add one or more, such as --seed 'e-bike battery'", strings.Join(names, ", "), map[bool]string{true: "asks", false: "ask"}[len(names) == 1])
		}
	}
	sink := &collect{}
	eng := &crawler.Engine{Workers: *workers, Log: log, Metrics: cm, Progress: progress}
	stop := showProgress(line, progress)
	rep, err := eng.Run(ctx, srcs, seeds, nil, sink)
	stop()
	if err != nil {
		return err
	}
	crawler.SortSightings(sink.all)
	if err := writeSightings(e.stdout, *outPath, sink.all); err != nil {
		return err
	}
	units, ok, failed, n := rep.Totals()
	fmt.Fprintf(e.stderr, "heed crawl: %d sightings from %d sources; units %d, %d ok, %d failed\n", n, len(srcs), units, ok, failed)
	if rep.Failed() {
		return fmt.Errorf("every source failed (see the log above)")
	}
	return nil
}

// seedless names the sources that ask per seed and were given none: without seeds they have nothing
// to fetch.
func seedless(srcs []crawler.Source) []string {
	var names []string
	for _, s := range srcs {
		if len(s.Units(nil)) == 0 {
			names = append(names, "source "+s.Name())
		}
	}
	return names
}

// crawlConfig is the configuration heed crawl's flags make: the sources (named, and given the -expand
// list when they have none of their own), the crawl's defaults, and -delay; -workers and -delay are
// checked against the config keys' bounds.
func crawlConfig(sources listFlag, expand string, workers int, delay time.Duration) (*config.File, error) {
	exp := commaList(expand)
	if err := heed.CheckExpansions(exp); err != nil {
		return nil, usagef("-expand: %v", err)
	}
	cfg := &config.File{}
	for _, raw := range sources {
		spec, err := crawler.ParseSpec(raw)
		if err != nil {
			return nil, usagef("-source: %v", err)
		}
		if err := checkKind(spec.Kind); err != nil {
			return nil, usagef("-source %q: %v", raw, err)
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
	}{{"workers", "crawl.workers", int64(workers)}, {"delay", "crawl.delay", int64(delay)}} {
		if msg := config.CheckFlag(c.flag, c.key, c.v); msg != "" {
			return nil, usagef("%s", msg)
		}
	}
	cfg.ApplyDefaults()
	if delay > 0 {
		cfg.Crawl.Delay = delay
	}
	return cfg, nil
}

// writeSightings writes the sightings as JSON lines to outPath, atomically, or to stdout when outPath
// is empty.
func writeSightings(stdout io.Writer, outPath string, all []heed.Sighting) error {
	out := stdout
	var file *atomicfile.File
	if outPath != "" {
		var err error
		if file, err = atomicfile.Create(outPath); err != nil {
			return err
		}
		defer file.Abort()
		out = file
	}
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	for _, s := range all {
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
	return nil
}

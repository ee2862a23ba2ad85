package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/heed-dev/heed/config"
	"github.com/heed-dev/heed/crawler"
)

// loadConfig reads a config file and checks its source kinds; every error is a usage error naming the
// file and line.
func loadConfig(path string) (*config.File, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, usageError{err}
	}
	if err := checkConfigKinds(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

func checkConfigKinds(cfg *config.File) error {
	var errs []error
	for i, s := range cfg.Sources {
		if err := checkKind(s.Kind); err != nil {
			errs = append(errs, cfg.Errorf([]any{"sources", i, "kind"}, "%v", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return usageError{err}
	}
	return nil
}

// runFlags are the flags of run (and serve) that describe or extend a configuration.
type runFlags struct {
	config  string
	data    string
	sources listFlag
	seeds   listFlag
	expand  string
	pages   string
	out     string
	// storeOnly is set by commands that only use the store (override): they need no sources.
	storeOnly bool
}

// jobFlags are the flags `heed run` and `heed serve` share: the configuration, the store, the sources,
// the shard and the log.
type jobFlags struct {
	runFlags
	shard, logLevel, logFormat *string
}

// addJobFlags registers the shared flags on fs.
func addJobFlags(fs *flag.FlagSet, storeOnly bool) *jobFlags {
	j := &jobFlags{runFlags: runFlags{storeOnly: storeOnly}}
	fs.StringVar(&j.config, "c", "", "config file (default: heed.yaml in the current directory, when it exists)")
	fs.StringVar(&j.data, "data", "", "the embedded store's directory (default ./heed-data)")
	fs.Var(&j.sources, "source", "a source, KIND[=BASE][;key=value...] (repeatable; adds to the config's)")
	fs.Var(&j.seeds, "seed", "a seed topic to ask the sources about (repeatable; adds to the config's)")
	fs.StringVar(&j.pages, "pages", "", "the organisation's pages: an export (JSONL, or .csv) or the site's URL")
	fs.StringVar(&j.out, "out", "", "the report directory (default ./out)")
	j.shard = fs.String("shard", "", "crawl only this stable share of the seeds and sources, I/N (0-based I)")
	j.logLevel = fs.String("log-level", "info", "debug, info, warn or error")
	j.logFormat = fs.String("log-format", "text", "text or json")
	return j
}

// resolve checks the parsed flags (flags only, no arguments) and returns the configuration, the shard
// and the logger they describe.
func (j *jobFlags) resolve(e *env, fs *flag.FlagSet) (*config.File, crawler.Shard, *slog.Logger, error) {
	var shard crawler.Shard
	if fs.NArg() > 0 {
		return nil, shard, nil, usagef("unexpected argument %q (flags only)", fs.Arg(0))
	}
	log, err := newLogger(e, *j.logLevel, *j.logFormat)
	if err != nil {
		return nil, shard, nil, err
	}
	if *j.shard != "" {
		if shard, err = crawler.ParseShard(*j.shard); err != nil {
			return nil, shard, nil, usagef("-shard: %v", err)
		}
	}
	cfg, err := resolveConfig(j.runFlags)
	if err != nil {
		return nil, shard, nil, err
	}
	return cfg, shard, log, nil
}

// resolveConfig builds the configuration of a run: the config file (the -c flag, else heed.yaml in the
// current directory when present), extended or overridden by the flags; or the flags alone.
func resolveConfig(f runFlags) (*config.File, error) {
	var cfg *config.File
	path := f.config
	if path == "" {
		if _, err := os.Stat("heed.yaml"); err == nil {
			path = "heed.yaml"
		}
	}
	if path != "" {
		c, err := loadConfig(path)
		if err != nil {
			return nil, err
		}
		cfg = c
	} else {
		cfg = &config.File{}
	}
	for _, raw := range f.sources {
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
		cfg.Sources = append(cfg.Sources, spec)
	}
	cfg.Seeds = append(cfg.Seeds, f.seeds...)
	if f.expand != "" {
		exp := commaList(f.expand)
		if err := crawler.CheckExpansions(exp); err != nil {
			return nil, usagef("-expand: %v", err)
		}
		cfg.Expand = exp
	}
	if f.data != "" {
		cfg.Storage.Data = f.data
	}
	if f.out != "" {
		cfg.Report.Dir = f.out
	}
	if f.pages != "" {
		if strings.HasPrefix(f.pages, "http://") || strings.HasPrefix(f.pages, "https://") {
			cfg.Organisation.Site, cfg.Organisation.Pages = f.pages, ""
		} else {
			cfg.Organisation.Pages, cfg.Organisation.Site = f.pages, ""
		}
	}
	cfg.ApplyDefaults()
	if err := cfg.Check(); err != nil {
		return nil, usageError{err}
	}
	if len(cfg.Sources) == 0 && !f.storeOnly {
		return nil, usagef("no sources: give -source KIND[=BASE][;key=value] (such as -source requests=keywords.txt) or a config file with sources")
	}
	return cfg, nil
}

// uniqueName names a source added by a flag: its kind, numbered when the kind is taken.
func uniqueName(cfg *config.File, kind string) string {
	taken := func(n string) bool {
		for _, s := range cfg.Sources {
			if s.Name == n {
				return true
			}
		}
		return false
	}
	name := kind
	for i := 2; taken(name); i++ {
		name = fmt.Sprintf("%s-%d", kind, i)
	}
	return name
}

// newLogger returns the structured logger a command writes to stderr.
func newLogger(e *env, level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("-log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(e.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(e.stderr, opts)), nil
	}
	return nil, usagef("-log-format %q: want text or json", format)
}

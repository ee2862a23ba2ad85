package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/config"
	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/ops"
)

// loadConfig reads a config file and checks what the config package cannot judge on its own: the
// source kinds and their numeric options, and the jobs' schedules. Every error is a usage error naming
// the file, the line and the key.
func loadConfig(path string) (*config.File, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, usageError{err}
	}
	if err := checkConfigStages(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

func checkConfigStages(cfg *config.File) error {
	var errs []error
	for i, s := range cfg.Sources {
		if err := checkKind(s.Kind); err != nil {
			errs = append(errs, cfg.Errorf([]any{"sources", i, "kind"}, "%v", err))
			continue
		}
		for _, e := range sourceOptionErrors(sourceSpec(s)) {
			errs = append(errs, cfg.Errorf([]any{"sources", i, "options", e.key}, "%s", e.msg))
		}
	}
	for i, j := range cfg.Jobs {
		if msg := scheduleError(j.Schedule); msg != "" {
			errs = append(errs, cfg.Errorf([]any{"jobs", i, "schedule"}, "%s", msg))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return usageError{err}
	}
	return nil
}

// scheduleForms says how a schedule is written.
const scheduleForms = "five fields (minute hour day-of-month month day-of-week) or a descriptor such as @daily or @every 6h"

// minEvery is the shortest @every: no five-field schedule fires more often.
const minEvery = time.Minute

// scheduleError says what is wrong with a job's schedule ("" when nothing is). It parses the schedule
// as heed serve does (ops.ParseSchedule), so that heed run and heed serve accept the same configs.
func scheduleError(spec string) string {
	switch {
	case strings.TrimSpace(spec) == "":
		return "a job needs a schedule: " + scheduleForms
	case strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ="):
		return fmt.Sprintf("%q: give the time zone as the job's tz, not in the schedule", spec)
	}
	if _, err := ops.ParseSchedule(ops.Scheduled{Spec: spec, TZ: "UTC"}, time.Now()); err != nil {
		if cause := errors.Unwrap(err); cause != nil {
			err = cause
		}
		return fmt.Sprintf("%q is not a schedule: %v; want %s", spec, err, scheduleForms)
	}
	if every, ok := strings.CutPrefix(spec, "@every "); ok {
		if d, err := time.ParseDuration(every); err == nil && d < minEvery {
			return fmt.Sprintf("%q runs too often: want @every %s or longer", spec, strings.TrimSuffix(minEvery.String(), "0s"))
		}
	}
	return ""
}

// optionRange is the whole numbers a numeric source option may take.
type optionRange struct {
	min, max int
	// onlyHere marks a range the source does not check itself (it passes the value on to the service).
	onlyHere bool
}

// sourceNumbers are the numeric options of each source kind and their ranges, checked as the config
// loads so that an error names the line. The sources check the same ranges as they are built;
// TestSourceNumbersMatchBuilders keeps the two in step.
var sourceNumbers = map[string]map[string]optionRange{
	"stackexchange": {"pages": {min: 1, max: 100}, "pagesize": {min: 1, max: 100}},
	"reddit":        {"pages": {min: 1, max: 10}, "limit": {min: 1, max: 100}},
	"discourse":     {"pages": {min: 1, max: 50}},
	"html":          {"pages": {min: 1, max: 100}},
	"helpdesk":      {"pages": {min: 1, max: 1000}, "since": {min: 1, max: 3650}},
	"amazon":        {"limit": {min: 1, max: 100, onlyHere: true}},
	"wikipedia":     {"limit": {min: 1, max: 500, onlyHere: true}}, // the most the MediaWiki API allows
}

// optionError is a numeric source option out of its range.
type optionError struct{ key, msg string }

func (e optionError) Error() string { return "option " + e.key + ": " + e.msg }

// sourceOptionErrors checks a source's numeric options, in the order of their names.
func sourceOptionErrors(spec crawler.Spec) []optionError {
	var out []optionError
	ranges := sourceNumbers[spec.Kind]
	for _, key := range slices.Sorted(maps.Keys(ranges)) {
		v := spec.Options[key]
		if v == "" {
			continue // the source's default
		}
		r := ranges[key]
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			out = append(out, optionError{key, fmt.Sprintf("%q is not a whole number: want %d to %d", v, r.min, r.max)})
		case n < r.min || n > r.max:
			out = append(out, optionError{key, fmt.Sprintf("%d is out of range: want a whole number from %d to %d", n, r.min, r.max)})
		}
	}
	return out
}

// checkSourceOptions returns the errors of sourceOptionErrors as one.
func checkSourceOptions(spec crawler.Spec) error {
	var errs []error
	for _, e := range sourceOptionErrors(spec) {
		errs = append(errs, e)
	}
	return errors.Join(errs...)
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
		if err := checkSourceOptions(spec); err != nil {
			return nil, usagef("-source %q: %v", raw, err)
		}
		if spec.Name == "" {
			spec.Name = uniqueName(cfg, spec.Kind)
		}
		cfg.Sources = append(cfg.Sources, config.Source(spec))
	}
	cfg.Seeds = append(cfg.Seeds, f.seeds...)
	if f.expand != "" {
		exp := commaList(f.expand)
		if err := heed.CheckExpansions(exp); err != nil {
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

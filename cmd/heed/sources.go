package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/crawler/forum"
	"github.com/heed-dev/heed/crawler/imports"
	"github.com/heed-dev/heed/crawler/suggest"
)

// sourceDeps is what a source may be built with.
type sourceDeps struct {
	fetch   *crawler.Fetcher
	log     *slog.Logger
	metrics *crawler.Metrics
}

// sourceKinds is every source kind heed can crawl, in one place.
var sourceKinds = map[string]func(spec crawler.Spec, d sourceDeps) (crawler.Source, error){
	"opensearch": func(s crawler.Spec, d sourceDeps) (crawler.Source, error) { return suggest.NewOpenSearch(s, d.fetch) },
	"stackexchange": func(s crawler.Spec, d sourceDeps) (crawler.Source, error) {
		return forum.NewStackExchange(s, d.fetch)
	},
	"requests": func(s crawler.Spec, d sourceDeps) (crawler.Source, error) {
		return imports.NewRequests(s, d.log, d.metrics)
	},
}

// plannedKinds are the kinds of contracts.md that are not built yet.
var plannedKinds = []string{"google", "bing", "duckduckgo", "youtube", "amazon", "wikipedia", "reddit", "discourse", "feed"}

func knownKinds() string {
	var ks []string
	for k := range sourceKinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// checkKind returns a usage error for a kind heed does not crawl.
func checkKind(kind string) error {
	if _, ok := sourceKinds[kind]; ok {
		return nil
	}
	if slices.Contains(plannedKinds, kind) {
		return fmt.Errorf("source kind %q is not supported yet (supported: %s)", kind, knownKinds())
	}
	return fmt.Errorf("unknown source kind %q (supported: %s)", kind, knownKinds())
}

// buildSources builds the configured sources.
func buildSources(specs []crawler.Spec, d sourceDeps) ([]crawler.Source, error) {
	var out []crawler.Source
	for _, s := range specs {
		if err := checkKind(s.Kind); err != nil {
			return nil, usageError{err}
		}
		src, err := sourceKinds[s.Kind](s, d)
		if err != nil {
			return nil, usageError{err}
		}
		out = append(out, src)
	}
	return out, nil
}

// hostLimits gives each source that sets its own politeness a limit for its host.
func hostLimits(specs []crawler.Spec) map[string]crawler.HostLimit {
	out := map[string]crawler.HostLimit{}
	for _, s := range specs {
		if s.Parallel == 0 && s.Delay == 0 {
			continue
		}
		base := strings.ReplaceAll(s.Base, "{q}", "x")
		u, err := url.Parse(base)
		if err != nil || u.Host == "" {
			continue
		}
		out[u.Host] = crawler.HostLimit{Parallel: max(s.Parallel, 1), Delay: s.Delay}
	}
	return out
}

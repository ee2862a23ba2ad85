package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"

	"github.com/heed-dev/heed/config"
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
	// redact takes personal data out of first-party text (help desks, site search) before it is stored.
	redact *imports.Redactor
}

// builder builds one kind of source.
type builder func(spec crawler.Spec, d sourceDeps) (crawler.Source, error)

// sourceKinds lists every source kind heed can crawl, in one place.
func sourceKinds() map[string]builder {
	kinds := map[string]builder{
		"stackexchange": func(s crawler.Spec, d sourceDeps) (crawler.Source, error) { return forum.NewStackExchange(s, d.fetch) },
		"reddit":        func(s crawler.Spec, d sourceDeps) (crawler.Source, error) { return forum.NewReddit(s, d.fetch) },
		"discourse": func(s crawler.Spec, d sourceDeps) (crawler.Source, error) {
			return forum.NewDiscourse(s, d.fetch, d.fetch.Config().MaxRetryAfter)
		},
		"feed": func(s crawler.Spec, d sourceDeps) (crawler.Source, error) { return forum.NewFeed(s, d.fetch) },
		"html": func(s crawler.Spec, d sourceDeps) (crawler.Source, error) { return forum.NewHTMLForum(s, d.fetch) },
		"requests": func(s crawler.Spec, d sourceDeps) (crawler.Source, error) {
			return imports.NewRequests(s, d.log, d.metrics)
		},
		"sitesearch": func(s crawler.Spec, d sourceDeps) (crawler.Source, error) {
			return imports.NewSiteSearch(s, firstParty(d))
		},
		"searchconsole": func(s crawler.Spec, d sourceDeps) (crawler.Source, error) {
			return imports.NewSearchConsole(s, firstParty(d))
		},
		"helpdesk": func(s crawler.Spec, d sourceDeps) (crawler.Source, error) {
			return imports.NewHelpDesk(s, firstParty(d))
		},
	}
	for kind, build := range suggest.Kinds {
		kinds[kind] = func(s crawler.Spec, d sourceDeps) (crawler.Source, error) { return build(s, d.fetch) }
	}
	return kinds
}

// firstParty is what the first-party sources (helpdesk, sitesearch, searchconsole) are built with: the
// fetcher for their APIs, the config's redaction, the log and the crawl's metrics (left out when nil, so
// that no nil pointer hides in an interface).
func firstParty(d sourceDeps) imports.Deps {
	fd := imports.Deps{Redact: d.redact, Log: d.log}
	if d.fetch != nil {
		fd.Fetch = d.fetch
	}
	if d.metrics != nil {
		fd.Count = d.metrics
	}
	return fd
}

func knownKinds() string {
	var ks []string
	for k := range sourceKinds() {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// checkKind returns a usage error for a kind heed does not crawl.
func checkKind(kind string) error {
	if _, ok := sourceKinds()[kind]; ok {
		return nil
	}
	return fmt.Errorf("unknown source kind %q (supported: %s)", kind, knownKinds())
}

// sourceSpec is the crawler's description of a configured source. config, which imports no stage, has
// a Source of its own with crawler.Spec's fields: the conversion stops compiling if the two part.
func sourceSpec(s config.Source) crawler.Spec { return crawler.Spec(s) }

// buildSources builds the configured sources.
func buildSources(sources []config.Source, d sourceDeps) ([]crawler.Source, error) {
	var out []crawler.Source
	kinds := sourceKinds()
	for _, src := range sources {
		s := sourceSpec(src)
		if err := checkKind(s.Kind); err != nil {
			return nil, usageError{err}
		}
		if err := checkSourceOptions(s); err != nil {
			return nil, usageError{fmt.Errorf("source %s: %w", s.Name, err)}
		}
		src, err := kinds[s.Kind](s, d)
		if err != nil {
			return nil, usageError{err}
		}
		out = append(out, src)
	}
	return out, nil
}

// hostLimits gives each source that sets its own politeness a limit for its host.
func hostLimits(sources []config.Source) map[string]crawler.HostLimit {
	out := map[string]crawler.HostLimit{}
	for _, s := range sources {
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

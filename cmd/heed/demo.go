package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/demo"
	"github.com/heed-dev/heed/internal/atomicfile"
	"github.com/heed-dev/heed/report"
)

// demoConfig is the configuration `heed demo` writes and runs: an ordinary heed.yaml whose sources are
// the sample world's loopback servers.
var demoConfig = template.Must(template.New("demo").Parse(`# Written by ` + "`heed demo`" + `: the bundled sample world (Lark Cycles, a maker of e-bikes), whose
# sources were served from loopback while the demo ran. They are gone now, but the store in data/ keeps
# every run. Copy this file as a starting point for your own ({{.Self}}).
organisation:
  name: {{.World.Organisation}}
  brands: [{{range $i, $b := .World.Brands}}{{if $i}}, {{end}}"{{$b}}"{{end}}]
  site: {{.Servers.Site}}
  # the loopback copy's canonical links name the help centre's public host: the report links those
  canonical_hosts: [{{.World.Host}}]
  lang: en
sources:
  - name: search-suggest
    kind: opensearch
    base: "{{.Servers.Suggest}}"
    options: {hl: en}
  - name: bicycles-stackexchange
    kind: stackexchange
    base: {{.Servers.API}}
    options: {site: bicycles, pages: "3", pagesize: "30", sort: creation}
  - name: keyword-export
    kind: requests
    base: keywords.txt
  - name: site-search
    kind: sitesearch
    base: site-search.csv
    options: {format: csv}
  - name: search-console
    kind: searchconsole
    base: search-console.json
  - name: help-desk
    kind: helpdesk
    base: helpdesk-zendesk.json
    options: {format: zendesk}
seeds: ["lark e-bike", "lark battery", "lark app", "lark cargo"]
expand: [alphabet, questions, prepositions, comparisons]
crawl:
  parallel: 4
  delay: 5ms
  workers: 8
  retries: 1
jobs:
  - name: nightly
    schedule: "0 3 * * *"
    tz: Europe/London
storage:
  kind: embedded
  data: data
report:
  dir: .
`))

func cmdDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo", "[--out DIR]")
	out := fs.String("out", filepath.Join("out", "demo"), "where the demo writes its config, store and report")
	logLevel := fs.String("log-level", "warn", "debug, info, warn or error")
	if err := parse(fs, args); err != nil {
		return err
	}
	line, e := onTerminal(e)
	log, err := newLogger(e, *logLevel, "text")
	if err != nil {
		return err
	}
	world, err := demo.Load()
	if err != nil {
		return fmt.Errorf("load the sample world: %w", err)
	}
	srv, err := demo.Start(ctx, world)
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	for name, data := range map[string][]byte{"keywords.txt": world.Keywords, "site-search.csv": world.SiteSearch, "search-console.json": world.SearchConsole,
		"helpdesk-zendesk.json": world.HelpDesk} {
		if err := atomicfile.WriteFile(filepath.Join(*out, name), data); err != nil {
			return err
		}
	}
	cfgPath := filepath.Join(*out, "heed.yaml")
	var b strings.Builder
	if err := demoConfig.Execute(&b, map[string]any{"World": world, "Servers": srv, "Self": cfgPath}); err != nil {
		return fmt.Errorf("demo: write config: %w", err)
	}
	if err := atomicfile.WriteFile(cfgPath, []byte(b.String())); err != nil {
		return err
	}
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		return fmt.Errorf("demo: the config it wrote does not load: %w", err)
	}
	fmt.Fprintf(e.stderr, "heed demo: serving the sample world of %s from loopback (site %s); running the nightly job…\n", world.Organisation, srv.Site)
	sum, err := runJob(ctx, e, cfg, "", crawler.Shard{}, log, line)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, sum.Line())
	fmt.Fprintf(e.stdout, "\nReport:  %s\nGaps:    %s\nCSV:     %s\nConfig:  %s\n",
		filepath.Join(*out, report.HTMLFile), filepath.Join(*out, report.JSONFile), filepath.Join(*out, report.CSVFile), cfgPath)
	return nil
}

package ops

//go:generate go run ../tools/gendashboards -out dashboards

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/heed-dev/heed/store"
)

// The Grafana dashboards heed ships, defined here and written to ops/dashboards/ by `go generate ./ops`
// (a test checks the files match). Every panel queries the Prometheus data source chosen in the
// dashboard's ${datasource} variable, and the jobs chosen in ${job}.

// Panel is one dashboard panel: a visualisation of one or more PromQL expressions.
type Panel struct {
	Title       string
	Description string
	Type        string // stat, timeseries, barchart, bargauge, table
	Unit        string // Grafana unit: percentunit, short, s, dateTimeFromNow, ...
	Targets     []Target
	W, H        int
	// Min, Max bound the axis or gauge, when set.
	Min, Max *float64
	// Thresholds colour a stat: values from each step's value upwards get its colour.
	Thresholds []Step
	// Mappings show values as texts in colours (a status code as its name).
	Mappings []Mapping
}

// Target is one PromQL expression of a panel.
type Target struct {
	Expr   string
	Legend string
}

// Mapping shows a value as a text, in a colour.
type Mapping struct {
	Value       float64
	Text, Color string
}

// currentValue reports whether panels of type kind show a current value rather than a history: their
// queries are instant, so that only the series of the last scrape show (not, say, the topics that left the
// top ten during the dashboard's time range).
func currentValue(kind string) bool {
	switch kind {
	case "stat", "bargauge", "gauge", "table", "barchart", "piechart":
		return true
	}
	return false
}

// statusColors are the colours of the run statuses.
var statusColors = map[string]string{store.StatusOK: "green", store.StatusPartial: "orange", store.StatusFailed: "red"}

// statusCode is an expression of each job's last run status as a number, 1 for the first of statuses, 2
// for the second...; statusMappings shows each number as its status.
func statusCode() string {
	var parts []string
	for i, st := range statuses {
		parts = append(parts, fmt.Sprintf(`%d * heed_run_last_status{heed_job=~"$job",status=%q}`, i+1, st))
	}
	return "max by (heed_job) (" + strings.Join(parts, " or ") + ")"
}

func statusMappings() []Mapping {
	var out []Mapping
	for i, st := range statuses {
		out = append(out, Mapping{Value: float64(i + 1), Text: st, Color: statusColors[st]})
	}
	return out
}

// Step is one threshold step.
type Step struct {
	Color string
	Value *float64 // nil: the base step
}

// Dashboard is one Grafana dashboard.
type Dashboard struct {
	File, UID, Title, Description string
	Panels                        []Panel
}

func f64(x float64) *float64 { return &x }

// Dashboards are the shipped dashboards.
var Dashboards = []Dashboard{
	{
		File: "heed-coverage.json", UID: "heed-coverage", Title: "heed: coverage and gaps",
		Description: "How much of what customers ask the organisation's pages answer, where the gaps are and how much demand they hold. One point per run.",
		Panels: []Panel{
			{Title: "Coverage", Description: "Share of the last run's requests a page answers.", Type: "stat", Unit: "percentunit", W: 6, H: 5,
				Targets:    []Target{{`heed_coverage_ratio{heed_job=~"$job",intent="all"}`, "{{heed_job}}"}},
				Thresholds: []Step{{"red", nil}, {"orange", f64(0.5)}, {"green", f64(0.75)}}},
			{Title: "Open gaps", Description: "Requests no page answers, or answers with the wrong kind of page.", Type: "stat", Unit: "short", W: 6, H: 5,
				Targets: []Target{{`sum by (heed_job) (heed_gaps{heed_job=~"$job",intent="all"})`, "{{heed_job}}"}}},
			{Title: "Gap topics", Description: "Briefs the open gaps group into: pages to write.", Type: "stat", Unit: "short", W: 6, H: 5,
				Targets: []Target{{`heed_gap_topics{heed_job=~"$job"}`, "{{heed_job}}"}}},
			{Title: "Requests heard", Description: "Distinct requests of the last run.", Type: "stat", Unit: "short", W: 6, H: 5,
				Targets: []Target{{`heed_requests{heed_job=~"$job",intent="all"}`, "{{heed_job}}"}}},
			{Title: "Coverage over time by intent", Type: "timeseries", Unit: "percentunit", W: 12, H: 9, Min: f64(0), Max: f64(1),
				Targets: []Target{{`heed_coverage_ratio{heed_job=~"$job"}`, "{{heed_job}} {{intent}}"}}},
			{Title: "Open gaps by intent and kind", Type: "timeseries", Unit: "short", W: 12, H: 9,
				Targets: []Target{{`sum by (intent, kind) (heed_gaps{heed_job=~"$job",intent!="all"})`, "{{intent}} {{kind}}"}}},
			{Title: "Demand in open gaps by intent", Description: "Summed demand score (evidence from the sources: suggestion positions, forum votes and views, recurrence), not search volume.", Type: "bargauge", Unit: "short", W: 8, H: 8,
				Targets: []Target{{`sum by (intent) (heed_gap_demand{heed_job=~"$job",intent!="all"})`, "{{intent}}"}}},
			{Title: "Top gap topics by demand", Description: "The ten gap topics with most demand in the last run; the report lists their requests.", Type: "bargauge", Unit: "short", W: 8, H: 8,
				Targets: []Target{{`sort_desc(max by (rank, topic, label) (heed_gap_topic_demand{heed_job=~"$job"}))`, "{{rank}}. {{label}}"}}},
			{Title: "Coverage by source", Type: "bargauge", Unit: "percentunit", W: 8, H: 8, Min: f64(0), Max: f64(1),
				Targets: []Target{{`heed_source_coverage_ratio{heed_job=~"$job"}`, "{{source}}"}}},
			{Title: "Requests: new, recurring, disappeared", Type: "timeseries", Unit: "short", W: 12, H: 8,
				Targets: []Target{{`heed_requests_change{heed_job=~"$job"}`, "{{heed_job}} {{change}}"}}},
			{Title: "Set aside: service issues and won't answer", Type: "timeseries", Unit: "short", W: 12, H: 8,
				Targets: []Target{{`heed_requests_set_aside{heed_job=~"$job"}`, "{{heed_job}} {{kind}}"}}},
			{Title: "Gaps closed per day", Description: "Gaps a page answers now that the run before called gaps: a new page, or a pin.", Type: "timeseries", Unit: "short", W: 8, H: 8,
				Targets: []Target{{`sum by (heed_job) (increase(heed_gaps_closed_total{heed_job=~"$job"}[1d]))`, "{{heed_job}}"}}},
			{Title: "Time to close a gap (median, 90th percentile)", Description: "From a gap's first sighting to the run that found it answered, over the last 30 days.", Type: "timeseries", Unit: "s", W: 8, H: 8,
				Targets: []Target{
					{`histogram_quantile(0.5, sum by (le, heed_job) (increase(heed_gap_time_to_close_seconds_bucket{heed_job=~"$job"}[30d])))`, "median {{heed_job}}"},
					{`histogram_quantile(0.9, sum by (le, heed_job) (increase(heed_gap_time_to_close_seconds_bucket{heed_job=~"$job"}[30d])))`, "p90 {{heed_job}}"},
				}},
			{Title: "Demand by kind of source", Description: "Summed demand of the last run's requests by the kind of source they were heard from; a request heard from several counts under each.", Type: "bargauge", Unit: "short", W: 8, H: 8,
				Targets: []Target{{`sum by (kind) (heed_source_kind_demand{heed_job=~"$job"})`, "{{kind}}"}}},
			{Title: "Estimated share of gaps", Description: "The share of gaps the gap decision estimated among each run's requests and moved its threshold for (0 when the pages gave too little to estimate from): a jump means the requests changed, and the gap counts with them.", Type: "timeseries", Unit: "percentunit", W: 8, H: 8, Min: f64(0), Max: f64(1),
				Targets: []Target{{`heed_gap_share{heed_job=~"$job"}`, "{{heed_job}}"}}},
		},
	},
	{
		File: "heed-operations.json", UID: "heed-operations", Title: "heed: crawl health and job freshness",
		Description: "Whether the nightly jobs run, how the sources answer, and how fast the responder is.",
		Panels: []Panel{
			{Title: "Hours since last successful run", Type: "stat", Unit: "h", W: 6, H: 5,
				Targets:    []Target{{`(time() - heed_run_last_success_timestamp_seconds{heed_job=~"$job"}) / 3600`, "{{heed_job}}"}},
				Thresholds: []Step{{"green", nil}, {"orange", f64(24)}, {"red", f64(26)}}},
			{Title: "Last run status", Type: "stat", Unit: "none", W: 6, H: 5,
				Targets:  []Target{{statusCode(), "{{heed_job}}"}},
				Mappings: statusMappings()},
			{Title: "Next scheduled start", Type: "stat", Unit: "dateTimeFromNow", W: 6, H: 5,
				Targets: []Target{{`heed_job_next_run_timestamp_seconds{heed_job=~"$job"} * 1000`, "{{heed_job}}"}}},
			{Title: "Run duration", Type: "timeseries", Unit: "s", W: 6, H: 5,
				Targets: []Target{{`heed_run_duration_seconds{heed_job=~"$job"}`, "{{heed_job}}"}}},
			{Title: "Requests by source", Description: "What each source surfaced in the last run: a collapse means a source changed or blocks heed.", Type: "timeseries", Unit: "short", W: 12, H: 8,
				Targets: []Target{{`heed_source_requests{heed_job=~"$job"}`, "{{source}}"}}},
			{Title: "Crawl units by source and result", Type: "timeseries", Unit: "short", W: 12, H: 8,
				Targets: []Target{{`heed_source_units{heed_job=~"$job"}`, "{{source}} {{result}}"}}},
			{Title: "Crawler HTTP requests by status", Type: "timeseries", Unit: "reqps", W: 8, H: 8,
				Targets: []Target{{`sum by (source, code) (rate(heed_crawl_http_requests_total[$__rate_interval]))`, "{{source}} {{code}}"}}},
			{Title: "Source errors by reason", Type: "timeseries", Unit: "short", W: 8, H: 8,
				Targets: []Target{{`sum by (source, reason) (increase(heed_crawl_source_errors_total[1h]))`, "{{source}} {{reason}}"}}},
			{Title: "Crawl retries", Type: "timeseries", Unit: "reqps", W: 4, H: 8,
				Targets: []Target{{`sum by (source) (rate(heed_crawl_retries_total[$__rate_interval]))`, "{{source}}"}}},
			{Title: "Rate-limit waits", Description: "Seconds spent waiting for each source's rate limit, per second: 1 is one worker waiting all the time.", Type: "timeseries", Unit: "short", W: 4, H: 8,
				Targets: []Target{{`sum by (source) (rate(heed_crawl_rate_limit_wait_seconds_total[$__rate_interval]))`, "{{source}}"}}},
			{Title: "Responder latency (p50, p99)", Type: "timeseries", Unit: "s", W: 12, H: 8,
				Targets: []Target{
					{`histogram_quantile(0.5, sum by (le, handler) (rate(heed_http_request_duration_seconds_bucket[$__rate_interval])))`, "p50 {{handler}}"},
					{`histogram_quantile(0.99, sum by (le, handler) (rate(heed_http_request_duration_seconds_bucket[$__rate_interval])))`, "p99 {{handler}}"},
				}},
			{Title: "Runs and refused starts", Type: "timeseries", Unit: "short", W: 12, H: 8,
				Targets: []Target{
					{`sum by (heed_job, status) (increase(heed_runs_total{heed_job=~"$job"}[1d]))`, "{{heed_job}} {{status}}"},
					{`sum by (heed_job) (increase(heed_runs_refused_total{heed_job=~"$job"}[1d]))`, "{{heed_job}} refused"},
				}},
		},
	},
}

// JSON renders the dashboard as Grafana's dashboard JSON (schema version 39).
func (d Dashboard) JSON() ([]byte, error) {
	ds := map[string]any{"type": "prometheus", "uid": "${datasource}"}
	var panels []any
	x, y, rowH := 0, 0, 0
	for i, p := range d.Panels {
		if x+p.W > 24 {
			x, y, rowH = 0, y+rowH, 0
		}
		panel := p.json(ds)
		panel["id"] = i + 1
		panel["gridPos"] = map[string]int{"x": x, "y": y, "w": p.W, "h": p.H}
		panels = append(panels, panel)
		x += p.W
		rowH = max(rowH, p.H)
	}
	db := map[string]any{
		"uid": d.UID, "title": d.Title, "description": d.Description, "tags": []string{"heed"},
		"schemaVersion": 39, "version": 1, "editable": true, "graphTooltip": 1,
		"time": map[string]string{"from": "now-30d", "to": "now"}, "refresh": "5m", "timezone": "",
		"templating": map[string]any{"list": []any{
			map[string]any{"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
				"current": map[string]any{}, "hide": 0, "refresh": 1, "options": []any{}},
			map[string]any{"name": "job", "label": "Job", "type": "query", "datasource": ds,
				"query":      map[string]any{"query": "label_values(heed_run_last_finished_timestamp_seconds, heed_job)", "refId": "jobs"},
				"definition": "label_values(heed_run_last_finished_timestamp_seconds, heed_job)",
				"includeAll": true, "multi": true, "allValue": ".*", "refresh": 2, "sort": 1,
				"current": map[string]any{"text": "All", "value": "$__all"}, "options": []any{}},
		}},
		"annotations": map[string]any{"list": []any{}},
		"panels":      panels,
	}
	b, err := json.MarshalIndent(db, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", d.UID, err)
	}
	return append(b, '\n'), nil
}

// json is the panel as Grafana's panel JSON, without its id and position. A panel that shows a current
// value runs instant queries and shows each series' last value.
func (p Panel) json(ds map[string]any) map[string]any {
	current := currentValue(p.Type)
	var targets []any
	for j, t := range p.Targets {
		tg := map[string]any{"refId": string(rune('A' + j)), "expr": t.Expr, "legendFormat": t.Legend, "datasource": ds,
			"instant": current, "range": !current}
		if p.Type == "table" {
			tg["format"] = "table"
		}
		targets = append(targets, tg)
	}
	defaults := map[string]any{"unit": p.Unit}
	if p.Min != nil {
		defaults["min"] = *p.Min
	}
	if p.Max != nil {
		defaults["max"] = *p.Max
	}
	if len(p.Thresholds) > 0 {
		var steps []any
		for _, s := range p.Thresholds {
			steps = append(steps, map[string]any{"color": s.Color, "value": s.Value})
		}
		defaults["thresholds"] = map[string]any{"mode": "absolute", "steps": steps}
	}
	if len(p.Mappings) > 0 {
		values := map[string]any{}
		for i, m := range p.Mappings {
			values[strconv.FormatFloat(m.Value, 'f', -1, 64)] = map[string]any{"text": m.Text, "color": m.Color, "index": i}
		}
		defaults["mappings"] = []any{map[string]any{"type": "value", "options": values}}
		defaults["color"] = map[string]any{"mode": "thresholds"}
	}
	options := map[string]any{"legend": map[string]any{"showLegend": true, "displayMode": "list", "placement": "bottom"}}
	switch p.Type {
	case "stat", "bargauge", "gauge", "piechart":
		options["reduceOptions"] = map[string]any{"calcs": []string{"lastNotNull"}, "fields": "", "values": false}
	}
	switch p.Type {
	case "stat":
		options["graphMode"], options["colorMode"], options["textMode"] = "none", "value", "auto"
	case "bargauge":
		options["displayMode"], options["orientation"], options["showUnfilled"] = "gradient", "horizontal", true
	}
	return map[string]any{
		"type": p.Type, "title": p.Title, "description": p.Description, "datasource": ds,
		"targets":     targets,
		"fieldConfig": map[string]any{"defaults": defaults, "overrides": []any{}},
		"options":     options,
	}
}

package ops

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"github.com/heed-dev/heed/crawler"
)

// metricNames are every metric heed exposes, by family name: what heed's constructors register,
// described (a vector without series yet is not gathered, but is described).
func metricNames(t *testing.T) map[string]bool {
	t.Helper()
	var cs []prometheus.Collector
	collect := registererFunc(func(c prometheus.Collector) { cs = append(cs, c) })
	NewMetrics(collect, "test")
	crawler.NewMetrics(collect)
	descs := make(chan *prometheus.Desc, 1024)
	go func() {
		for _, c := range cs {
			c.Describe(descs)
		}
		close(descs)
	}()
	fq := regexp.MustCompile(`fqName: "([a-z_:]+)"`)
	names := map[string]bool{}
	for d := range descs {
		if m := fq.FindStringSubmatch(d.String()); m != nil {
			names[m[1]] = true
		}
	}
	return names
}

// registererFunc collects what is registered.
type registererFunc func(prometheus.Collector)

func (f registererFunc) Register(c prometheus.Collector) error { f(c); return nil }
func (f registererFunc) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		f(c)
	}
}
func (f registererFunc) Unregister(prometheus.Collector) bool { return false }

var metricRef = regexp.MustCompile(`\bheed_[a-z_]+`)

// checkExpr reports the heed metrics an expression names that heed does not expose.
func checkExpr(t *testing.T, where, expr string, names map[string]bool) {
	t.Helper()
	refs := metricRef.FindAllString(expr, -1)
	if len(refs) == 0 {
		t.Errorf("%s: %q names no heed metric", where, expr)
	}
	for _, r := range refs {
		if r == "heed_job" {
			continue // the label
		}
		base := r
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if b, ok := strings.CutSuffix(r, suffix); ok && names[b] {
				base = b
			}
		}
		if !names[base] {
			t.Errorf("%s: %q names %s, which heed does not expose", where, expr, r)
		}
	}
}

func TestDashboards(t *testing.T) {
	names := metricNames(t)
	if !names["heed_coverage_ratio"] || !names["heed_crawl_requests_total"] {
		t.Fatalf("metric names not collected: %v", names)
	}
	for _, d := range Dashboards {
		t.Run(d.File, func(t *testing.T) {
			want, err := d.JSON()
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join("dashboards", d.File))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Fatalf("dashboards/%s differs from ops.Dashboards: run go generate ./ops", d.File)
			}
			var db struct {
				UID        string `json:"uid"`
				Title      string `json:"title"`
				Templating struct {
					List []struct{ Name, Type string } `json:"list"`
				} `json:"templating"`
				Panels []gotPanel `json:"panels"`
			}
			if err := json.Unmarshal(got, &db); err != nil {
				t.Fatal(err)
			}
			vars := map[string]string{}
			for _, v := range db.Templating.List {
				vars[v.Name] = v.Type
			}
			if vars["datasource"] != "datasource" || vars["job"] != "query" {
				t.Errorf("variables %v: want a datasource variable and a job query", vars)
			}
			ids := map[int]bool{}
			for _, p := range db.Panels {
				if ids[p.ID] || p.Title == "" || p.GridPos.W <= 0 || p.GridPos.X+p.GridPos.W > 24 || len(p.Targets) == 0 {
					t.Errorf("panel %d %q: duplicate id, no title, bad position or no query", p.ID, p.Title)
				}
				ids[p.ID] = true
				if p.Datasource.UID != "${datasource}" {
					t.Errorf("panel %q uses datasource %q, not ${datasource}", p.Title, p.Datasource.UID)
				}
				for _, tg := range p.Targets {
					if tg.Datasource.UID != "${datasource}" || tg.RefID == "" {
						t.Errorf("panel %q: target %+v", p.Title, tg)
					}
					checkExpr(t, p.Title, tg.Expr, names)
				}
				checkCurrentValues(t, p)
				checkStatusMappings(t, p)
				checkUnits(t, p)
				checkTopicLabels(t, p)
			}
		})
	}
}

// gotPanel is what the tests read of a panel of a dashboard file.
type gotPanel struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource struct{ Type, UID string }
	GridPos    struct{ X, Y, W, H int } `json:"gridPos"`
	Targets    []struct {
		Expr       string `json:"expr"`
		Legend     string `json:"legendFormat"`
		RefID      string `json:"refId"`
		Instant    *bool  `json:"instant"`
		Range      *bool  `json:"range"`
		Datasource struct{ UID string }
	} `json:"targets"`
	Options struct {
		ReduceOptions *struct {
			Calcs []string `json:"calcs"`
		} `json:"reduceOptions"`
	} `json:"options"`
	FieldConfig struct {
		Defaults struct {
			Unit     string `json:"unit"`
			Mappings []struct {
				Type    string `json:"type"`
				Options map[string]struct {
					Text  string `json:"text"`
					Color string `json:"color"`
				} `json:"options"`
			} `json:"mappings"`
		} `json:"defaults"`
		Overrides []struct {
			Matcher    struct{ ID, Options string } `json:"matcher"`
			Properties []struct {
				ID    string `json:"id"`
				Value any    `json:"value"`
			} `json:"properties"`
		} `json:"overrides"`
	} `json:"fieldConfig"`
}

// currentValue are the panel types that show a current value: their queries are instant (a range query
// would show series gone since, such as topics that left the top ten, over the whole time range), and those
// that reduce a series take its last value.
var currentPanels = map[string]struct{ reduces bool }{
	"stat": {true}, "bargauge": {true}, "gauge": {true}, "table": {false}, "barchart": {false}, "piechart": {true},
}

func checkCurrentValues(t *testing.T, p gotPanel) {
	t.Helper()
	kind, current := currentPanels[p.Type]
	for _, tg := range p.Targets {
		instant := tg.Instant != nil && *tg.Instant
		ranged := tg.Range == nil || *tg.Range
		if current && (!instant || ranged) {
			t.Errorf("%s panel %q: target %s is not an instant query (instant %v, range %v)", p.Type, p.Title, tg.RefID, instant, ranged)
		}
		if !current && (instant || !ranged) {
			t.Errorf("%s panel %q: target %s is not a range query", p.Type, p.Title, tg.RefID)
		}
	}
	if current && kind.reduces {
		if r := p.Options.ReduceOptions; r == nil || !cmp.Equal(r.Calcs, []string{"lastNotNull"}) {
			t.Errorf("%s panel %q does not reduce to the last value: %+v", p.Type, p.Title, r)
		}
	}
}

var statusMetric = regexp.MustCompile(`\bheed_[a-z_]*_status\b`)

// checkStatusMappings: a panel that shows a status metric maps every status to a text and a colour.
func checkStatusMappings(t *testing.T, p gotPanel) {
	t.Helper()
	shows := false
	for _, tg := range p.Targets {
		shows = shows || statusMetric.MatchString(tg.Expr)
	}
	if !shows {
		return
	}
	texts := map[string]bool{}
	for _, m := range p.FieldConfig.Defaults.Mappings {
		for v, o := range m.Options {
			if o.Text == "" || o.Color == "" {
				t.Errorf("panel %q maps %s to text %q, colour %q", p.Title, v, o.Text, o.Color)
			}
			texts[o.Text] = true
		}
	}
	for _, s := range statuses {
		if !texts[s] {
			t.Errorf("panel %q shows a status but maps no value to %q (mappings %+v)", p.Title, s, p.FieldConfig.Defaults.Mappings)
		}
	}
}

// checkUnits: the queries of a time series panel measure one thing, or those that measure another have
// an axis of their own (an override of their unit and axis placement).
func checkUnits(t *testing.T, p gotPanel) {
	t.Helper()
	if p.Type != "timeseries" {
		return
	}
	ownAxis := map[string]bool{}
	for _, o := range p.FieldConfig.Overrides {
		var unit, axis bool
		for _, pr := range o.Properties {
			unit = unit || pr.ID == "unit"
			axis = axis || pr.ID == "custom.axisPlacement"
		}
		if o.Matcher.ID == "byFrameRefID" && unit && axis {
			ownAxis[o.Matcher.Options] = true
		}
	}
	units := map[string][]string{}
	for _, tg := range p.Targets {
		if !ownAxis[tg.RefID] {
			u := exprUnit(tg.Expr)
			units[u] = append(units[u], tg.RefID)
		}
	}
	if len(units) > 1 {
		t.Errorf("panel %q puts %v on one axis", p.Title, units)
	}
}

// checkTopicLabels: a panel of gap topics names them by their label (a request), not their key (stems).
func checkTopicLabels(t *testing.T, p gotPanel) {
	t.Helper()
	for _, tg := range p.Targets {
		if strings.Contains(tg.Expr, "heed_gap_topic_demand") && (!strings.Contains(tg.Legend, "{{label}}") || strings.Contains(tg.Legend, "{{topic}}")) {
			t.Errorf("panel %q names topics by %q, not by their label", p.Title, tg.Legend)
		}
	}
}

// exprUnit is what an expression measures, judged from the heed metric it names (its name ends in its
// base unit) and the function around it.
func exprUnit(expr string) string {
	name := ""
	for _, r := range metricRef.FindAllString(expr, -1) {
		if r != "heed_job" {
			name = strings.TrimSuffix(r, "_bucket")
			break
		}
	}
	counter, hasTotal := strings.CutSuffix(name, "_total")
	switch {
	case strings.Contains(expr, "histogram_quantile("):
		return strings.TrimPrefix(name[strings.LastIndex(name, "_"):], "_")
	case hasTotal && strings.Contains(expr, "rate("):
		if strings.HasSuffix(counter, "_seconds") {
			return "seconds per second"
		}
		return "per second"
	case hasTotal && strings.HasSuffix(counter, "_seconds"):
		return "seconds"
	case hasTotal:
		return "count"
	case strings.HasSuffix(name, "_timestamp_seconds"):
		return "timestamp"
	case strings.HasSuffix(name, "_seconds"):
		return "seconds"
	case strings.HasSuffix(name, "_ratio"):
		return "ratio"
	}
	return "count"
}

func TestExprUnit(t *testing.T) {
	for _, tt := range []struct{ expr, want string }{
		{`heed_coverage_ratio{heed_job=~"$job"}`, "ratio"},
		{`sum by (source) (rate(heed_crawl_retries_total[5m]))`, "per second"},
		{`sum by (source) (rate(heed_crawl_rate_limit_wait_seconds_total[5m]))`, "seconds per second"},
		{`sum by (heed_job) (increase(heed_runs_total{heed_job=~"$job"}[1d]))`, "count"},
		{`histogram_quantile(0.99, sum by (le) (rate(heed_http_request_duration_seconds_bucket[5m])))`, "seconds"},
		{`heed_run_duration_seconds{heed_job=~"$job"}`, "seconds"},
		{`heed_job_next_run_timestamp_seconds * 1000`, "timestamp"},
		{`heed_source_requests{heed_job=~"$job"}`, "count"},
	} {
		if got := exprUnit(tt.expr); got != tt.want {
			t.Errorf("exprUnit(%q) = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

// Rule is one alerting rule of ops/alerts.
type Rule struct {
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// AlertRules reads the shipped alerting rules.
func AlertRules(t *testing.T) []Rule {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("alerts", "heed.rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []Rule `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	var out []Rule
	for _, g := range f.Groups {
		out = append(out, g.Rules...)
	}
	return out
}

func TestAlertRules(t *testing.T) {
	names := metricNames(t)
	rules := AlertRules(t)
	want := map[string]bool{"HeedJobNotSucceeded": false, "HeedSourceFailing": false, "HeedCoverageDropping": false, "HeedCrawlYieldCollapsed": false}
	for _, r := range rules {
		if _, ok := want[r.Alert]; ok {
			want[r.Alert] = true
		}
		if r.Labels["severity"] == "" || r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
			t.Errorf("%s: severity, summary or description missing", r.Alert)
		}
		checkExpr(t, r.Alert, r.Expr, names)
	}
	for a, found := range want {
		if !found {
			t.Errorf("no %s rule", a)
		}
	}
	if !strings.Contains(exprOf(rules, "HeedJobNotSucceeded"), "26 * 3600") {
		t.Error("HeedJobNotSucceeded does not fire after 26 hours")
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("HEED_REQUIRE_PROMETHEUS") == "1" {
			t.Fatal("HEED_REQUIRE_PROMETHEUS=1 but promtool is not installed (apt-get install prometheus)")
		}
		t.Skip("promtool not installed: the rules' syntax is checked in CI")
	}
	out, err := exec.Command(promtool, "check", "rules", filepath.Join("alerts", "heed.rules.yml")).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
}

func exprOf(rules []Rule, name string) string {
	for _, r := range rules {
		if r.Alert == name {
			return r.Expr
		}
	}
	return ""
}

package ops

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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
				Panels []struct {
					ID         int    `json:"id"`
					Type       string `json:"type"`
					Title      string `json:"title"`
					Datasource struct{ Type, UID string }
					GridPos    struct{ X, Y, W, H int } `json:"gridPos"`
					Targets    []struct {
						Expr       string `json:"expr"`
						RefID      string `json:"refId"`
						Datasource struct{ UID string }
					} `json:"targets"`
				} `json:"panels"`
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
			}
		})
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

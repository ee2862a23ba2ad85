package report

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBarChart(t *testing.T) {
	all := string(barChart("Demand", []bar{{label: "<script>alert(1)</script> topic", value: 10}, {label: "half", value: 5, good: 2}}, ""))
	if strings.Contains(all, "<script>") {
		t.Error("a label reached the chart unescaped")
	}
	svg, _, _ := strings.Cut(all, "</svg>") // the wide layout
	if strings.Contains(svg, "<script>") || !strings.Contains(svg, "&lt;script&gt;") {
		t.Error("a label reached the chart unescaped")
	}
	re := regexp.MustCompile(`<rect x="\d+" y="\d+" width="([0-9.]+)" height="\d+" class="cbar">`)
	m := re.FindAllStringSubmatch(svg, -1)
	if len(m) != 2 {
		t.Fatalf("%d bars in %s", len(m), svg)
	}
	a, _ := strconv.ParseFloat(m[0][1], 64)
	b, _ := strconv.ParseFloat(m[1][1], 64)
	if a <= 0 || b*2 != a {
		t.Errorf("bar widths %v and %v: want the second half the first", a, b)
	}
	if !strings.Contains(svg, `class="cbar good"`) {
		t.Error("the answered part is not drawn")
	}
	if got := string(barChart("x", nil, "")); !strings.Contains(got, "Nothing to chart") {
		t.Errorf("empty chart: %s", got)
	}
}

func TestLineChart(t *testing.T) {
	all := string(lineChart("c", []string{"Nov 1", "Nov 2"}, map[string][]float64{"all": {0.5, 0.75}, "<b>": {0.5, 0.75}}))
	if strings.Contains(all, "<b>") {
		t.Errorf("line chart: %s", all)
	}
	svg, _, _ := strings.Cut(all, "</svg>") // the wide layout
	if strings.Count(svg, "<polyline") != 2 || strings.Contains(svg, "<b>") {
		t.Errorf("line chart: %s", svg)
	}
	ys := regexp.MustCompile(`class="lbl s\d">`).FindAllStringIndex(svg, -1)
	if len(ys) != 2 {
		t.Fatalf("%d end labels", len(ys))
	}
	// Two lines ending at the same value get labels apart.
	lab := regexp.MustCompile(`<text x="\d+" y="([0-9.]+)" class="lbl`).FindAllStringSubmatch(svg, -1)
	y1, _ := strconv.ParseFloat(lab[0][1], 64)
	y2, _ := strconv.ParseFloat(lab[1][1], 64)
	if d := y1 - y2; d < 12 && d > -12 {
		t.Errorf("end labels %v and %v overlap", y1, y2)
	}
}

func TestChartsOfAReport(t *testing.T) {
	now := time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)
	r := &Report{History: []History{{Finished: now.Add(-24 * time.Hour), Coverage: 0.4, ByIntent: map[string]Coverage{"informational": {Coverage: 0.5}}},
		{Finished: now, Coverage: 0.5, ByIntent: map[string]Coverage{"informational": {Coverage: 0.6}}}},
		Summary: Summary{ByIntent: map[string]Coverage{"informational": {Requests: 10, Answered: 6, Coverage: 0.6}}},
		Sources: []Source{{Name: "suggest", Requests: 10, Answered: 6}}}
	c := chartsOf(r)
	for name, svg := range map[string]string{"coverage": string(c.Coverage), "intents": string(c.IntentMix), "sources": string(c.Sources)} {
		if !strings.Contains(svg, "<svg") {
			t.Errorf("%s chart missing: %s", name, svg)
		}
	}
	if !strings.Contains(string(c.Coverage), "informational 60%") || !strings.Contains(string(c.Coverage), "all 50%") {
		t.Errorf("coverage chart: %s", c.Coverage)
	}
}

// TestTrendOfOneRun: the first run's trend shows its one point and value, not an empty box.
func TestTrendOfOneRun(t *testing.T) {
	svg := string(lineChart("c", []string{"Nov 1"}, map[string][]float64{"all": {0.5}}))
	for _, want := range []string{"<svg", "<circle", "all 50%", "one run so far"} {
		if !strings.Contains(svg, want) {
			t.Errorf("one-run trend lacks %q: %s", want, svg)
		}
	}
}

// TestTrendLabelsRunsOfOneDay: two runs on one day are told apart by their time.
func TestTrendLabelsRunsOfOneDay(t *testing.T) {
	day := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name  string
		times []time.Time
		want  []string
	}{
		{"days apart", []time.Time{day.Add(-24 * time.Hour), day}, []string{"Nov 29", "Nov 30"}},
		{"one day", []time.Time{day, day.Add(5*time.Hour + 7*time.Minute)}, []string{"Nov 30 03:00", "Nov 30 08:07"}},
		{"one", []time.Time{day}, []string{"Nov 30"}},
	} {
		if diff := cmp.Diff(tt.want, trendLabels(tt.times)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestTrendDrawsZeroCoverage: an intent heard but never answered is a line at 0%, not left out; one
// never heard is left out.
func TestTrendDrawsZeroCoverage(t *testing.T) {
	now := time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)
	r := &Report{History: []History{
		{Finished: now.Add(-time.Hour), Coverage: 0.4, ByIntent: map[string]Coverage{"transactional": {Requests: 3}}},
		{Finished: now, Coverage: 0.5, ByIntent: map[string]Coverage{"transactional": {Requests: 4}}}}}
	svg := string(chartsOf(r).Coverage)
	if !strings.Contains(svg, "transactional 0%") {
		t.Errorf("the 0%% line of transactional is not drawn: %s", svg)
	}
	if strings.Contains(svg, "navigational") {
		t.Errorf("an intent never heard is drawn: %s", svg)
	}
}

// TestChartsHaveAPhoneLayout: each chart comes in a layout drawn for a phone's width, whose text is
// not scaled below readable: a viewBox no wider than 400 units with 14-unit text.
func TestChartsHaveAPhoneLayout(t *testing.T) {
	for name, svg := range map[string]string{
		"bars":  string(barChart("b", []bar{{label: "a long topic label that goes on", value: 3, good: 1, note: " (3 req.)"}}, "")),
		"trend": string(lineChart("c", []string{"Nov 1", "Nov 2"}, map[string][]float64{"all": {0.5, 0.6}})),
	} {
		m := regexp.MustCompile(`<svg class="chart narrow" viewBox="0 0 (\d+) \d+"`).FindStringSubmatch(svg)
		if m == nil {
			t.Errorf("%s: no phone layout: %s", name, svg)
			continue
		}
		if w, _ := strconv.Atoi(m[1]); w > 400 {
			t.Errorf("%s: phone layout %d units wide", name, w)
		}
		if !strings.Contains(svg, `<svg class="chart wide"`) {
			t.Errorf("%s: no wide layout", name)
		}
	}
	if !strings.Contains(reportCSS, "svg.chart.narrow") || !strings.Contains(reportCSS, "@media (max-width: 640px)") {
		t.Error("report.css does not switch the charts' layouts by width")
	}
}

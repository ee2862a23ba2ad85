package report

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestBarChart(t *testing.T) {
	svg := string(barChart("Demand", []bar{{label: "<script>alert(1)</script> topic", value: 10}, {label: "half", value: 5, good: 2}}, ""))
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
	if got := string(lineChart("c", []string{"Nov 1"}, map[string][]float64{"all": {0.5}})); !strings.Contains(got, "second run") {
		t.Errorf("one run: %s", got)
	}
	svg := string(lineChart("c", []string{"Nov 1", "Nov 2"}, map[string][]float64{"all": {0.5, 0.75}, "<b>": {0.5, 0.75}}))
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

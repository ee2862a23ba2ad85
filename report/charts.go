package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/heed-dev/heed"
)

// The report's charts are inline SVG drawn here, from numbers and escaped labels only: no script, no
// library, nothing loaded; they print and scale with the page.

// bar is one bar of a horizontal bar chart: value, and the part of it that is good (answered).
type bar struct {
	label       string
	value, good float64
	note        string
}

const chartWidth = 640

// barChart draws horizontal bars, longest first as given.
func barChart(title string, bars []bar, unit string) template.HTML {
	if len(bars) == 0 {
		return template.HTML(`<p class="muted">Nothing to chart yet.</p>`)
	}
	const rowH, labelW, pad = 24, 200, 8
	max := 0.0
	for _, b := range bars {
		max = maxf(max, b.value)
	}
	if max == 0 {
		max = 1
	}
	h := len(bars)*rowH + 2*pad
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`, chartWidth, h, esc(title), esc(title))
	barW := float64(chartWidth - labelW - 150)
	for i, b := range bars {
		y := pad + i*rowH
		w := barW * b.value / max
		g := barW * b.good / max
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="lbl" text-anchor="end">%s</text>`, labelW-6, y+16, esc(truncate(b.label, 30)))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" class="cbar"><title>%s: %s%s</title></rect>`, labelW, y+4, w, rowH-8, esc(b.label), num(b.value), esc(unit))
		if b.good > 0 {
			fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" class="cbar good"/>`, labelW, y+4, g, rowH-8)
		}
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" class="val">%s%s</text>`, float64(labelW)+w+6, y+16, num(b.value), esc(b.note))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// lineChart draws coverage (0..1) over runs, one line per series.
func lineChart(title string, xs []string, series map[string][]float64) template.HTML {
	if len(xs) < 2 {
		return template.HTML(`<p class="muted">The trend appears from the second run on.</p>`)
	}
	const h, left, right, top, bottom = 220, 40, 110, 10, 30
	w := chartWidth
	names := make([]string, 0, len(series))
	for n := range series {
		names = append(names, n)
	}
	slices.Sort(names)
	x := func(i int) float64 { return left + float64(w-left-right)*float64(i)/float64(len(xs)-1) }
	y := func(v float64) float64 { return top + float64(h-top-bottom)*(1-v) }
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`, w, h, esc(title), esc(title))
	for _, v := range []float64{0, 0.25, 0.5, 0.75, 1} {
		fmt.Fprintf(&sb, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><text x="%d" y="%.1f" class="axis" text-anchor="end">%.0f%%</text>`,
			left, w-right, y(v), y(v), left-4, y(v)+4, v*100)
	}
	for i, label := range xs {
		if len(xs) <= 12 || i%(len(xs)/12+1) == 0 || i == len(xs)-1 {
			fmt.Fprintf(&sb, `<text x="%.1f" y="%d" class="axis" text-anchor="middle">%s</text>`, x(i), h-8, esc(label))
		}
	}
	// End labels, moved apart where lines end close together.
	labelY := map[string]float64{}
	byLast := slices.Clone(names)
	slices.SortFunc(byLast, func(a, b string) int {
		la, lb := series[a][len(series[a])-1], series[b][len(series[b])-1]
		switch {
		case la > lb:
			return -1
		case la < lb:
			return 1
		}
		return strings.Compare(a, b)
	})
	prev := -100.0
	for _, n := range byLast {
		ly := math.Max(y(series[n][len(series[n])-1])+4, prev+12)
		labelY[n], prev = ly, ly
	}
	for k, n := range names {
		pts := make([]string, 0, len(xs))
		for i, v := range series[n] {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		last := series[n][len(series[n])-1]
		fmt.Fprintf(&sb, `<polyline class="line s%d" points="%s"><title>%s</title></polyline>`, k%6, strings.Join(pts, " "), esc(n))
		fmt.Fprintf(&sb, `<text x="%d" y="%.1f" class="lbl s%d">%s %.0f%%</text>`, w-right+6, labelY[n], k%6, esc(n), last*100)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

func esc(s string) string { return html.EscapeString(s) }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func num(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%.1f", f)
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

// Charts are the report's charts.
type charts struct {
	Coverage, TopicDemand, IntentMix, Sources template.HTML
}

func chartsOf(r *Report) charts {
	var c charts
	// Coverage over time, by intent and overall.
	var xs []string
	series := map[string][]float64{}
	for _, h := range r.History {
		xs = append(xs, h.Finished.Format("Jan 2"))
		series["all"] = append(series["all"], h.Coverage)
		for _, in := range heed.Intents {
			cv := h.ByIntent[string(in)]
			series[string(in)] = append(series[string(in)], cv.Coverage)
		}
	}
	for n, vs := range series {
		empty := true
		for _, v := range vs {
			empty = empty && v == 0
		}
		if empty && n != "all" {
			delete(series, n)
		}
	}
	c.Coverage = lineChart("Coverage over time by intent", xs, series)
	var topics []bar
	for i, t := range r.Topics {
		if i == 10 {
			break
		}
		topics = append(topics, bar{label: t.Label, value: t.Demand, note: fmt.Sprintf(" (%d req.)", len(t.Requests))})
	}
	c.TopicDemand = barChart("Demand by gap topic (the ten largest)", topics, "")
	var intents []bar
	for _, in := range heed.Intents {
		cv, ok := r.Summary.ByIntent[string(in)]
		if !ok || cv.Requests == 0 {
			continue
		}
		intents = append(intents, bar{label: string(in), value: float64(cv.Requests), good: float64(cv.Answered),
			note: fmt.Sprintf(" (%.0f%% answered)", cv.Coverage*100)})
	}
	c.IntentMix = barChart("Intent mix: requests by intent, the answered part in green", intents, " requests")
	var sources []bar
	for _, s := range r.Sources {
		sources = append(sources, bar{label: s.Name, value: float64(s.Requests), good: float64(s.Answered),
			note: fmt.Sprintf(" (%d answered)", s.Answered)})
	}
	c.Sources = barChart("Requests by source, the answered part in green", sources, " requests")
	return c
}

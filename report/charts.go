package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/heed-dev/heed"
)

// The report's charts are inline SVG drawn here, from numbers and escaped labels only: no script, no
// library, nothing loaded; they print and scale with the page. Each chart is drawn twice: a wide layout,
// and a narrow one for phones (report.css shows one of them by the page's width), so that its text is
// never scaled down below readable.

// bar is one bar of a horizontal bar chart: value, and the part of it that is good (answered).
type bar struct {
	label       string
	value, good float64
	note        string
}

// layout is the size of one of a chart's drawings: its width in SVG units, and whether it is the phone
// layout (drawn at about the width it is shown at, with larger text).
type layout struct {
	width  int
	narrow bool
}

var (
	wide   = layout{width: 640}
	narrow = layout{width: 360, narrow: true}
)

// class is the SVG's class attribute.
func (l layout) class() string {
	if l.narrow {
		return "chart narrow"
	}
	return "chart wide"
}

// svgOpen starts one drawing of a chart.
func svgOpen(sb *strings.Builder, l layout, h int, title string) {
	fmt.Fprintf(sb, `<svg class="%s" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`, l.class(), l.width, h, esc(title), esc(title))
}

// barChart draws horizontal bars, longest first as given.
func barChart(title string, bars []bar, unit string) template.HTML {
	if len(bars) == 0 {
		return template.HTML(`<p class="muted">Nothing to chart yet.</p>`)
	}
	var sb strings.Builder
	drawBars(&sb, wide, title, bars, unit)
	drawBars(&sb, narrow, title, bars, unit)
	return template.HTML(sb.String())
}

// drawBars draws one layout of a bar chart: labels left of the bars when wide, above them when narrow.
func drawBars(sb *strings.Builder, l layout, title string, bars []bar, unit string) {
	rowH, labelW, barY, textY, barH, pad := 24, 200, 4, 16, 16, 8
	barW := float64(l.width - labelW - 150)
	if l.narrow {
		rowH, labelW, barY, textY, barH = 44, 4, 22, 37, 18
		barW = float64(l.width - labelW - 170)
	}
	top := 0.0
	for _, b := range bars {
		top = max(top, b.value)
	}
	if top == 0 {
		top = 1
	}
	svgOpen(sb, l, len(bars)*rowH+2*pad, title)
	for i, b := range bars {
		y := pad + i*rowH
		w, g := barW*b.value/top, barW*b.good/top
		if l.narrow {
			fmt.Fprintf(sb, `<text x="%d" y="%d" class="lbl">%s</text>`, labelW, y+15, esc(truncate(b.label, 40)))
		} else {
			fmt.Fprintf(sb, `<text x="%d" y="%d" class="lbl" text-anchor="end">%s</text>`, labelW-6, y+textY, esc(truncate(b.label, 28)))
		}
		fmt.Fprintf(sb, `<rect x="%d" y="%d" width="%.1f" height="%d" class="cbar"><title>%s: %s%s</title></rect>`, labelW, y+barY, w, barH, esc(b.label), num(b.value), esc(unit))
		if b.good > 0 {
			fmt.Fprintf(sb, `<rect x="%d" y="%d" width="%.1f" height="%d" class="cbar good"/>`, labelW, y+barY, g, barH)
		}
		fmt.Fprintf(sb, `<text x="%.1f" y="%d" class="val">%s%s</text>`, float64(labelW)+w+6, y+textY, num(b.value), esc(b.note))
	}
	sb.WriteString(`</svg>`)
}

// lineChart draws coverage (0..1) over runs, one line per series. One run draws its points and values.
func lineChart(title string, xs []string, series map[string][]float64) template.HTML {
	if len(xs) == 0 {
		return template.HTML(`<p class="muted">Nothing to chart yet.</p>`)
	}
	names := make([]string, 0, len(series))
	for n := range series {
		names = append(names, n)
	}
	slices.Sort(names)
	var sb strings.Builder
	drawLines(&sb, wide, title, xs, names, series)
	drawLines(&sb, narrow, title, xs, names, series)
	return template.HTML(sb.String())
}

// plot maps runs and coverage to one layout's coordinates.
type plot struct {
	l                        layout
	n                        int // runs
	h, left, right, top, bot int
}

func (p plot) x(i int) float64 {
	if p.n == 1 {
		return float64(p.left) + float64(p.l.width-p.left-p.right)/2
	}
	return float64(p.left) + float64(p.l.width-p.left-p.right)*float64(i)/float64(p.n-1)
}

func (p plot) y(v float64) float64 { return float64(p.top) + float64(p.h-p.top-p.bot)*(1-v) }

// drawLines draws one layout of the trend: grid, run labels, a line and points per series, and the
// series' last values, at the lines' ends when wide and as a legend below when narrow.
func drawLines(sb *strings.Builder, l layout, title string, xs, names []string, series map[string][]float64) {
	p := plot{l: l, n: len(xs), h: 220, left: 40, right: 130, top: 10, bot: 30}
	legend := 0
	if l.narrow {
		p.left, p.right, p.h = 48, 14, 200
		legend = 20 * len(names)
	}
	total := p.h + legend
	if len(xs) == 1 {
		total += 20
		if l.narrow {
			total += 20 // the note takes two lines
		}
	}
	svgOpen(sb, l, total, title)
	for _, v := range []float64{0, 0.25, 0.5, 0.75, 1} {
		fmt.Fprintf(sb, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><text x="%d" y="%.1f" class="axis" text-anchor="end">%.0f%%</text>`,
			p.left, l.width-p.right, p.y(v), p.y(v), p.left-4, p.y(v)+4, v*100)
	}
	for i, label := range xs {
		if showRunLabel(i, len(xs), l.narrow) {
			fmt.Fprintf(sb, `<text x="%.1f" y="%d" class="axis" text-anchor="%s">%s</text>`, p.x(i), p.h-8, runLabelAnchor(i, len(xs), l.narrow), esc(label))
		}
	}
	labelY := endLabelYs(p, names, series)
	for k, n := range names {
		vs := series[n]
		pts := make([]string, 0, len(vs))
		for i, v := range vs {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", p.x(i), p.y(v)))
		}
		last := vs[len(vs)-1]
		if len(vs) > 1 {
			fmt.Fprintf(sb, `<polyline class="line s%d" points="%s"><title>%s</title></polyline>`, k%6, strings.Join(pts, " "), esc(n))
		}
		fmt.Fprintf(sb, `<circle class="s%d" cx="%.1f" cy="%.1f" r="3.5"><title>%s %.0f%%</title></circle>`, k%6, p.x(len(vs)-1), p.y(last), esc(n), last*100)
		if l.narrow {
			y := p.h + 20*k + 14
			fmt.Fprintf(sb, `<rect class="s%d" x="%d" y="%d" width="12" height="12"/><text x="%d" y="%d" class="lbl">%s %.0f%%</text>`, k%6, p.left, y-11, p.left+18, y, esc(n), last*100)
		} else {
			fmt.Fprintf(sb, `<text x="%d" y="%.1f" class="lbl s%d">%s %.0f%%</text>`, l.width-p.right+6, labelY[n], k%6, esc(n), last*100)
		}
	}
	if len(xs) == 1 {
		if l.narrow {
			fmt.Fprintf(sb, `<text x="%d" y="%d" class="axis">one run so far: the trend</text><text x="%d" y="%d" class="axis">draws from the second run on</text>`, p.left, total-26, p.left, total-6)
		} else {
			fmt.Fprintf(sb, `<text x="%d" y="%d" class="axis">one run so far: the trend draws from the second run on</text>`, p.left, total-6)
		}
	}
	sb.WriteString(`</svg>`)
}

// showRunLabel says whether the i-th of n runs is labelled: at most 12 labels when wide, the first and
// last when narrow.
func showRunLabel(i, n int, narrow bool) bool {
	if narrow {
		return i == 0 || i == n-1
	}
	return n <= 12 || i%(n/12+1) == 0 || i == n-1
}

// runLabelAnchor keeps the narrow layout's first and last labels inside the drawing.
func runLabelAnchor(i, n int, narrow bool) string {
	switch {
	case !narrow || n == 1:
		return "middle"
	case i == 0:
		return "start"
	}
	return "end"
}

// endLabelYs places the series' end labels by their last values, moved apart where lines end close
// together.
func endLabelYs(p plot, names []string, series map[string][]float64) map[string]float64 {
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
		ly := math.Max(p.y(series[n][len(series[n])-1])+4, prev+12)
		labelY[n], prev = ly, ly
	}
	return labelY
}

// trendLabels names each run of the trend by its day, and by its day and time when two runs share a day.
func trendLabels(times []time.Time) []string {
	days := map[string]int{}
	for _, t := range times {
		days[t.Format("Jan 2")]++
	}
	labels := make([]string, len(times))
	for i, t := range times {
		labels[i] = t.Format("Jan 2")
		if days[labels[i]] > 1 {
			labels[i] = t.Format("Jan 2 15:04")
		}
	}
	return labels
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

// Charts are the report's charts.
type charts struct {
	Coverage, TopicDemand, IntentMix, Sources template.HTML
}

// coverageSeries are the trend's lines: all requests, and each intent heard in any of the runs (at 0%
// when none of its requests was answered).
func coverageSeries(hs []History) map[string][]float64 {
	series := map[string][]float64{}
	heard := map[string]bool{"all": true}
	for _, h := range hs {
		series["all"] = append(series["all"], h.Coverage)
		for _, in := range heed.Intents {
			cv := h.ByIntent[string(in)]
			series[string(in)] = append(series[string(in)], cv.Coverage)
			heard[string(in)] = heard[string(in)] || cv.Requests > 0 || cv.Coverage > 0
		}
	}
	for n := range series {
		if !heard[n] {
			delete(series, n)
		}
	}
	return series
}

func chartsOf(r *Report) charts {
	var c charts
	times := make([]time.Time, len(r.History))
	for i, h := range r.History {
		times[i] = h.Finished
	}
	c.Coverage = lineChart("Coverage over time by intent", trendLabels(times), coverageSeries(r.History))
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

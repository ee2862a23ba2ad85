package ops

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/heed-dev/heed/store"
)

func TestLabelValue(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		max      int
		want     string
	}{
		{"kept as it is", "how do I fit a child seat", 80, "how do I fit a child seat"},
		{"control characters dropped", "child\x00 seat\x1b[31m red\u200b", 80, "child seat[31m red"},
		{"white space folded", "  child\n\tseat\r\n  ", 80, "child seat"},
		{"invalid UTF-8 replaced", "seat \xff\xfe", 80, "seat \uFFFD"},
		{"cut at max characters", "ééééé ééééé", 8, "ééééé é…"},
		{"no space before the ellipsis", "abcd efgh", 6, "abcd…"},
		{"exactly max", "ééé", 3, "ééé"},
		{"empty", "", 80, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := labelValue(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("labelValue(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if n := len([]rune(got)); n > tt.max {
				t.Errorf("%d characters, more than %d", n, tt.max)
			}
		})
	}
}

func TestCutRunes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"kid seat", 60, "kid seat"},
		{"abcdef", 3, "abc"},
		{"üüüü", 2, "üü"}, // not 2 bytes: half a character would not be UTF-8
		{"", 3, ""},
	} {
		if got := cutRunes(tt.in, tt.n); got != tt.want {
			t.Errorf("cutRunes(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// TestFollowNeverGoesBack: Follow sets the gauges from a run newer than the one they show, never from the
// same or an older one (a scrape that read the history just before this process's own run finished).
func TestFollowNeverGoesBack(t *testing.T) {
	run := func(id int64, finished time.Time, requests int) store.Run {
		return store.Run{ID: id, Job: "nightly", Status: store.StatusOK, Finished: finished, Stats: store.RunStats{Requests: requests}}
	}
	for _, tt := range []struct {
		name       string
		shown      []store.Run // restored in turn
		follow     store.Run
		want       bool
		wantShowns int
	}{
		{"nothing shown yet", nil, run(1, t0, 5), true, 5},
		{"a newer run", []store.Run{run(1, t0, 5)}, run(2, t0.Add(time.Hour), 7), true, 7},
		{"the same run", []store.Run{run(2, t0, 5)}, run(2, t0, 9), false, 5},
		{"an older run", []store.Run{run(3, t0.Add(time.Hour), 5)}, run(2, t0, 9), false, 5},
		{"the same run finished again", []store.Run{run(2, t0, 5)}, run(2, t0.Add(time.Minute), 9), true, 9},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMetrics(prometheus.NewRegistry(), "test")
			for _, r := range tt.shown {
				m.Restore(r)
			}
			got := m.Follow(tt.follow)
			requests := int(testutil.ToFloat64(m.requests.WithLabelValues("nightly", "all")))
			if diff := cmp.Diff([]any{tt.want, tt.wantShowns}, []any{got, requests}); diff != "" {
				t.Errorf("Follow, heed_requests (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTopicDemandSeries: heed_gap_topic_demand carries each topic's key and a readable label, bounded, and
// only the last run's topics.
func TestTopicDemandSeries(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, "test")
	long := strings.Repeat("how do I fit a child seat ", 10)
	m.Restore(store.Run{ID: 1, Job: "nightly", Status: store.StatusOK, Finished: t0, Stats: store.RunStats{TopTopics: []store.TopicStat{
		{Key: "old topic", Label: "an old question", Demand: 1},
	}}})
	m.Restore(store.Run{ID: 2, Job: "nightly", Status: store.StatusOK, Finished: t0.Add(time.Hour), Stats: store.RunStats{TopTopics: []store.TopicStat{
		{Key: "child seat fit", Label: long, Demand: 4},
		{Key: "tyr pressur", Label: "", Demand: 2},
		{Key: strings.Repeat("ü", 70), Label: "umlauts", Demand: 1},
	}}})
	got := map[string]float64{}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "heed_gap_topic_demand" {
			continue
		}
		for _, s := range mf.GetMetric() {
			var parts []string
			for _, l := range s.GetLabel() {
				parts = append(parts, l.GetName()+"="+l.GetValue())
			}
			got[strings.Join(parts, " ")] = s.GetGauge().GetValue()
		}
	}
	want := map[string]float64{
		"heed_job=nightly label=" + labelValue(long, maxTopicLabel) + " rank=1 topic=child seat fit": 4,
		"heed_job=nightly label=tyr pressur rank=2 topic=tyr pressur":                                2,
		"heed_job=nightly label=umlauts rank=3 topic=" + strings.Repeat("ü", maxTopicKey):            1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("heed_gap_topic_demand series (-want +got):\n%s", diff)
	}
	if n := len([]rune(labelValue(long, maxTopicLabel))); n != maxTopicLabel {
		t.Errorf("a long label has %d characters, want %d", n, maxTopicLabel)
	}
}

// TestDemandByKindOfSource: the last run's requests and demand by kind of source, and the requests
// heard from more than one kind, are gauges (every kind has its series, 0 when none was heard).
func TestDemandByKindOfSource(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, "test")
	m.Restore(store.Run{ID: 1, Job: "nightly", Status: store.StatusOK, Finished: t0, Stats: store.RunStats{Confirmed: 3, ByKind: map[string]store.KindStats{
		"site_search": {Requests: 40, Answered: 10, Gaps: 25, Demand: 88.5},
		"help_desk":   {Requests: 7, Gaps: 7, Demand: 21},
	}}})
	tests := []struct {
		metric string
		labels []string
		want   float64
	}{
		{"heed_source_kind_requests", []string{"nightly", "site_search", "all"}, 40},
		{"heed_source_kind_requests", []string{"nightly", "site_search", "gap"}, 25},
		{"heed_source_kind_requests", []string{"nightly", "help_desk", "answered"}, 0},
		{"heed_source_kind_requests", []string{"nightly", "suggestion", "all"}, 0},
		{"heed_source_kind_demand", []string{"nightly", "site_search"}, 88.5},
		{"heed_requests_confirmed", []string{"nightly"}, 3},
	}
	for _, tt := range tests {
		var g *prometheus.GaugeVec
		switch tt.metric {
		case "heed_source_kind_requests":
			g = m.kindReqs
		case "heed_source_kind_demand":
			g = m.kindDemand
		default:
			g = m.confirmed
		}
		if got := testutil.ToFloat64(g.WithLabelValues(tt.labels...)); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.metric, tt.labels, got, tt.want)
		}
	}
	if n := testutil.CollectAndCount(m.kindDemand); n != 6 {
		t.Errorf("heed_source_kind_demand has %d series, want one per kind (6)", n)
	}
}

// TestGapsClosedCountedOnce: a run's closed gaps and their time to close are counted the first time the
// run is shown (finished here, or followed in the store), never again for the same run.
func TestGapsClosedCountedOnce(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, "test")
	day := 86400.0
	run1 := store.Run{ID: 1, Job: "nightly", Status: store.StatusOK, Finished: t0, Stats: store.RunStats{ClosedGaps: 3, CloseSeconds: []float64{2 * day, 10 * day, 40 * day}}}
	run2 := store.Run{ID: 2, Job: "nightly", Status: store.StatusOK, Finished: t0.Add(24 * time.Hour), Stats: store.RunStats{ClosedGaps: 1, CloseSeconds: []float64{0.5 * day}}}
	steps := []struct {
		name   string
		do     func()
		closed float64
		timed  int
	}{
		{"first run", func() { m.Restore(run1) }, 3, 3},
		{"the same run followed again", func() { m.Follow(run1) }, 3, 3},
		{"the next run", func() { m.Follow(run2) }, 4, 4},
		{"an older run is never shown again", func() { m.Follow(run1) }, 4, 4},
	}
	for _, s := range steps {
		s.do()
		if got := testutil.ToFloat64(m.gapsClosed.WithLabelValues("nightly")); got != s.closed {
			t.Errorf("%s: heed_gaps_closed_total %v, want %v", s.name, got, s.closed)
		}
		if got := testutil.CollectAndCount(m.timeToClose); got != 1 {
			t.Errorf("%s: %d time-to-close series, want 1", s.name, got)
		}
	}
	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() == "heed_gap_time_to_close_seconds" {
			h := mf.GetMetric()[0].GetHistogram()
			if h.GetSampleCount() != 4 || h.GetBucket()[0].GetCumulativeCount() != 1 || h.GetBucket()[1].GetCumulativeCount() != 2 {
				t.Errorf("histogram: %d closed, %d within a day, %d within three", h.GetSampleCount(), h.GetBucket()[0].GetCumulativeCount(), h.GetBucket()[1].GetCumulativeCount())
			}
		}
	}
}

// TestServiceIssuesByKind: the last run's service issues by what failed and source replace the run
// before's series.
func TestServiceIssuesByKind(t *testing.T) {
	m := NewMetrics(prometheus.NewRegistry(), "test")
	m.Restore(store.Run{ID: 1, Job: "nightly", Finished: t0, Stats: store.RunStats{ServiceByKind: map[string]map[string]int{"delivery": {"forum": 2}}}})
	m.Restore(store.Run{ID: 2, Job: "nightly", Finished: t0.Add(time.Hour), Stats: store.RunStats{ServiceByKind: map[string]map[string]int{
		"billing": {"zendesk": 5, "forum": 1}, "support": {"zendesk": 2}}}})
	if n := testutil.CollectAndCount(m.service); n != 3 {
		t.Errorf("%d series, want the last run's 3", n)
	}
	if got := testutil.ToFloat64(m.service.WithLabelValues("nightly", "billing", "zendesk")); got != 5 {
		t.Errorf("billing from zendesk = %v, want 5", got)
	}
}

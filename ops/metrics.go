package ops

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed/store"
)

// Metrics are the pipeline's Prometheus metrics: what the last run of each job found. Labels are bounded:
// job names come from the config, intents and gap kinds from fixed lists. A nil *Metrics records nothing.
type Metrics struct {
	runs        *prometheus.CounterVec
	duration    *prometheus.GaugeVec
	lastSuccess *prometheus.GaugeVec
	requests    *prometheus.GaugeVec
	gaps        *prometheus.GaugeVec
	coverage    *prometheus.GaugeVec
	change      *prometheus.GaugeVec
}

// NewMetrics registers the pipeline's metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heed_runs_total", Help: "Finished runs by job and status (ok, partial, failed).",
		}, []string{"job", "status"}),
		duration: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "heed_run_duration_seconds", Help: "How long the last run of each job took.",
		}, []string{"job"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "heed_run_last_success_timestamp_seconds", Help: "When the last run of each job that did its work (ok or partial) finished, as a Unix time.",
		}, []string{"job"}),
		requests: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "heed_requests", Help: "Requests heard in the last run, by job and intent.",
		}, []string{"job", "intent"}),
		gaps: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "heed_gaps", Help: "Open gaps in the last run, by job, intent and gap kind.",
		}, []string{"job", "intent", "kind"}),
		coverage: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "heed_coverage_ratio", Help: "Share of the last run's requests that a page answers, by job and intent (all for every intent).",
		}, []string{"job", "intent"}),
		change: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "heed_requests_change", Help: "Requests of the last run by job and change since the run before: new, recurring, disappeared.",
		}, []string{"job", "change"}),
	}
	reg.MustRegister(m.runs, m.duration, m.lastSuccess, m.requests, m.gaps, m.coverage, m.change)
	return m
}

// finished records a finished run.
func (m *Metrics) finished(r store.Run) {
	if m == nil {
		return
	}
	m.runs.WithLabelValues(r.Job, r.Status).Inc()
	m.duration.WithLabelValues(r.Job).Set(r.Stats.DurationSec)
	if r.Status == store.StatusFailed {
		return
	}
	m.lastSuccess.WithLabelValues(r.Job).Set(float64(r.Finished.Unix()))
	st := r.Stats
	m.coverage.WithLabelValues(r.Job, "all").Set(store.Coverage{Requests: st.Requests, Answered: st.Answered}.Ratio())
	for in, c := range st.ByIntent {
		m.requests.WithLabelValues(r.Job, in).Set(float64(c.Requests))
		m.coverage.WithLabelValues(r.Job, in).Set(c.Ratio())
	}
	m.change.WithLabelValues(r.Job, "new").Set(float64(st.New))
	m.change.WithLabelValues(r.Job, "recurring").Set(float64(st.Recurring))
	m.change.WithLabelValues(r.Job, "disappeared").Set(float64(st.Disappeared))
	for k, n := range st.GapsByKind {
		m.gaps.WithLabelValues(r.Job, "all", k).Set(float64(n))
	}
}

package ops

import (
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/store"
)

// Metrics are the pipeline's and the server's Prometheus metrics. The gauges describe each job's last
// finished run as stored, so that a freshly started `heed serve` shows the state of the store (Restore),
// not only what happened since it began, and follows the runs other processes finish on it (Follow).
// Labels are bounded: job and source names come from the config, intents, gap kinds and changes from fixed
// lists; the ten top gap topics' keys and labels are replaced each run. A nil *Metrics records nothing.
type Metrics struct {
	runs        *prometheus.CounterVec
	duration    *prometheus.GaugeVec
	lastSuccess *prometheus.GaugeVec
	lastRun     *prometheus.GaugeVec
	lastStatus  *prometheus.GaugeVec
	nextRun     *prometheus.GaugeVec
	running     *prometheus.GaugeVec
	locked      *prometheus.CounterVec
	requests    *prometheus.GaugeVec
	answered    *prometheus.GaugeVec
	gaps        *prometheus.GaugeVec
	gapDemand   *prometheus.GaugeVec
	coverage    *prometheus.GaugeVec
	srcCoverage *prometheus.GaugeVec
	srcRequests *prometheus.GaugeVec
	srcUnits    *prometheus.GaugeVec
	change      *prometheus.GaugeVec
	sorted      *prometheus.GaugeVec
	topics      *prometheus.GaugeVec
	topicDemand *prometheus.GaugeVec
	pages       *prometheus.GaugeVec
	gapsClosed  *prometheus.CounterVec
	timeToClose *prometheus.HistogramVec
	service     *prometheus.GaugeVec
	kindReqs    *prometheus.GaugeVec
	kindDemand  *prometheus.GaugeVec
	confirmed   *prometheus.GaugeVec
	gapShare    *prometheus.GaugeVec
	sightings   *prometheus.GaugeVec
	vecs        *prometheus.CounterVec
	// refreshFailures counts the scrapes that could not read the run history from the store.
	refreshFailures prometheus.Counter
	// mu guards shown: the run (id and finish time) the gauges of each job describe.
	mu    sync.Mutex
	shown map[string]shownRun
	// HTTP is the server's request duration histogram, by handler and status code.
	HTTP *prometheus.HistogramVec
}

// shownRun is the stored run a job's gauges describe.
type shownRun struct {
	id       int64
	finished time.Time
}

// statuses are the run statuses the status gauge has a series for.
var statuses = []string{store.StatusOK, store.StatusPartial, store.StatusFailed}

// NewMetrics registers the metrics on reg, with heed_build_info for version.
func NewMetrics(reg prometheus.Registerer, version string) *Metrics {
	gauge := func(name, help string, labels ...string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	}
	m := &Metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heed_runs_total", Help: "Runs this process finished, by job and status (ok, partial, failed).",
		}, []string{"heed_job", "status"}),
		locked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heed_runs_refused_total", Help: "Starts refused because the job was running already (in this or another process), by job.",
		}, []string{"heed_job"}),
		duration:    gauge("heed_run_duration_seconds", "How long the last run of each job took.", "heed_job"),
		lastSuccess: gauge("heed_run_last_success_timestamp_seconds", "When the last run of each job that did its work (ok or partial) finished, as a Unix time.", "heed_job"),
		lastRun:     gauge("heed_run_last_finished_timestamp_seconds", "When the last run of each job finished, whatever its status, as a Unix time.", "heed_job"),
		lastStatus:  gauge("heed_run_last_status", "1 for the status of each job's last run (ok, partial, failed), 0 for the others.", "heed_job", "status"),
		nextRun:     gauge("heed_job_next_run_timestamp_seconds", "When each scheduled job starts next, as a Unix time (heed serve).", "heed_job"),
		running:     gauge("heed_job_running", "1 while a run of the job is going in this process.", "heed_job"),
		requests:    gauge("heed_requests", "Requests heard in the last run, by job and intent.", "heed_job", "intent"),
		answered:    gauge("heed_answered_requests", "Requests a page answers in the last run, by job and intent.", "heed_job", "intent"),
		gaps:        gauge("heed_gaps", "Open content gaps in the last run, by job, intent and gap kind (intent \"all\" sums the intents).", "heed_job", "intent", "kind"),
		gapDemand:   gauge("heed_gap_demand", "Summed demand score of the open gaps in the last run, by job and intent: evidence from the sources, not search volume.", "heed_job", "intent"),
		coverage:    gauge("heed_coverage_ratio", "Share of the last run's requests that a page answers, by job and intent (all for every intent).", "heed_job", "intent"),
		srcCoverage: gauge("heed_source_coverage_ratio", "Share of the requests a source surfaced in the last run that a page answers, by job and source.", "heed_job", "source"),
		srcRequests: gauge("heed_source_requests", "Requests each source surfaced in the last run, by job and source.", "heed_job", "source"),
		srcUnits:    gauge("heed_source_units", "Crawl units of each source in the last run, by job, source and result (ok, failed).", "heed_job", "source", "result"),
		change:      gauge("heed_requests_change", "Requests of the last run by job and change since the run before: new, recurring, disappeared.", "heed_job", "change"),
		sorted:      gauge("heed_requests_set_aside", "Requests of the last run that are neither answered nor open content gaps, by job and why: service_issue, dismissed (won't answer).", "heed_job", "kind"),
		topics:      gauge("heed_gap_topics", "Topics the open gaps of the last run group into, by job.", "heed_job"),
		topicDemand: gauge("heed_gap_topic_demand", "Demand of the ten gap topics with most demand in the last run, by job, rank (1 to 10), topic (its key: three stemmed words) and label (its most representative request, at most 80 characters). At most ten series per job; they are replaced each run.", "heed_job", "rank", "topic", "label"),
		pages:       gauge("heed_pages", "Pages matched against in the last run, by job.", "heed_job"),
		gapsClosed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "heed_gaps_closed_total",
			Help: "Gaps a page answers now that the run before called gaps (a new page, or a pin), by job: counted once for each run this process finished or followed in the store."}, []string{"heed_job"}),
		timeToClose: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "heed_gap_time_to_close_seconds",
			Help:    "How long each closed gap had been heard, from its first sighting to the run that found it answered, by job.",
			Buckets: []float64{86400, 3 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 60 * 86400, 90 * 86400, 180 * 86400, 365 * 86400}}, []string{"heed_job"}),
		service: gauge("heed_service_issues", "Service issues of the last run by what failed (billing, delivery, defect, account_access, support, other) and by the source that brought them, by job; an issue several sources brought counts under each.",
			"heed_job", "kind", "source"),
		kindReqs: gauge("heed_source_kind_requests", "Requests heard from each kind of source in the last run (suggestion, question, site_search, help_desk, search_console, import), by job, kind and fate (all, answered, gap); a request heard from several kinds counts under each.",
			"heed_job", "kind", "fate"),
		kindDemand: gauge("heed_source_kind_demand", "Summed demand of the requests heard from each kind of source in the last run, by job and kind.", "heed_job", "kind"),
		confirmed:  gauge("heed_requests_confirmed", "Requests of the last run heard from more than one kind of source (imports aside), by job: demand that confirms itself.", "heed_job"),
		gapShare:   gauge("heed_gap_share", "Share of gaps the gap decision estimated among the last run's requests and adapted its threshold to (0 to 1), by job; 0 when the pages' own thresholds stood (too few pages or requests to estimate from).", "heed_job"),
		sightings:  gauge("heed_sightings", "Sightings stored in the last run, by job.", "heed_job"),
		vecs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heed_vectors_total", Help: "Texts (requests and page texts) given a vector by the sentence encoder, by where it came from: store (kept from an earlier run) or encoded.",
		}, []string{"from"}),
		refreshFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "heed_metrics_refresh_failures_total", Help: "Scrapes of /metrics that could not read the jobs' last finished runs from the store, and served the gauges as they were.",
		}),
		shown: map[string]shownRun{},
		HTTP: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "heed_http_request_duration_seconds", Help: "Duration of the HTTP requests heed serve answered, by handler and status code.",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
		}, []string{"handler", "code"}),
	}
	build := gauge("heed_build_info", "A constant 1, labelled with heed's version and the Go version that built it.", "version", "goversion")
	build.WithLabelValues(version, runtime.Version()).Set(1)
	reg.MustRegister(m.runs, m.locked, m.duration, m.lastSuccess, m.lastRun, m.lastStatus, m.nextRun, m.running, m.requests,
		m.answered, m.gaps, m.gapDemand, m.coverage, m.srcCoverage, m.srcRequests, m.srcUnits, m.change, m.sorted, m.topics, m.topicDemand, m.pages,
		m.kindReqs, m.kindDemand, m.confirmed, m.gapShare, m.gapsClosed, m.timeToClose, m.service,
		m.sightings, m.vecs, m.refreshFailures, m.HTTP, build)
	return m
}

// The job label is heed_job, not job: Prometheus gives every scraped series a job label of its own
// (the scrape job), and a clash would rename heed's to exported_job.

// finished records a run this process finished.
func (m *Metrics) finished(r store.Run) {
	if m == nil {
		return
	}
	m.runs.WithLabelValues(r.Job, r.Status).Inc()
	m.Restore(r)
}

// vectors counts the texts a run gave vectors, read from the store and encoded.
func (m *Metrics) vectors(fromStore, encoded int64) {
	if m != nil {
		m.vecs.WithLabelValues("store").Add(float64(fromStore))
		m.vecs.WithLabelValues("encoded").Add(float64(encoded))
	}
}

// Refused counts a start refused because the job was already running.
func (m *Metrics) Refused(job string) {
	if m != nil {
		m.locked.WithLabelValues(job).Inc()
	}
}

// Running marks a job as running in this process, or not.
func (m *Metrics) Running(job string, on bool) {
	if m == nil {
		return
	}
	v := 0.0
	if on {
		v = 1
	}
	m.running.WithLabelValues(job).Set(v)
}

// NextRun records when a scheduled job starts next.
func (m *Metrics) NextRun(job string, t time.Time) {
	if m != nil {
		m.nextRun.WithLabelValues(job).Set(float64(t.Unix()))
	}
}

// Restore sets the gauges from a stored run: the last finished run of its job.
func (m *Metrics) Restore(r store.Run) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.restore(r)
}

// Follow sets the gauges from r, the last finished run of its job in the store, when they describe an
// older run: one that another process (cron's `heed run`) finished since. It reports whether it did.
func (m *Metrics) Follow(r store.Run) bool {
	if m == nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.shown[r.Job]; ok && (r.ID < s.id || r.ID == s.id && !r.Finished.After(s.finished)) {
		return false
	}
	m.restore(r)
	return true
}

// RefreshFailed counts a scrape that could not read the run history.
func (m *Metrics) RefreshFailed() {
	if m != nil {
		m.refreshFailures.Inc()
	}
}

// restore sets the gauges from r; m.mu is held.
func (m *Metrics) restore(r store.Run) {
	if prev, ok := m.shown[r.Job]; !ok || prev.id != r.ID {
		// A run shown for the first time: its closed gaps are counted once.
		m.gapsClosed.WithLabelValues(r.Job).Add(float64(r.Stats.ClosedGaps))
		for _, s := range r.Stats.CloseSeconds {
			m.timeToClose.WithLabelValues(r.Job).Observe(s)
		}
	}
	m.shown[r.Job] = shownRun{id: r.ID, finished: r.Finished}
	m.running.WithLabelValues(r.Job).Set(0)
	m.duration.WithLabelValues(r.Job).Set(r.Stats.DurationSec)
	m.lastRun.WithLabelValues(r.Job).Set(float64(r.Finished.Unix()))
	for _, s := range statuses {
		v := 0.0
		if s == r.Status {
			v = 1
		}
		m.lastStatus.WithLabelValues(r.Job, s).Set(v)
	}
	st := r.Stats
	for name, s := range st.Sources {
		m.srcUnits.WithLabelValues(r.Job, name, "ok").Set(float64(s.OK))
		m.srcUnits.WithLabelValues(r.Job, name, "failed").Set(float64(s.Failed))
	}
	if r.Status == store.StatusFailed {
		return
	}
	m.lastSuccess.WithLabelValues(r.Job).Set(float64(r.Finished.Unix()))
	m.coverage.WithLabelValues(r.Job, "all").Set(store.Coverage{Requests: st.Requests, Answered: st.Answered}.Ratio())
	m.requests.WithLabelValues(r.Job, "all").Set(float64(st.Requests))
	m.answered.WithLabelValues(r.Job, "all").Set(float64(st.Answered))
	for _, in := range heed.Intents {
		c := st.ByIntent[string(in)]
		m.requests.WithLabelValues(r.Job, string(in)).Set(float64(c.Requests))
		m.answered.WithLabelValues(r.Job, string(in)).Set(float64(c.Answered))
		m.coverage.WithLabelValues(r.Job, string(in)).Set(c.Ratio())
		m.gapDemand.WithLabelValues(r.Job, string(in)).Set(st.GapDemand[string(in)])
		for _, k := range heed.GapKinds[1:] {
			m.gaps.WithLabelValues(r.Job, string(in), string(k)).Set(float64(st.GapsByIntentKind[string(in)][string(k)]))
		}
	}
	var demand float64
	for _, d := range st.GapDemand {
		demand += d
	}
	m.gapDemand.WithLabelValues(r.Job, "all").Set(demand)
	for _, k := range heed.GapKinds[1:] {
		m.gaps.WithLabelValues(r.Job, "all", string(k)).Set(float64(st.GapsByKind[string(k)]))
	}
	for name, c := range st.BySource {
		m.srcCoverage.WithLabelValues(r.Job, name).Set(c.Ratio())
		m.srcRequests.WithLabelValues(r.Job, name).Set(float64(c.Requests))
	}
	m.change.WithLabelValues(r.Job, "new").Set(float64(st.New))
	m.change.WithLabelValues(r.Job, "recurring").Set(float64(st.Recurring))
	m.change.WithLabelValues(r.Job, "disappeared").Set(float64(st.Disappeared))
	m.sorted.WithLabelValues(r.Job, "service_issue").Set(float64(st.ServiceIssues))
	m.sorted.WithLabelValues(r.Job, "dismissed").Set(float64(st.Dismissed))
	m.topics.WithLabelValues(r.Job).Set(float64(st.Topics))
	m.topicDemand.DeletePartialMatch(prometheus.Labels{"heed_job": r.Job})
	for i, t := range st.TopTopics {
		key := cutRunes(strings.ToValidUTF8(t.Key, "\uFFFD"), maxTopicKey)
		label := labelValue(t.Label, maxTopicLabel)
		if label == "" {
			label = key
		}
		m.topicDemand.WithLabelValues(r.Job, strconv.Itoa(i+1), key, label).Set(t.Demand)
	}
	m.pages.WithLabelValues(r.Job).Set(float64(st.Pages))
	for _, k := range append(slices.Clone(heed.HeardKinds), heed.SightingImport) {
		d := st.ByKind[string(k)]
		m.kindReqs.WithLabelValues(r.Job, string(k), "all").Set(float64(d.Requests))
		m.kindReqs.WithLabelValues(r.Job, string(k), "answered").Set(float64(d.Answered))
		m.kindReqs.WithLabelValues(r.Job, string(k), "gap").Set(float64(d.Gaps))
		m.kindDemand.WithLabelValues(r.Job, string(k)).Set(d.Demand)
	}
	m.confirmed.WithLabelValues(r.Job).Set(float64(st.Confirmed))
	m.gapShare.WithLabelValues(r.Job).Set(st.GapShare)
	m.service.DeletePartialMatch(prometheus.Labels{"heed_job": r.Job})
	for kind, bySource := range st.ServiceByKind {
		for src, n := range bySource {
			m.service.WithLabelValues(r.Job, kind, src).Set(float64(n))
		}
	}
	m.sightings.WithLabelValues(r.Job).Set(float64(st.Sightings))
}

// The longest topic key and label a series of heed_gap_topic_demand carries, in characters.
const (
	maxTopicKey   = 60
	maxTopicLabel = 80
)

// labelValue is s as a label value: valid UTF-8, without control characters, runs of white space as one
// space, at most limit characters (the last one an ellipsis when it was cut).
func labelValue(s string, limit int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if cut := cutRunes(s, limit-1); cut != s && cutRunes(s, limit) != s {
		s = strings.TrimRight(cut, " ") + "…"
	}
	return s
}

// cutRunes is s cut to its first n characters (runes), not splitting one.
func cutRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

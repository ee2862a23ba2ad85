package crawler

import (
	"errors"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the crawler's Prometheus metrics. Labels are bounded: source is a configured source's
// name, kind a source kind, and reasons and codes come from fixed lists. A nil *Metrics records nothing.
type Metrics struct {
	fetches   *prometheus.CounterVec
	fetchDur  *prometheus.HistogramVec
	retries   *prometheus.CounterVec
	waits     *prometheus.CounterVec
	sightings *prometheus.CounterVec
	units     *prometheus.CounterVec
	errors    *prometheus.CounterVec
	skipped   *prometheus.CounterVec
	duration  *prometheus.GaugeVec
	bytes     *prometheus.CounterVec
	cache     *prometheus.CounterVec
}

// NewMetrics registers the crawler's metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heed_crawl_http_requests_total",
			Help: "HTTP requests made by the crawler, by source and status class (2xx..5xx, or error when no response came).",
		}, []string{"source", "code"}),
		fetchDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "heed_crawl_http_request_duration_seconds",
			Help:    "Duration of the crawler's HTTP requests, retries and waits included, by source.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"source"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heed_crawl_retries_total",
			Help: "HTTP requests the crawler tried again after a network error, a 429 or a 5xx, by source.",
		}, []string{"source"}),
		waits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heed_crawl_rate_limit_wait_seconds_total",
			Help: "Seconds the crawler waited because a source asked it to (Retry-After, API backoff, rate-limit headers), by source.",
		}, []string{"source"}),
		sightings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heed_crawl_requests_total",
			Help: "Customer requests sighted by the crawler, by source and source kind.",
		}, []string{"source", "kind"}),
		units: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heed_crawl_units_total",
			Help: "Crawl units (one query of one source) by source and result: ok, failed, or resumed (already done by an interrupted run).",
		}, []string{"source", "result"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heed_crawl_source_errors_total",
			Help: "Failed crawl units by source and reason: network, http_4xx, http_5xx, rate_limited, blocked, parse, robots, too_large, bad_input, canceled, store (the sink could not store the unit), forbidden_host (a redirect to a private address).",
		}, []string{"source", "reason"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heed_crawl_items_skipped_total",
			Help: "Items of a response the crawler skipped, by source and reason: empty_or_duplicate, invalid, recursion_query_failed, page_REASON (a later page of a listing failed; the earlier pages are kept).",
		}, []string{"source", "reason"}),
		duration: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "heed_crawl_source_duration_seconds",
			Help: "How long the last crawl of each source took.",
		}, []string{"source"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heed_crawl_response_bytes_total",
			Help: "Bytes of response bodies the crawler received (after decompression), by source.",
		}, []string{"source"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "heed_crawl_revalidations_total",
			Help: "Documents the crawler revalidated instead of downloading again, by source and result (not_modified).",
		}, []string{"source", "result"}),
	}
	reg.MustRegister(m.fetches, m.fetchDur, m.retries, m.waits, m.sightings, m.units, m.errors, m.skipped, m.duration, m.bytes, m.cache)
	return m
}

func (m *Metrics) fetch(source string, resp *Response, err error, d time.Duration) {
	if m == nil {
		return
	}
	code := "error"
	if resp != nil {
		code = strconv.Itoa(resp.Status/100) + "xx"
	}
	m.fetches.WithLabelValues(source, code).Inc()
	m.fetchDur.WithLabelValues(source).Observe(d.Seconds())
}

func (m *Metrics) received(source string, n int) {
	if m != nil {
		m.bytes.WithLabelValues(source).Add(float64(n))
	}
}

func (m *Metrics) cached(source, result string) {
	if m != nil {
		m.cache.WithLabelValues(source, result).Inc()
	}
}

func (m *Metrics) retry(source string) {
	if m != nil {
		m.retries.WithLabelValues(source).Inc()
	}
}

func (m *Metrics) rateLimitWait(source string, d time.Duration) {
	if m != nil {
		m.waits.WithLabelValues(source).Add(d.Seconds())
	}
}

func (m *Metrics) sighted(source, kind string, n int) {
	if m != nil {
		m.sightings.WithLabelValues(source, kind).Add(float64(n))
	}
}

func (m *Metrics) unit(source, result string) {
	if m != nil {
		m.units.WithLabelValues(source, result).Inc()
	}
}

func (m *Metrics) failed(source string, err error) {
	if m != nil {
		m.errors.WithLabelValues(source, Reason(err)).Inc()
	}
}

// Skipped counts n items of a response that a source skipped, for reason (empty_or_duplicate, invalid,
// page_REASON, ...).
func (m *Metrics) Skipped(source, reason string, n int) {
	if m != nil && n > 0 {
		m.skipped.WithLabelValues(source, reason).Add(float64(n))
	}
}

func (m *Metrics) took(source string, d time.Duration) {
	if m != nil {
		m.duration.WithLabelValues(source).Set(d.Seconds())
	}
}

// Reason classifies a crawl error into the bounded set used as a metric label.
func Reason(err error) string {
	var he *HTTPError
	switch {
	case err == nil:
		return "none"
	case errors.Is(err, ErrForbiddenHost):
		return "forbidden_host"
	case errors.Is(err, ErrRobots):
		return "robots"
	case errors.Is(err, ErrTooLarge):
		return "too_large"
	case errors.Is(err, ErrRateLimited):
		return "rate_limited"
	case errors.Is(err, ErrBlocked):
		return "blocked"
	case errors.As(err, &he):
		if he.Status == 429 {
			return "rate_limited"
		}
		if he.Status >= 500 {
			return "http_5xx"
		}
		return "http_4xx"
	case errors.Is(err, ErrParse):
		return "parse"
	case errors.Is(err, errCanceled):
		return "canceled"
	case errors.Is(err, ErrBadInput):
		return "bad_input"
	case errors.Is(err, ErrStore):
		return "store"
	}
	return "network"
}

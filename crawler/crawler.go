// Package crawler is heed's crawl engine: it fans the work of every source out over a bounded pool of
// workers, politely (per-host limits, retries that honour Retry-After, the APIs' backoff signals), cleans
// and de-duplicates what the sources find, and hands each finished unit of work to a sink.
//
// A Source turns seeds into Units (one query each) and fetches one Unit at a time. The engine never
// imports a concrete source: cmd/heed builds them and passes them in.
package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"html"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/heed-dev/heed"
)

// Unit is one query of one source: the smallest piece of crawl work, stored whole or not at all, so that
// a run interrupted at any moment resumes where it stopped.
type Unit struct {
	Source    string // the source's name
	Seed      string
	Expansion string // "" for the bare seed, else the expansion kind (alphabet, questions, ...)
	Query     string // what is sent: the seed with its expansion; "" for sources that need no seed
}

// Key identifies the unit within a run.
func (u Unit) Key() string {
	return u.Source + "\x1f" + u.Seed + "\x1f" + u.Expansion + "\x1f" + u.Query
}

// Source is one place requests come from: a suggestion service, a forum, a file.
//
// Units lists the work for the given seeds (sources that need no seed return one unit whatever the seeds).
// Fetch performs one unit, paging within it as the source requires, and returns what it found; an error
// means the unit failed and will be tried again by the next run. Fetch must be safe for concurrent use.
type Source interface {
	Name() string
	Kind() string
	Units(seeds []string) []Unit
	Fetch(ctx context.Context, u Unit) ([]heed.Sighting, error)
}

// Sink receives the sightings of each finished unit. Put must store them atomically with the fact that
// the unit is done.
type Sink interface {
	Put(ctx context.Context, u Unit, s []heed.Sighting) error
}

// Errors that sources return, wrapped with their context, so that failures are counted by reason.
var (
	// ErrParse: the response was not in the shape the source expects.
	ErrParse = errors.New("unexpected response")
	// ErrRateLimited: the source refused for now (429, a throttle error) beyond what the crawler waits for.
	ErrRateLimited = errors.New("rate limited")
	// ErrBlocked: the source answered with a block page (a captcha, "unusual traffic") instead of data.
	ErrBlocked = errors.New("blocked by the source")
	// ErrBadInput: a file the source reads is unreadable or not in a known format.
	ErrBadInput = errors.New("bad input")
	// ErrStore: the sink could not store a unit (a full disk, a broken database): not the source's fault.
	ErrStore    = errors.New("store failed")
	errCanceled = context.Canceled
)

// HTTPError is an HTTP status a source did not expect.
type HTTPError struct {
	Status int
	URL    string
}

func (e *HTTPError) Error() string { return fmt.Sprintf("HTTP %d from %s", e.Status, e.URL) }

// CheckStatus returns an *HTTPError for a response that is not 2xx.
func CheckStatus(r *Response) error {
	if r.Status >= 200 && r.Status < 300 {
		return nil
	}
	err := error(&HTTPError{Status: r.Status, URL: redact(r.URL)})
	if r.Status == 429 {
		err = fmt.Errorf("%w: %w", ErrRateLimited, err)
	}
	return err
}

// Shard restricts a crawl to a stable share of the work: unit u belongs to shard I of N when a hash of its
// source and seed falls there, so that several workers split one crawl without talking to each other.
type Shard struct{ I, N int }

// JobName is the name a sharded worker runs job under: each shard of a job keeps runs, a lock, a history
// and a report of its own ("nightly.shard1of3"); the whole job is the zero Shard's plain name.
func (s Shard) JobName(job string) string {
	if s.N <= 1 {
		return job
	}
	return fmt.Sprintf("%s.shard%dof%d", job, s.I+1, s.N)
}

// Owns reports whether the shard takes u. The zero Shard takes everything.
func (s Shard) Owns(u Unit) bool {
	if s.N <= 1 {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(u.Source + "\x1f" + u.Seed))
	return int(h.Sum32()%uint32(s.N)) == s.I
}

// ParseShard reads "I/N" (0-based I).
func ParseShard(s string) (Shard, error) {
	var sh Shard
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.I, &sh.N); err != nil || sh.N < 1 || sh.I < 0 || sh.I >= sh.N ||
		fmt.Sprintf("%d/%d", sh.I, sh.N) != strings.TrimSpace(s) {
		return Shard{}, fmt.Errorf("shard %q: want I/N with 0 <= I < N, such as 0/3", s)
	}
	return sh, nil
}

// Engine runs sources.
type Engine struct {
	Workers int          // units fetched at once; 0 means 4
	MaxText int          // longest request text kept, in characters; 0 means heed.DefaultMaxText
	Shard   Shard        // the share of the work this engine does
	Log     *slog.Logger // nil discards
	Metrics *Metrics     // nil records nothing
	// Progress, when set, counts units as they finish, for a progress display.
	Progress *Progress
	Now      func() time.Time
}

// SourceReport is what one source did in a crawl.
type SourceReport struct {
	Name      string
	Kind      string
	Units     int // units this run owns
	OK        int
	Failed    int
	Resumed   int // done by an earlier, interrupted attempt of the run
	Sightings int
	Skipped   int // items dropped: empty text or duplicates within a response
	Errors    map[string]int
	LastError string
	Duration  time.Duration
}

// Report is what a crawl did, source by source.
type Report struct {
	Sources []SourceReport
}

// Failed reports whether every source that had work failed every unit: the crawl did nothing at all.
func (r Report) Failed() bool {
	worked := false
	for _, s := range r.Sources {
		if s.Units == 0 {
			continue
		}
		worked = true
		if s.OK+s.Resumed > 0 {
			return false
		}
	}
	return worked
}

// Totals sums the report's counts.
func (r Report) Totals() (units, ok, failed, sightings int) {
	for _, s := range r.Sources {
		units += s.Units
		ok += s.OK + s.Resumed
		failed += s.Failed
		sightings += s.Sightings
	}
	return
}

// Run crawls every source for seeds and puts what each unit finds into sink. Units whose keys are in done
// are skipped: an earlier attempt of this run stored them. A failing unit or source is logged, counted and
// reported, never fatal; Run returns an error only when the sink fails or ctx ends.
func (e *Engine) Run(ctx context.Context, sources []Source, seeds []string, done map[string]bool, sink Sink) (Report, error) {
	r := e.newRun(sources, sink)
	queues := r.queue(seeds, done)
	for _, q := range queues {
		e.Progress.add(len(q))
	}
	r.work(ctx, interleave(queues))
	r.finish()
	rep := Report{Sources: r.reports}
	if r.sinkErr != nil {
		return rep, fmt.Errorf("store crawl results: %w", r.sinkErr)
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	return rep, nil
}

// crawlRun is one Run of an Engine: its settings, with the defaults filled in, and what its workers share.
type crawlRun struct {
	e       *Engine
	sources []Source
	sink    Sink
	log     *slog.Logger
	workers int
	maxText int
	now     func() time.Time

	mu       sync.Mutex
	reports  []SourceReport // by source
	stopped  []bool         // a source that refused us is given up for this run
	sinkErr  error
	started  []time.Time
	finished []time.Time
}

// crawlJob is one unit of the source at index src.
type crawlJob struct {
	src int
	u   Unit
}

func (e *Engine) newRun(sources []Source, sink Sink) *crawlRun {
	r := &crawlRun{e: e, sources: sources, sink: sink, log: e.Log, workers: e.Workers, maxText: e.MaxText, now: e.Now,
		reports: make([]SourceReport, len(sources)), stopped: make([]bool, len(sources)),
		started: make([]time.Time, len(sources)), finished: make([]time.Time, len(sources))}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.workers <= 0 {
		r.workers = 4
	}
	if r.maxText <= 0 {
		r.maxText = heed.DefaultMaxText
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// queue returns each source's units for seeds that the engine's shard owns, less those in done (counted
// as resumed), and starts each source's report.
func (r *crawlRun) queue(seeds []string, done map[string]bool) [][]crawlJob {
	queues := make([][]crawlJob, len(r.sources))
	for i, s := range r.sources {
		r.reports[i] = SourceReport{Name: s.Name(), Kind: s.Kind(), Errors: map[string]int{}}
		for _, u := range s.Units(seeds) {
			if u.Source == "" {
				u.Source = s.Name()
			}
			if !r.e.Shard.Owns(u) {
				continue
			}
			r.reports[i].Units++
			if done[u.Key()] {
				r.reports[i].Resumed++
				r.e.Metrics.unit(s.Name(), "resumed")
				continue
			}
			queues[i] = append(queues[i], crawlJob{i, u})
		}
	}
	return queues
}

// interleave takes one job of each source in turn, so that one slow or large source does not hold the
// others back.
func interleave(queues [][]crawlJob) []crawlJob {
	var jobs []crawlJob
	for more := true; more; {
		more = false
		for i := range queues {
			if len(queues[i]) > 0 {
				jobs = append(jobs, queues[i][0])
				queues[i] = queues[i][1:]
				more = true
			}
		}
	}
	return jobs
}

// work does the jobs, r.workers at a time, until they are done or ctx ends.
func (r *crawlRun) work(ctx context.Context, jobs []crawlJob) {
	ch := make(chan crawlJob)
	var wg sync.WaitGroup
	for range r.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				r.do(ctx, j)
			}
		}()
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		ch <- j
	}
	close(ch)
	wg.Wait()
}

// do fetches one unit, puts what it found into the sink, and counts, logs and measures the outcome.
func (r *crawlRun) do(ctx context.Context, j crawlJob) {
	src := r.sources[j.src]
	skip, storeFailed := r.start(j.src)
	kept, skipped, err := r.fetch(ctx, src, j.u, skip, storeFailed)
	r.e.Progress.unit(err == nil, len(kept))
	r.count(j.src, len(kept), skipped, err)
	if err != nil {
		if !skip {
			r.log.Warn("crawl unit failed", "source", src.Name(), "kind", src.Kind(), "seed", j.u.Seed,
				"expansion", j.u.Expansion, "query", j.u.Query, "reason", Reason(err), "err", err)
		}
		r.e.Metrics.failed(src.Name(), err)
		r.e.Metrics.unit(src.Name(), "failed")
	} else {
		r.e.Metrics.unit(src.Name(), "ok")
		r.e.Metrics.sighted(src.Name(), src.Kind(), len(kept))
	}
}

// start notes when the source at index i began, and says whether its unit is to be skipped: the source
// was given up for this run, or the store failed (storeFailed).
func (r *crawlRun) start(i int) (skip bool, storeFailed error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started[i].IsZero() {
		r.started[i] = r.now()
	}
	return r.stopped[i] || r.sinkErr != nil, r.sinkErr
}

// fetch fetches unit u of src, unless ctx has ended or the unit is to be skipped, and puts the sightings
// kept into the sink. It returns them, and how many it dropped, even when the sink failed.
func (r *crawlRun) fetch(ctx context.Context, src Source, u Unit, skip bool, storeFailed error) (kept []heed.Sighting, skipped int, err error) {
	err = ctx.Err()
	switch {
	case err != nil:
	case storeFailed != nil:
		err = fmt.Errorf("%w: not fetched, the store failed earlier: %w", ErrStore, storeFailed)
	case skip:
		err = fmt.Errorf("%w: source given up for this run after an earlier refusal", ErrRateLimited)
	}
	if err != nil {
		return nil, 0, err
	}
	found, err := src.Fetch(ctx, u)
	if err != nil {
		return nil, 0, err
	}
	kept, skipped = clean(found, src, u, r.maxText)
	r.e.Metrics.Skipped(src.Name(), "empty_or_duplicate", skipped)
	if err := r.sink.Put(ctx, u, kept); err != nil {
		if !errors.Is(err, ErrStore) {
			err = fmt.Errorf("%w: %w", ErrStore, err)
		}
		r.mu.Lock()
		if r.sinkErr == nil {
			r.sinkErr = err
		}
		r.mu.Unlock()
		return kept, skipped, err
	}
	return kept, skipped, nil
}

// count adds a unit's outcome to the report of the source at index i, and gives the source up for this
// run when it refused us.
func (r *crawlRun) count(i, kept, skipped int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := &r.reports[i]
	if err != nil {
		rep.Failed++
		reason := Reason(err)
		rep.Errors[reason]++
		rep.LastError = err.Error()
		if reason == "rate_limited" || reason == "blocked" {
			r.stopped[i] = true
		}
	} else {
		rep.OK++
		rep.Sightings += kept
		rep.Skipped += skipped
	}
	r.finished[i] = r.now()
}

// finish sets each source's crawl time and logs each source that failed units.
func (r *crawlRun) finish() {
	for i := range r.reports {
		rep := &r.reports[i]
		if !r.started[i].IsZero() {
			rep.Duration = r.finished[i].Sub(r.started[i])
			r.e.Metrics.took(rep.Name, rep.Duration)
		}
		if rep.Failed > 0 {
			r.log.Error("source failed", "source", rep.Name, "kind", rep.Kind,
				"failed_units", rep.Failed, "ok_units", rep.OK, "errors", heed.CountsText(rep.Errors),
				"last_error", rep.LastError)
		}
	}
}

// clean makes a unit's sightings safe and complete: HTML entities decoded, text in Unicode NFC, cleaned
// and bounded, empty texts and repeats within the response dropped, the unit's identity filled in.
func clean(in []heed.Sighting, src Source, u Unit, maxText int) ([]heed.Sighting, int) {
	out := make([]heed.Sighting, 0, len(in))
	seen := map[string]bool{}
	skipped := 0
	for _, s := range in {
		text := s.Text
		if strings.IndexByte(text, '&') >= 0 {
			text = html.UnescapeString(text)
		}
		text, cut := heed.CleanText(norm.NFC.String(text), maxText)
		key := heed.Normalize(text)
		if key == "" || seen[key] {
			skipped++
			continue
		}
		seen[key] = true
		s.Text = text
		s.Truncated = s.Truncated || cut
		if s.Source == "" {
			s.Source = src.Kind()
		}
		if s.SourceName == "" && src.Name() != s.Source {
			s.SourceName = src.Name()
		}
		if s.Seed == "" {
			s.Seed = u.Seed
		}
		if s.Expansion == "" {
			s.Expansion = u.Expansion
		}
		out = append(out, s)
	}
	return out, skipped
}

// SortSightings orders sightings as heed crawl prints them: by source, seed, expansion, query and
// position, so that output is stable whatever order the workers finished in.
func SortSightings(s []heed.Sighting) {
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if c := strings.Compare(a.Name(), b.Name()); c != 0 {
			return c < 0
		}
		if c := strings.Compare(a.Seed, b.Seed); c != 0 {
			return c < 0
		}
		if c := strings.Compare(a.Expansion, b.Expansion); c != 0 {
			return c < 0
		}
		if c := strings.Compare(a.URL, b.URL); c != 0 {
			return c < 0
		}
		return a.Position < b.Position
	})
}

// DetectBlock recognises the HTML pages services send instead of data when they block a client (a
// captcha, "unusual traffic"), and other HTML where data was expected. what names the data expected.
func DetectBlock(body []byte, what string) error {
	head := bytes.TrimSpace(body)
	if len(head) == 0 || head[0] != '<' {
		return nil
	}
	low := bytes.ToLower(head[:min(len(head), 8192)])
	if !bytes.Contains(low, []byte("<html")) && !bytes.Contains(low, []byte("<!doctype html")) && !bytes.Contains(low, []byte("<body")) {
		return nil // XML, not a page
	}
	for _, sign := range []string{"unusual traffic", "captcha", "are you a robot", "are you a human", "access denied", "blocked", "too many requests", "rate limit"} {
		if bytes.Contains(low, []byte(sign)) {
			return fmt.Errorf("%w: an HTML page saying %q instead of %s", ErrBlocked, sign, what)
		}
	}
	return fmt.Errorf("%w: an HTML page instead of %s", ErrParse, what)
}

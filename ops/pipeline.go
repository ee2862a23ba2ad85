// Package ops runs heed's jobs: the nightly pipeline (crawl, classify, match, report) on a store, its
// schedules, its metrics and its run history.
package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/report"
	"github.com/heed-dev/heed/store"
	"github.com/heed-dev/heed/vectorcache"
)

// Classifier labels requests (intent.Classifier).
type Classifier interface {
	Classify(text string) heed.Classification
}

// Matcher finds the page that answers a request (responder.Matcher).
type Matcher interface {
	Match(text string, c heed.Classification) heed.Match
}

// VectorMatcher is a Matcher that reads meaning (responder.Matcher with an encoder): the match stage
// encodes the requests in batches, and matches each with its vector.
type VectorMatcher interface {
	Matcher
	Vectors(texts []string) [][]float32
	MatchVector(text string, vec []float32, c heed.Classification) heed.Match
}

// Encoder turns texts into vectors that are close when the texts mean the same (encoder.Encoder); Model
// names the model and its version, under which its vectors are kept in the store.
type Encoder interface {
	EncodeInto(dst []float32, texts []string)
	Dim() int
	Model() string
}

// PageSource gives the organisation's current pages: a crawl of its site, or an export.
type PageSource interface {
	Pages(ctx context.Context) ([]heed.Page, error)
	String() string
}

// Triage decides what becomes of each matched request (triage.Triage): Hear sums up a request's
// sightings (evidence, demand, examples, forum threads); Sort applies the content team's overrides to
// the cases' matches, sets service issues apart, clusters the open gaps into topics, sets each case's
// fate, and returns the open topics.
type Triage interface {
	Hear(sightings []heed.Sighting, runsSeen int) heed.Heard
	Sort(cases []heed.Case, overrides []heed.Override) []heed.Topic
	// ServiceTopics groups the sorted service issues that no kind names into topics.
	ServiceTopics(cases []heed.Case) []heed.Topic
}

// Job is one configured job: what to crawl and where to write.
type Job struct {
	Name    string
	Sources []crawler.Source
	Seeds   []string
	// Pages, when set, refreshes the stored pages before matching; nil keeps the stored ones.
	Pages PageSource
	// SiteOnly refreshes the pages and stops: no crawl, no matching, no report.
	SiteOnly bool
	// OutDir is where the report is written; "" writes none.
	OutDir       string
	Organisation string
}

// Pipeline runs jobs on a store.
type Pipeline struct {
	Store    store.Store
	Engine   *crawler.Engine
	Classify Classifier
	// NewMatcher builds a matcher over the pages: the full-text index and its calibration; enc, when not
	// nil, is the encoder to read meaning with (the pipeline's, its vectors kept in the store).
	NewMatcher func(pages []heed.Page, enc vectorcache.Encoder) Matcher
	// Encoder, when set, adds meaning to matching and to gap topics; nil reads words alone.
	Encoder Encoder
	Triage  Triage // Store, Engine, Classify, NewMatcher and Triage are required
	Log     *slog.Logger
	Metrics *Metrics
	// Progress, when set, follows the run's stages for a display (heed run on a terminal).
	Progress *Progress
	Now      func() time.Time // called from the crawl's workers at once: it must be safe for concurrent use
	// Workers bounds the classify and match workers; 0 means the number of CPUs.
	Workers int
}

// Summary is what a run did, for the one-line summary and the exit code.
type Summary struct {
	Run       store.Run
	Resumed   bool
	Crawl     crawler.Report
	ReportDir string
}

// ErrNoPages is returned when no page could be read and none is stored: nothing can be matched.
var ErrNoPages = errors.New("no pages")

// ErrAllSourcesFailed is returned when no source produced anything: the run could not do its job.
var ErrAllSourcesFailed = errors.New("every source failed")

// Line is the one-line summary of a run, for logs and schedulers.
func (s Summary) Line() string {
	st := s.Run.Stats
	_, ok, failed, _ := s.Crawl.Totals()
	// Every request is answered, an open gap, a service issue or dismissed: the four add up.
	line := fmt.Sprintf("heed run %d (%s): %s; %d requests (%d new, %d recurring, %d disappeared): %d answered, %d gaps, %d service issues, %d dismissed (won't answer); coverage %.1f%%; %d pages; units %d ok, %d failed; %.1fs",
		s.Run.ID, s.Run.Job, s.Run.Status, st.Requests, st.New, st.Recurring, st.Disappeared, st.Answered, st.Gaps,
		st.ServiceIssues, st.Dismissed, 100*store.Coverage{Requests: st.Requests, Answered: st.Answered}.Ratio(),
		st.Pages, ok, failed, st.DurationSec)
	if s.ReportDir != "" {
		line += "; report in " + s.ReportDir
	}
	return line
}

// sink stores each crawl unit in the run.
type sink struct {
	st  store.Store
	run int64
	now func() time.Time
}

func (s sink) Put(ctx context.Context, u crawler.Unit, found []heed.Sighting) error {
	return s.st.PutUnit(ctx, s.run, u.Key(), found, s.now())
}

// Run performs job once: refresh pages, crawl (resuming an interrupted run of the job), classify, match,
// triage, report, and record the run. It returns an error when the run could not do its job; failures of
// single sources or items are counted in the summary instead.
func (p *Pipeline) Run(ctx context.Context, job Job) (Summary, error) {
	n, err := p.begin(ctx, job)
	if err != nil {
		return Summary{}, err
	}
	p.Progress.Stage("pages")
	if err := p.refreshPages(ctx, n); err != nil {
		return n.end(ctx, err)
	}
	n.stage.done("pages")
	if job.SiteOnly {
		return p.finishSiteOnly(ctx, n)
	}
	for _, stage := range []struct {
		name string
		run  func(context.Context, *night) error
	}{
		{"crawl", p.crawl},
		{"load", p.load},
		{"classify", p.classify},
		{"match", p.match},
		{"triage", p.triage},
		{"store results", p.storeResults},
		{"write report", p.report},
	} {
		p.Progress.Stage(stage.name)
		if err := stage.run(ctx, n); err != nil {
			return n.end(ctx, err)
		}
		n.stage.done(stage.name)
	}
	p.Progress.Stage("")
	if err := p.Store.FinishRun(ctx, n.run); err != nil {
		return n.fail(ctx, err)
	}
	n.sum.Run = n.run
	p.Metrics.finished(n.run)
	n.log.Info(n.sum.Line())
	return n.sum, nil
}

// interrupted is a stage's error when the run's context was cancelled: the run is left open.
type interrupted struct{ err error }

func (e interrupted) Error() string { return e.err.Error() }

// night is one run of a job as it goes through the stages: what each stage leaves for the next.
type night struct {
	p     *Pipeline
	job   Job
	run   store.Run
	sum   Summary
	start time.Time
	now   func() time.Time
	log   *slog.Logger
	stage *stageLog

	crawl  crawler.Report
	heard  []heed.Heard  // of each request of the run, in the order of cases
	seen   []report.Seen // of each request, in the order of cases
	before previousRun
	pages  []heed.Page // the pages' url, title and type, once they are indexed
	// calibration says why the gap thresholds are defaults, when they are (the matcher's note)
	calibration string
	cases       []heed.Case // each request of the run
	topics      []heed.Topic
	// serviceTopics group the service issues of no known kind
	serviceTopics []heed.Topic
}

// begin opens the job's run, or resumes its interrupted one.
func (p *Pipeline) begin(ctx context.Context, job Job) (*night, error) {
	if p.Store == nil || p.Engine == nil || p.Classify == nil || p.NewMatcher == nil || p.Triage == nil {
		return nil, errors.New("ops: a pipeline needs its Store, Engine, Classify, NewMatcher and Triage")
	}
	now := p.Now
	if now == nil {
		now = time.Now
	}
	log := p.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := now()
	stage := newStageLog(log)
	run, resumed, err := p.Store.BeginRun(ctx, job.Name, start)
	if err != nil {
		return nil, err
	}
	log = log.With("job", job.Name, "run", run.ID)
	stage.log = log
	if resumed {
		log.Info("resuming an interrupted run", "started", run.Started)
	}
	return &night{p: p, job: job, run: run, sum: Summary{Run: run, Resumed: resumed}, start: start, now: now, log: log, stage: stage}, nil
}

// end ends the run on a stage's error: an interrupted run is left open for the next run to resume; any
// other error fails it.
func (n *night) end(ctx context.Context, err error) (Summary, error) {
	var stop interrupted
	if errors.As(err, &stop) {
		return n.sum, stop.err
	}
	return n.fail(ctx, err)
}

// fail records the run as failed (unless the context was cancelled) and returns err.
func (n *night) fail(ctx context.Context, err error) (Summary, error) {
	n.run.Status, n.run.Finished = store.StatusFailed, n.now()
	n.run.Stats.DurationSec = n.run.Finished.Sub(n.start).Seconds()
	if ctx.Err() == nil {
		if ferr := n.p.Store.FinishRun(context.WithoutCancel(ctx), n.run); ferr != nil {
			n.log.Error("could not record the failed run", "err", ferr)
		}
	}
	n.sum.Run = n.run
	n.p.Metrics.finished(n.run)
	return n.sum, err
}

// refreshPages replaces the stored pages with the job's page source's, when it has one. A source that
// fails leaves the stored pages in place, and the run says so.
func (p *Pipeline) refreshPages(ctx context.Context, n *night) error {
	if n.job.Pages == nil {
		return nil
	}
	pages, err := n.job.Pages.Pages(ctx)
	switch {
	case ctx.Err() != nil:
		return interrupted{ctx.Err()}
	case err != nil:
		stored, serr := p.Store.Pages(ctx)
		if serr != nil {
			return fmt.Errorf("pages not refreshed (%w), and the stored pages could not be read: %w", err, serr)
		}
		if len(stored) == 0 {
			// Every request would be a gap: a report saying so would be false, not news.
			return fmt.Errorf("run %d of %s: %w: none could be read from %s and none are stored from an earlier run, so nothing can be matched: %w",
				n.run.ID, n.job.Name, ErrNoPages, n.job.Pages.String(), err)
		}
		n.run.Stats.SiteError = err.Error()
		n.log.Error("pages not refreshed; matching against the pages stored before", "pages", n.job.Pages.String(), "stored", len(stored), "err", err)
		return nil
	}
	if sk, ok := n.job.Pages.(interface{ Skipped() int }); ok {
		n.run.Stats.PagesSkipped = sk.Skipped()
	}
	if err := p.Store.ReplacePages(ctx, pages); err != nil {
		return err
	}
	n.log.Info("pages refreshed", "pages", len(pages), "from", n.job.Pages.String())
	return nil
}

// crawl fetches every unit of the job's sources that an interrupted attempt did not store already.
func (p *Pipeline) crawl(ctx context.Context, n *night) error {
	done, err := p.Store.DoneUnits(ctx, n.run.ID)
	if err != nil {
		return err
	}
	crep, err := p.Engine.Run(ctx, n.job.Sources, n.job.Seeds, done, sink{p.Store, n.run.ID, n.now})
	n.crawl, n.sum.Crawl = crep, crep
	n.run.Stats.Sources = map[string]store.SourceStats{}
	for _, s := range crep.Sources {
		n.run.Stats.Sources[s.Name] = store.SourceStats{Kind: s.Kind, Units: s.Units, OK: s.OK + s.Resumed, Failed: s.Failed,
			Sightings: s.Sightings, LastError: s.LastError}
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return interrupted{err}
	case err != nil:
		return err
	case crep.Failed():
		return fmt.Errorf("run %d of %s: %w: %s", n.run.ID, n.job.Name, ErrAllSourcesFailed, sourceErrors(crep))
	}
	return nil
}

// sourceErrors names the failed sources and their last errors, three at most (the log has them all).
func sourceErrors(rep crawler.Report) string {
	var parts []string
	failed := 0
	for _, s := range rep.Sources {
		if s.Failed == 0 {
			continue
		}
		failed++
		if len(parts) < 3 {
			parts = append(parts, s.Name+": "+s.LastError)
		}
	}
	if failed > len(parts) {
		parts = append(parts, fmt.Sprintf("and %d more (the log names each)", failed-len(parts)))
	}
	return strings.Join(parts, "; ")
}

// load reads the run's requests and sightings. Of the sightings it keeps only what triage hears in them,
// of the requests their text and when they were first heard, and of the previous run what the report
// compares.
func (p *Pipeline) load(ctx context.Context, n *night) error {
	reqs, err := p.Store.RunRequests(ctx, n.run.ID)
	if err != nil {
		return err
	}
	sightings, err := p.Store.RunSightings(ctx, n.run.ID)
	if err != nil {
		return err
	}
	// Each source's sightings are counted from the store, so that a resumed run counts the units an
	// earlier attempt stored too, not only what this process fetched.
	countSightings(&n.crawl, n.run.Stats.Sources, sightings)
	n.sum.Crawl = n.crawl
	n.heard = make([]heed.Heard, len(reqs))
	n.cases = make([]heed.Case, len(reqs))
	n.seen = make([]report.Seen, len(reqs))
	for i, r := range reqs {
		n.heard[i] = p.Triage.Hear(sightings[r.Key], r.RunsSeen)
		n.cases[i] = heed.Case{Key: r.Key, Text: r.Text, Demand: n.heard[i].Demand}
		n.seen[i] = report.Seen{FirstSeen: r.FirstSeen, RunsSeen: r.RunsSeen, New: r.FirstRun == n.run.ID}
	}
	n.before, err = p.previous(ctx, n.job.Name, n.run.ID, n.cases)
	return err
}

// classify labels every request of the run, and stores the labels (with their reasons, for --explain).
func (p *Pipeline) classify(ctx context.Context, n *night) error {
	p.Progress.Total(len(n.cases), "requests")
	p.parallel(len(n.cases), func(i int) {
		defer p.Progress.Add(1)
		n.cases[i].Class = p.Classify.Classify(n.cases[i].Text)
	})
	byKey := make(map[string]heed.Classification, len(n.cases))
	for _, c := range n.cases {
		byKey[c.Key] = c.Class
	}
	if err := p.Store.PutClasses(ctx, byKey); err != nil {
		return err
	}
	for i := range n.cases {
		n.cases[i].Class.Reasons = nil // stored for --explain; nothing after this reads them
	}
	return nil
}

// match finds each request's page among the stored pages.
func (p *Pipeline) match(ctx context.Context, n *night) error {
	pages, err := p.Store.Pages(ctx)
	if err != nil {
		return err
	}
	if len(pages) == 0 {
		n.log.Warn("no pages to match against: every request will be a gap", "hint", "set organisation.site or organisation.pages in the config, or --pages")
	}
	var enc vectorcache.Encoder
	var cache *vectorcache.Cache
	if p.Encoder != nil {
		if err := p.Store.DropVectors(ctx, p.Encoder.Model()); err != nil {
			return fmt.Errorf("forget the vectors of other models: %w", err)
		}
		// Without the run's cancel: a matcher outlives its run when heed serve answers /api/respond with it.
		cache = vectorcache.New(context.WithoutCancel(ctx), p.Encoder, p.Store, p.Encoder.Model(), n.log)
		enc = cache
	}
	matcher := p.NewMatcher(pages, enc)
	if cn, ok := matcher.(interface{ CalibrationNote() string }); ok && len(pages) > 0 {
		if n.calibration = cn.CalibrationNote(); n.calibration != "" {
			n.log.Warn("gap decisions use default thresholds", "why", n.calibration)
		}
	}
	// The report needs only each page's url, title and type: once matching is done, the bodies and
	// declared queries of a big site (and its index) can go.
	n.pages = make([]heed.Page, len(pages))
	for i, pg := range pages {
		n.pages[i] = heed.Page{URL: pg.URL, Title: pg.Title, Type: pg.Type}
	}
	n.stage.done("index")
	p.adapt(matcher, enc != nil, n)
	p.Progress.Total(len(n.cases), "requests")
	if vm, ok := matcher.(VectorMatcher); ok && enc != nil {
		p.matchWithVectors(vm, n)
	} else {
		p.parallel(len(n.cases), func(i int) {
			n.cases[i].Match = matcher.Match(n.cases[i].Text, n.cases[i].Class)
			p.Progress.Add(1)
		})
	}
	if cache != nil {
		hits, encoded := cache.Stats()
		n.log.Info("vectors", "model", p.Encoder.Model(), "from_store", hits, "encoded", encoded)
		p.Metrics.vectors(hits, encoded)
	}
	return ctx.Err()
}

// Adapter is a Matcher whose gap decision adapts to the share of gaps among the night's requests, which
// it estimates from a sample of them (responder.Matcher): vectors, when not nil, encodes the sample.
// GapShare says what it estimated.
type Adapter interface {
	Adapt(texts []string, vectors func([]string) [][]float32)
	GapShare() (share float64, requests int)
}

// adapt shows an Adapter the night's requests before they are matched.
func (p *Pipeline) adapt(matcher Matcher, withVectors bool, n *night) {
	a, ok := matcher.(Adapter)
	if !ok || len(n.cases) == 0 {
		return
	}
	texts := make([]string, len(n.cases))
	for i, c := range n.cases {
		texts[i] = c.Text
	}
	var vectors func([]string) [][]float32
	if vm, ok := matcher.(VectorMatcher); ok && withVectors {
		vectors = vm.Vectors
	}
	a.Adapt(texts, vectors)
	// Kept with the run: the report shows it, and heed serve decides with it.
	share, k := a.GapShare()
	n.run.Stats.GapShare, n.run.Stats.GapShareSampled = share, k
	if k > 0 {
		n.log.Info("gap decision adapted to the night's requests", "gap_share", fmt.Sprintf("%.3f", share), "sampled", k)
	}
}

// vectorChunk is how many requests are encoded, then matched, at a time.
const vectorChunk = 8192

// matchWithVectors encodes the requests a chunk at a time and matches each with its vector. A gap keeps
// its vector, for its topic.
func (p *Pipeline) matchWithVectors(vm VectorMatcher, n *night) {
	texts := make([]string, 0, vectorChunk)
	for lo := 0; lo < len(n.cases); lo += vectorChunk {
		hi := min(lo+vectorChunk, len(n.cases))
		texts = texts[:0]
		for _, c := range n.cases[lo:hi] {
			texts = append(texts, c.Text)
		}
		vecs := vm.Vectors(texts)
		p.parallel(hi-lo, func(k int) {
			c := &n.cases[lo+k]
			c.Match = vm.MatchVector(c.Text, vecs[k], c.Class)
			if c.Match.Gap {
				c.Vector = heed.Quantise(vecs[k]) // a copy: the chunk's floats go with the chunk
			}
		})
		p.Progress.Add(hi - lo)
	}
}

// triage applies the content team's decisions and sorts each request to its fate.
func (p *Pipeline) triage(ctx context.Context, n *night) error {
	overrides, err := p.Store.Overrides(ctx)
	if err != nil {
		return err
	}
	n.topics = p.Triage.Sort(n.cases, overrides)
	n.serviceTopics = p.Triage.ServiceTopics(n.cases)
	return nil
}

// storeResults keeps each request's match (with the content team's decisions applied), handed to the
// store one at a time.
func (p *Pipeline) storeResults(ctx context.Context, n *night) error {
	return p.Store.PutResults(ctx, n.run.ID, func(yield func(store.Result) bool) {
		for _, c := range n.cases {
			if !yield(store.Result{RunID: n.run.ID, Key: c.Key, Match: c.Match}) {
				return
			}
		}
	})
}

// report builds the run's report, records its figures in the run, and writes it when the job has a
// report directory.
func (p *Pipeline) report(ctx context.Context, n *night) error {
	rep := report.Build(n.reportInput())
	// The report holds what is written from here on: the night's requests can go before it is encoded.
	n.cases, n.heard, n.seen, n.topics, n.pages, n.serviceTopics = nil, nil, nil, nil, nil, nil
	n.stage.done("report")
	n.run.Stats = statsOf(rep, n.run.Stats)
	n.run.Status = store.StatusOK
	if _, _, failed, _ := n.crawl.Totals(); failed > 0 || n.run.Stats.SiteError != "" {
		n.run.Status = store.StatusPartial
	}
	n.run.Finished = n.now()
	n.run.Stats.DurationSec = n.run.Finished.Sub(n.start).Seconds()
	rep.Run.Status, rep.Run.Finished = n.run.Status, n.run.Finished
	if n.job.OutDir == "" {
		return nil
	}
	if err := report.Write(n.job.OutDir, rep); err != nil {
		return err
	}
	n.sum.ReportDir = n.job.OutDir
	return nil
}

// reportInput is what the report of the night is built from.
func (n *night) reportInput() report.Input {
	in := report.Input{Organisation: n.job.Organisation, Run: report.Run{ID: n.run.ID, Job: n.run.Job, Started: n.run.Started},
		Now: n.now(), Cases: n.cases, Heard: n.heard, Seen: n.seen, Topics: n.topics, Pages: n.pages,
		PrevGap: n.before.gap, Disappeared: n.before.disappeared, History: historyOf(n.before.history, n.run.ID),
		PagesSkipped: n.run.Stats.PagesSkipped, SiteError: n.run.Stats.SiteError, CalibrationNote: n.calibration, ServiceTopics: n.serviceTopics}
	if st := n.run.Stats; st.GapShareSampled > 0 {
		in.GapShare = &report.GapShare{Estimate: heed.Round(st.GapShare, 3), Sampled: st.GapShareSampled}
	}
	if n.before.run != nil {
		in.Run.Previous = n.before.run.ID
	}
	for _, s := range n.crawl.Sources {
		in.Sources = append(in.Sources, report.Source{Name: s.Name, Kind: s.Kind, Units: s.Units, Failed: s.Failed,
			Sightings: s.Sightings, LastError: s.LastError})
	}
	return in
}

// finishSiteOnly records a run that only refreshed the pages.
func (p *Pipeline) finishSiteOnly(ctx context.Context, n *night) (Summary, error) {
	pages, err := p.Store.Pages(ctx)
	if err != nil {
		return n.sum, err
	}
	run := n.run
	run.Stats.Pages = len(pages)
	run.Status = store.StatusOK
	if run.Stats.SiteError != "" {
		run.Status = store.StatusFailed
	}
	run.Finished = n.now()
	run.Stats.DurationSec = run.Finished.Sub(n.start).Seconds()
	if err := p.Store.FinishRun(ctx, run); err != nil {
		return n.sum, err
	}
	n.sum.Run = run
	p.Metrics.finished(run)
	n.log.Info("pages refreshed; this job does not crawl", "pages", len(pages), "status", run.Status)
	if run.Status == store.StatusFailed {
		return n.sum, fmt.Errorf("run %d of %s: the site could not be read: %s", run.ID, run.Job, run.Stats.SiteError)
	}
	return n.sum, nil
}

// Package ops runs heed's jobs: the nightly pipeline (crawl, classify, match, report) on a store, its
// schedules, its metrics and its run history.
package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/report"
	"github.com/heed-dev/heed/responder"
	"github.com/heed-dev/heed/store"
)

// Classifier labels requests.
type Classifier interface {
	Classify(text string) heed.Classification
}

// Matcher finds the page that answers a request.
type Matcher interface {
	Match(text string, c heed.Classification) heed.Match
}

// PageSource gives the organisation's current pages: a crawl of its site, or an export.
type PageSource interface {
	Pages(ctx context.Context) ([]heed.Page, error)
	String() string
}

// Evidence sums the demand evidence of a request's sightings, and scores it.
type Evidence interface {
	Collect(sightings []heed.Sighting, runsSeen int) heed.Evidence
	Demand(e heed.Evidence) float64
}

// Triage sorts what matching found: service issues apart from content gaps, and gaps into topics.
type Triage interface {
	ServiceIssue(text string, c heed.Classification) (bool, string)
	Topics(gaps []responder.GapItem) []heed.Topic
}

// defaultTriage is responder's, in the organisation's language.
type defaultTriage struct{ an *analysis.Analyzer }

func (t defaultTriage) ServiceIssue(text string, c heed.Classification) (bool, string) {
	return responder.IsServiceIssue(text, c)
}
func (t defaultTriage) Topics(gaps []responder.GapItem) []heed.Topic {
	return responder.Cluster(gaps, t.an)
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
	// NewMatcher builds a matcher over the pages: the full-text index and its calibration.
	NewMatcher func(pages []heed.Page) Matcher
	Evidence   Evidence
	// Triage sorts service issues from content gaps and clusters the gaps; nil uses responder's, in
	// Lang.
	Triage Triage
	// Lang is the organisation's language (organisation.lang): the analyser gap topics are clustered
	// with. "" is English.
	Lang    string
	Log     *slog.Logger
	Metrics *Metrics
	Now     func() time.Time // called from the crawl's workers at once: it must be safe for concurrent use
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

// ErrAllSourcesFailed is returned when no source produced anything: the run could not do its job.
var ErrAllSourcesFailed = errors.New("every source failed")

// Line is the one-line summary of a run, for logs and schedulers.
func (s Summary) Line() string {
	st := s.Run.Stats
	_, ok, failed, _ := s.Crawl.Totals()
	line := fmt.Sprintf("heed run %d (%s): %s; %d requests (%d new, %d recurring, %d disappeared), %d answered, %d gaps, coverage %.1f%%; %d pages; units %d ok, %d failed; %.1fs",
		s.Run.ID, s.Run.Job, s.Run.Status, st.Requests, st.New, st.Recurring, st.Disappeared, st.Answered, st.Gaps,
		100*store.Coverage{Requests: st.Requests, Answered: st.Answered}.Ratio(), st.Pages, ok, failed, st.DurationSec)
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
// compare with the previous run, report, and record the run. It returns an error when the run could not
// do its job; failures of single sources or items are counted in the summary instead.
func (p *Pipeline) Run(ctx context.Context, job Job) (Summary, error) {
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
		return Summary{}, err
	}
	sum := Summary{Run: run, Resumed: resumed}
	log = log.With("job", job.Name, "run", run.ID)
	stage.log = log
	if resumed {
		log.Info("resuming an interrupted run", "started", run.Started)
	}
	fail := func(err error) (Summary, error) {
		run.Status, run.Finished = store.StatusFailed, now()
		run.Stats.DurationSec = run.Finished.Sub(start).Seconds()
		if ctx.Err() == nil {
			if ferr := p.Store.FinishRun(context.WithoutCancel(ctx), run); ferr != nil {
				log.Error("could not record the failed run", "err", ferr)
			}
		}
		sum.Run = run
		p.Metrics.finished(run)
		return sum, err
	}

	// 1. The organisation's pages.
	if job.Pages != nil {
		pages, err := job.Pages.Pages(ctx)
		switch {
		case ctx.Err() != nil:
			return sum, ctx.Err()
		case err != nil:
			run.Stats.SiteError = err.Error()
			log.Error("pages not refreshed; matching against the pages stored before", "pages", job.Pages.String(), "err", err)
		default:
			if sk, ok := job.Pages.(interface{ Skipped() int }); ok {
				run.Stats.PagesSkipped = sk.Skipped()
			}
			if err := p.Store.ReplacePages(ctx, pages); err != nil {
				return fail(err)
			}
			log.Info("pages refreshed", "pages", len(pages), "from", job.Pages.String())
		}
	}

	stage.done("pages")
	if job.SiteOnly {
		return p.finishSiteOnly(ctx, run, sum, start, now, log)
	}

	// 2. Crawl, skipping what an interrupted attempt already stored.
	done, err := p.Store.DoneUnits(ctx, run.ID)
	if err != nil {
		return fail(err)
	}
	crep, err := p.Engine.Run(ctx, job.Sources, job.Seeds, done, sink{p.Store, run.ID, now})
	sum.Crawl = crep
	run.Stats.Sources = map[string]store.SourceStats{}
	for _, s := range crep.Sources {
		run.Stats.Sources[s.Name] = store.SourceStats{Kind: s.Kind, Units: s.Units, OK: s.OK + s.Resumed, Failed: s.Failed,
			Sightings: s.Sightings, LastError: s.LastError}
	}
	if err != nil {
		if ctx.Err() != nil {
			return sum, err // interrupted: leave the run open, the next run resumes it
		}
		return fail(err)
	}
	if crep.Failed() {
		return fail(fmt.Errorf("run %d of %s: %w (see the logs for each source's error)", run.ID, job.Name, ErrAllSourcesFailed))
	}

	stage.done("crawl")

	// 3. Classify and match every request of the run.
	reqs, err := p.Store.RunRequests(ctx, run.ID)
	if err != nil {
		return fail(err)
	}
	sightings, err := p.Store.RunSightings(ctx, run.ID)
	if err != nil {
		return fail(err)
	}
	// Each source's sightings are counted from the store, so that a resumed run counts the units an
	// earlier attempt stored too, not only what this process fetched.
	countSightings(&crep, run.Stats.Sources, sightings)
	heard := digest(reqs, sightings, p.Evidence) // from here on only the digest is kept
	for i := range reqs {
		reqs[i].Class = nil // the run classifies every request afresh
	}
	before, err := p.previous(ctx, job.Name, run.ID, reqs)
	if err != nil {
		return fail(err)
	}
	pages, err := p.Store.Pages(ctx)
	if err != nil {
		return fail(err)
	}
	if len(pages) == 0 {
		log.Warn("no pages to match against: every request will be a gap", "hint", "set organisation.site or organisation.pages in the config, or --pages")
	}
	stage.done("load")
	classes := make([]heed.Classification, len(reqs))
	p.parallel(len(reqs), func(i int) { classes[i] = p.Classify.Classify(reqs[i].Text) })
	byKey := make(map[string]heed.Classification, len(reqs))
	for i, r := range reqs {
		byKey[r.Key] = classes[i]
	}
	if err := p.Store.PutClasses(ctx, byKey); err != nil {
		return fail(err)
	}
	for i := range classes {
		classes[i].Reasons = nil // stored for --explain; nothing after this reads them
	}
	stage.done("classify")
	matcher := p.NewMatcher(pages)
	// The report needs only each page's url, title and type: once matching is done, the bodies and
	// declared queries of a big site (and its index) can go.
	outline := make([]heed.Page, len(pages))
	for i, pg := range pages {
		outline[i] = heed.Page{URL: pg.URL, Title: pg.Title, Type: pg.Type}
	}
	stage.done("index")
	results := make([]store.Result, len(reqs))
	p.parallel(len(reqs), func(i int) {
		results[i] = store.Result{RunID: run.ID, Key: reqs[i].Key, Match: matcher.Match(reqs[i].Text, classes[i])}
	})
	stage.done("match")
	overrides, err := p.Store.Overrides(ctx)
	if err != nil {
		return fail(err)
	}
	triage := p.Triage
	if triage == nil {
		triage = defaultTriage{analysis.New(p.Lang)}
	}
	sorted := sortRequests(reqs, classes, results, heard, overrides, triage)
	stage.done("triage")
	if err := p.Store.PutResults(ctx, run.ID, results); err != nil {
		return fail(err)
	}
	stage.done("store results")

	// 4. Report.
	in := reportInput{job: job, run: run, prev: before.run, history: before.history, reqs: reqs, classes: classes, results: results,
		heard: heard, pages: outline, prevGap: before.gap, disappeared: before.disappeared, crawl: crep,
		sorted: sorted}
	rep := buildReport(in, now())
	stage.done("report")
	run.Stats = statsOf(rep, run.Stats)
	run.Status = store.StatusOK
	if _, _, failed, _ := crep.Totals(); failed > 0 || run.Stats.SiteError != "" {
		run.Status = store.StatusPartial
	}
	run.Finished = now()
	run.Stats.DurationSec = run.Finished.Sub(start).Seconds()
	rep.Run.Status, rep.Run.Finished = run.Status, run.Finished
	if job.OutDir != "" {
		if err := report.Write(job.OutDir, rep); err != nil {
			return fail(err)
		}
		sum.ReportDir = job.OutDir
	}
	stage.done("write report")
	if err := p.Store.FinishRun(ctx, run); err != nil {
		return fail(err)
	}
	sum.Run = run
	p.Metrics.finished(run)
	log.Info(sum.Line())
	return sum, nil
}

// previousRun is what a report needs of the job's previous run.
type previousRun struct {
	run         *store.Run  // nil when there is none
	history     []store.Run // the job's recent runs, newest first
	gap         map[string]bool
	disappeared []string
}

// countSightings sets each source's sightings to what the run stored under its name.
func countSightings(crep *crawler.Report, stats map[string]store.SourceStats, sightings map[string][]heed.Sighting) {
	n := make(map[string]int, len(crep.Sources))
	for _, ss := range sightings {
		for _, sg := range ss {
			n[sg.Name()]++
		}
	}
	for i := range crep.Sources {
		s := &crep.Sources[i]
		s.Sightings = n[s.Name]
		if st, ok := stats[s.Name]; ok {
			st.Sightings = s.Sightings
			stats[s.Name] = st
		}
	}
}

// previous reads the job's previous (not failed) run, and keeps of it only what the report compares:
// whether each request was a gap, and the texts of those this run did not see. It runs before
// classification, while the heap is small: the previous run's requests and results are as many as this
// run's.
func (p *Pipeline) previous(ctx context.Context, job string, runID int64, reqs []store.Request) (previousRun, error) {
	runs, err := p.Store.Runs(ctx, job, 30)
	if err != nil {
		return previousRun{}, err
	}
	out := previousRun{history: runs}
	for i := range runs {
		if runs[i].ID != runID && runs[i].Status != store.StatusFailed {
			out.run = &runs[i]
			break
		}
	}
	if out.run == nil {
		return out, nil
	}
	results, err := p.Store.Results(ctx, out.run.ID)
	if err != nil {
		return previousRun{}, err
	}
	out.gap = make(map[string]bool, len(results))
	for k, r := range results {
		out.gap[k] = r.Gap
	}
	prevReqs, err := p.Store.RunRequests(ctx, out.run.ID)
	if err != nil {
		return previousRun{}, err
	}
	current := make(map[string]bool, len(reqs))
	for _, r := range reqs {
		current[r.Key] = true
	}
	for _, r := range prevReqs {
		if !current[r.Key] {
			out.disappeared = append(out.disappeared, r.Text)
		}
	}
	return out, nil
}

// finishSiteOnly records a run that only refreshed the pages.
func (p *Pipeline) finishSiteOnly(ctx context.Context, run store.Run, sum Summary, start time.Time, now func() time.Time, log *slog.Logger) (Summary, error) {
	pages, err := p.Store.Pages(ctx)
	if err != nil {
		return sum, err
	}
	run.Stats.Pages = len(pages)
	run.Status = store.StatusOK
	if run.Stats.SiteError != "" {
		run.Status = store.StatusFailed
	}
	run.Finished = now()
	run.Stats.DurationSec = run.Finished.Sub(start).Seconds()
	if err := p.Store.FinishRun(ctx, run); err != nil {
		return sum, err
	}
	sum.Run = run
	p.Metrics.finished(run)
	log.Info("pages refreshed; this job does not crawl", "pages", len(pages), "status", run.Status)
	if run.Status == store.StatusFailed {
		return sum, fmt.Errorf("run %d of %s: the site could not be read: %s", run.ID, run.Job, run.Stats.SiteError)
	}
	return sum, nil
}

// parallel calls fn(i) for i in [0, n) on the pipeline's workers.
func (p *Pipeline) parallel(n int, fn func(i int)) {
	workers := p.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(n, 1))
	var wg sync.WaitGroup
	const chunk = 256
	var next int
	var mu sync.Mutex
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					fn(i)
				}
			}
		}()
	}
	wg.Wait()
}

// reportInput is everything a report is built from.
type reportInput struct {
	job         Job
	run         store.Run
	prev        *store.Run
	history     []store.Run
	reqs        []store.Request
	classes     []heed.Classification
	results     []store.Result
	heard       []heard // of each request, in the order of reqs
	pages       []heed.Page
	prevGap     map[string]bool // the previous run's requests: whether each was a gap; nil without one
	disappeared []string        // texts of the previous run's requests this run did not see
	crawl       crawler.Report
	sorted      sorting
}

// Where each request of a run ends up: every request is answered, an open gap, a service issue or
// dismissed ("won't answer").
const (
	fateAnswered = iota
	fateGap
	fateService
	fateDismissed
)

// fate is where the i-th request ends up.
func (in *reportInput) fate(i int) int {
	m := in.results[i].Match
	switch _, service := in.sorted.service[in.reqs[i].Key]; {
	case service:
		return fateService
	case m.Override == heed.OverrideWontAnswer:
		return fateDismissed
	case m.Gap:
		return fateGap
	}
	return fateAnswered
}

func buildReport(in reportInput, now time.Time) *report.Report {
	rep := &report.Report{
		Schema: report.Schema, Organisation: in.job.Organisation, Generated: now.UTC(),
		Run: report.Run{ID: in.run.ID, Job: in.run.Job, Started: in.run.Started, Finished: now.UTC()},
		Summary: report.Summary{GapsByKind: map[string]int{}, ByIntent: map[string]report.Coverage{},
			BySource: map[string]report.Coverage{}, Pages: len(in.pages), SiteError: in.run.Stats.SiteError},
		Gaps: []report.Request{}, Answered: []report.Request{}, Pages: []report.Page{}, Disappeared: []string{},
		Topics: []report.Topic{}, ServiceIssues: []report.Request{}, Cannibalised: []report.Request{},
		Replies: []report.Reply{}, Dismissed: []report.Request{}, NewGaps: []string{}, ClosedGaps: []string{},
		Sources: []report.Source{}, History: []report.History{},
	}
	for _, k := range heed.GapKinds[1:] {
		rep.Summary.GapsByKind[string(k)] = 0
	}
	if in.prev != nil {
		rep.Run.Previous = in.prev.ID
	}
	pageByURL := map[string]heed.Page{}
	for _, pg := range in.pages {
		pageByURL[pg.URL] = pg
	}
	pageDemand := map[string]*report.Page{}
	srcCov := map[string]*report.Coverage{}
	// Size the lists first: on a big night they hold hundreds of thousands of rows, and growing them
	// by doubling would leave as much again as garbage.
	var nGaps, nAnswered, nCannibalised int
	for i := range in.reqs {
		switch in.fate(i) {
		case fateGap:
			nGaps++
		case fateAnswered:
			nAnswered++
			if len(in.results[i].Competing) > 0 {
				nCannibalised++
			}
		}
	}
	rep.Gaps, rep.Answered = make([]report.Request, 0, nGaps), make([]report.Request, 0, nAnswered)
	rep.Cannibalised = make([]report.Request, 0, nCannibalised)
	for i, r := range in.reqs {
		c := in.classes[i]
		m := in.results[i].Match
		h := in.heard[i]
		ev := h.ev
		row := report.Request{
			Key: r.Key, Text: r.Text, Intent: c.Intent, Confidence: c.Confidence, QuestionType: c.QuestionType,
			Modifiers: c.Modifiers, Status: "recurring", FirstSeen: r.FirstSeen, RunsSeen: r.RunsSeen,
			URL: m.URL, Score: m.Score, Gap: m.Gap, GapKind: m.GapKind, Reason: m.Reason, Alternatives: m.Alternatives,
			Demand: h.demand, Evidence: ev, Examples: h.examples,
		}
		if row.Modifiers == nil {
			row.Modifiers = []string{}
		}
		if row.Alternatives == nil {
			row.Alternatives = []heed.Alternative{}
		}
		if r.FirstRun == in.run.ID {
			row.Status = "new"
			rep.Summary.New++
		} else {
			rep.Summary.Recurring++
		}
		if pg, ok := pageByURL[m.URL]; ok {
			row.PageTitle, row.PageType = pg.Title, pg.Type
		}
		ic := rep.Summary.ByIntent[string(c.Intent)]
		ic.Requests++
		fate := in.fate(i)
		for _, src := range ev.Sources {
			if srcCov[src] == nil {
				srcCov[src] = &report.Coverage{}
			}
			srcCov[src].Requests++
			switch fate {
			case fateGap:
				srcCov[src].Gaps++
			case fateAnswered:
				srcCov[src].Answered++
			}
		}
		row.Competing, row.Override, row.Topic = m.Competing, m.Override, in.sorted.topicOf[r.Key]
		switch fate {
		case fateService:
			row.Service = in.sorted.service[r.Key]
			rep.Summary.ServiceIssues++
			rep.ServiceIssues = append(rep.ServiceIssues, row)
		case fateDismissed:
			rep.Summary.Dismissed++
			rep.Dismissed = append(rep.Dismissed, row)
		case fateGap:
			ic.Gaps++
			rep.Summary.Gaps++
			rep.Summary.GapsByKind[string(m.GapKind)]++
			rep.Gaps = append(rep.Gaps, row)
			if in.prev != nil && !in.prevGap[r.Key] {
				rep.Summary.NewGaps++
				rep.NewGaps = append(rep.NewGaps, r.Text)
			}
		default:
			ic.Answered++
			rep.Summary.Answered++
			if m.Override == heed.OverridePin {
				rep.Summary.Pinned++
			}
			rep.Answered = append(rep.Answered, row)
			if len(m.Competing) > 0 {
				rep.Cannibalised = append(rep.Cannibalised, row)
			}
			if ev.Questions > 0 {
				rep.Replies = append(rep.Replies, replyOf(row, h.threads))
			}
			pd := pageDemand[m.URL]
			if pd == nil {
				pg := pageByURL[m.URL]
				pd = &report.Page{URL: m.URL, Title: pg.Title, Type: pg.Type, Requests: []string{}}
				pageDemand[m.URL] = pd
			}
			pd.Demand += row.Demand
		}
		rep.Summary.ByIntent[string(c.Intent)] = ic
	}
	rep.Summary.Requests = len(in.reqs)
	rep.Summary.Coverage = ratio(rep.Summary.Answered, rep.Summary.Requests)
	for k, c := range rep.Summary.ByIntent {
		c.Coverage = ratio(c.Answered, c.Requests)
		rep.Summary.ByIntent[k] = c
	}
	for k, c := range srcCov {
		c.Coverage = ratio(c.Answered, c.Requests)
		rep.Summary.BySource[k] = *c
	}
	for i, r := range in.results {
		if in.prevGap[r.Key] && !r.Gap {
			rep.Summary.ClosedGaps++
			rep.ClosedGaps = append(rep.ClosedGaps, in.reqs[i].Text)
		}
	}
	sort.Strings(rep.ClosedGaps)
	rep.Summary.PagesSkipped = in.run.Stats.PagesSkipped
	rep.Disappeared = append(rep.Disappeared, in.disappeared...)
	sort.Strings(rep.Disappeared)
	rep.Summary.Disappeared = len(rep.Disappeared)

	byDemand := func(a, b report.Request) int {
		if a.Demand != b.Demand {
			if a.Demand > b.Demand {
				return -1
			}
			return 1
		}
		if a.Text < b.Text {
			return -1
		}
		if a.Text > b.Text {
			return 1
		}
		return 0
	}
	for _, list := range [][]report.Request{rep.Gaps, rep.Answered, rep.ServiceIssues, rep.Cannibalised, rep.Dismissed} {
		slices.SortStableFunc(list, byDemand)
	}
	slices.SortStableFunc(rep.Replies, func(a, b report.Reply) int {
		if (a.Unanswered > 0) != (b.Unanswered > 0) {
			if a.Unanswered > 0 {
				return -1
			}
			return 1
		}
		return byDemand(report.Request{Demand: a.Demand, Text: a.Text}, report.Request{Demand: b.Demand, Text: b.Text})
	})
	for _, t := range in.sorted.topics {
		if in.sorted.topicAction[t.Key] != heed.OverrideNone {
			continue // pinned topics are answered, dismissed ones listed with the dismissed requests
		}
		rep.Topics = append(rep.Topics, report.Topic{Topic: t})
	}
	rep.Summary.Topics, rep.Summary.Cannibalised, rep.Summary.Replies = len(rep.Topics), len(rep.Cannibalised), len(rep.Replies)
	for _, a := range rep.Answered {
		pd := pageDemand[a.URL]
		pd.Requests = append(pd.Requests, a.Text)
	}
	for _, pg := range in.pages {
		if pd := pageDemand[pg.URL]; pd != nil {
			pd.Demand = round2(pd.Demand)
			rep.Pages = append(rep.Pages, *pd)
		} else {
			rep.Pages = append(rep.Pages, report.Page{URL: pg.URL, Title: pg.Title, Type: pg.Type, Requests: []string{}})
		}
	}
	slices.SortStableFunc(rep.Pages, func(a, b report.Page) int {
		switch {
		case a.Demand > b.Demand:
			return -1
		case a.Demand < b.Demand:
			return 1
		}
		return 0
	})
	for _, s := range in.crawl.Sources {
		c := rep.Summary.BySource[s.Name]
		rep.Sources = append(rep.Sources, report.Source{Name: s.Name, Kind: s.Kind, Units: s.Units, Failed: s.Failed,
			Sightings: s.Sightings, Requests: c.Requests, Answered: c.Answered, LastError: s.LastError})
	}
	for i := len(in.history) - 1; i >= 0; i-- {
		h := in.history[i]
		if h.ID == in.run.ID || h.Status == store.StatusFailed {
			continue
		}
		hi := report.History{RunID: h.ID, Finished: h.Finished, Requests: h.Stats.Requests, Answered: h.Stats.Answered,
			Gaps: h.Stats.Gaps, Coverage: ratio(h.Stats.Answered, h.Stats.Requests), ByIntent: map[string]report.Coverage{}}
		for k, c := range h.Stats.ByIntent {
			hi.ByIntent[k] = report.Coverage{Requests: c.Requests, Answered: c.Answered, Gaps: c.Gaps, Coverage: c.Ratio()}
		}
		rep.History = append(rep.History, hi)
	}
	rep.History = append(rep.History, report.History{RunID: in.run.ID, Finished: now.UTC(), Requests: rep.Summary.Requests,
		Answered: rep.Summary.Answered, Gaps: rep.Summary.Gaps, Coverage: rep.Summary.Coverage, ByIntent: rep.Summary.ByIntent})
	return rep
}

// replyOf is the reply opportunity of an answered request asked on forums: the threads to answer with
// its page.
func replyOf(row report.Request, threads []string) report.Reply {
	return report.Reply{Text: row.Text, URL: row.URL, PageTitle: row.PageTitle, Score: row.Score, Questions: append([]string{}, threads...),
		Unanswered: row.Evidence.Unanswered, Views: row.Evidence.Views, Demand: row.Demand, Evidence: row.Evidence}
}

// maxTopTopics is how many gap topics a run's stats (and the metrics) keep.
const maxTopTopics = 10

// statsOf copies a report's counts into the run's stats.
func statsOf(rep *report.Report, st store.RunStats) store.RunStats {
	s := rep.Summary
	st.Requests, st.New, st.Recurring, st.Disappeared = s.Requests, s.New, s.Recurring, s.Disappeared
	st.Answered, st.Gaps, st.Pages = s.Answered, s.Gaps, s.Pages
	st.GapsByKind = s.GapsByKind
	st.ByIntent = map[string]store.Coverage{}
	for k, c := range s.ByIntent {
		st.ByIntent[k] = store.Coverage{Requests: c.Requests, Answered: c.Answered, Gaps: c.Gaps}
	}
	st.BySource = map[string]store.Coverage{}
	for k, c := range s.BySource {
		st.BySource[k] = store.Coverage{Requests: c.Requests, Answered: c.Answered, Gaps: c.Gaps}
	}
	st.ServiceIssues, st.Dismissed, st.Topics, st.Cannibalised, st.Replies = s.ServiceIssues, s.Dismissed, s.Topics, s.Cannibalised, s.Replies
	st.GapsByIntentKind = map[string]map[string]int{}
	st.GapDemand = map[string]float64{}
	for _, list := range [][]report.Request{rep.Answered, rep.Gaps, rep.ServiceIssues, rep.Dismissed} {
		for _, r := range list {
			st.Sightings += r.Evidence.Sightings
		}
	}
	for i, t := range rep.Topics {
		if i == maxTopTopics {
			break
		}
		st.TopTopics = append(st.TopTopics, store.TopicStat{Key: t.Key, Label: t.Label, Requests: len(t.Requests), Demand: t.Demand})
	}
	for _, r := range rep.Gaps {
		in := string(r.Intent)
		if st.GapsByIntentKind[in] == nil {
			st.GapsByIntentKind[in] = map[string]int{}
		}
		st.GapsByIntentKind[in][string(r.GapKind)]++
		st.GapDemand[in] = round2(st.GapDemand[in] + r.Demand)
	}
	return st
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return round4(float64(a) / float64(b))
}

func round2(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }
func round4(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }

package ops

import (
	"context"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/report"
	"github.com/heed-dev/heed/store"
)

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
func (p *Pipeline) previous(ctx context.Context, job string, runID int64, reqs []heed.Case) (previousRun, error) {
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
	st.ByKind, st.Confirmed = map[string]store.KindStats{}, s.Confirmed
	st.ClosedGaps, st.CloseSeconds = s.ClosedGaps, closeSeconds(rep)
	st.ServiceByKind = map[string]map[string]int{}
	for _, g := range rep.ServiceKinds {
		st.ServiceByKind[g.Kind] = g.BySource
	}
	for k, d := range s.ByKind {
		st.ByKind[k] = store.KindStats(d)
	}
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
		st.GapDemand[in] = heed.Round(st.GapDemand[in]+r.Demand, 2)
	}
	return st
}

// historyOf is the coverage trend of a job's earlier runs (runs, newest first), oldest first, leaving out
// the run current and failed runs.
func historyOf(runs []store.Run, current int64) []report.History {
	var out []report.History
	for i := len(runs) - 1; i >= 0; i-- {
		h := runs[i]
		if h.ID == current || h.Status == store.StatusFailed {
			continue
		}
		hi := report.History{RunID: h.ID, Finished: h.Finished, Requests: h.Stats.Requests, Answered: h.Stats.Answered,
			Gaps: h.Stats.Gaps, Coverage: report.Ratio(h.Stats.Answered, h.Stats.Requests),
			ByIntent: map[string]report.Coverage{}}
		for k, c := range h.Stats.ByIntent {
			hi.ByIntent[k] = report.Coverage{Requests: c.Requests, Answered: c.Answered, Gaps: c.Gaps, Coverage: c.Ratio()}
		}
		out = append(out, hi)
	}
	return out
}

// closeSeconds is how long each gap the run closed had been heard: from its first sighting to the
// report (store.MaxCloseSeconds of them at most). A closed gap is answered now, by a page or a pin.
func closeSeconds(rep *report.Report) []float64 {
	if len(rep.ClosedGaps) == 0 {
		return nil
	}
	closed := make(map[string]bool, len(rep.ClosedGaps))
	for _, text := range rep.ClosedGaps {
		closed[text] = true
	}
	var out []float64
	for _, r := range rep.Answered {
		if closed[r.Text] && !r.FirstSeen.IsZero() && len(out) < store.MaxCloseSeconds {
			out = append(out, max(rep.Generated.Sub(r.FirstSeen).Seconds(), 0))
		}
	}
	return out
}

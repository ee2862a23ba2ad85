package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/responder"
	"github.com/heed-dev/heed/store"
)

// decisionsEvery is how often `heed serve` looks for new content-team decisions (made on the review
// pages, or by `heed override` in another process) and new runs, for /api/respond.
const decisionsEvery = 5 * time.Second

// decisionFollower keeps /api/respond's content-team decisions those of the store: the overrides, and
// for a decision on a topic, the requests the newest run of each job put in it.
type decisionFollower struct {
	st   store.Store
	jobs []string
	set  func(*responder.Decisions)
	log  *slog.Logger
	seen string // what the decisions were built from: the overrides and the newest runs
	// reload, when set, rebuilds /api/respond's matcher over the stored pages: called when another
	// process (cron's heed run) finished a run, whose pages this process has not indexed. own knows
	// this process's runs, whose matcher /api/respond already answers with.
	reload   func(context.Context)
	own      *ownRuns
	runs     []int64 // the newest runs the matcher follows
	followed bool    // runs holds what the matcher was built after
}

// ownRuns are the runs this process makes: while one is going, or once it is done, a new run in the
// store is not another process's.
type ownRuns struct {
	mu      sync.Mutex
	running int
	ids     map[int64]bool
}

func (o *ownRuns) start() {
	o.mu.Lock()
	o.running++
	o.mu.Unlock()
}

func (o *ownRuns) done(id int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.running--
	if o.ids == nil {
		o.ids = map[int64]bool{}
	}
	o.ids[id] = true
}

// foreign reports whether a run of ids is another process's; unknown (false, false) while a run of
// this process is going.
func (o *ownRuns) foreign(ids []int64) (foreign, known bool) {
	if o == nil {
		return true, true
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.running > 0 {
		return false, false
	}
	return slices.ContainsFunc(ids, func(id int64) bool { return !o.ids[id] }), true
}

// Run loads the decisions, then again whenever the overrides or the newest runs change, until ctx ends.
func (f *decisionFollower) Run(ctx context.Context) {
	t := time.NewTicker(decisionsEvery)
	defer t.Stop()
	for {
		if err := f.refresh(ctx); err != nil && ctx.Err() == nil {
			f.log.Warn("content-team decisions not reloaded for /api/respond; the last ones stay", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// refresh rebuilds the decisions when what they are built from changed.
func (f *decisionFollower) refresh(ctx context.Context) error {
	overrides, err := f.st.Overrides(ctx)
	if err != nil {
		return fmt.Errorf("read overrides: %w", err)
	}
	var runs []int64
	for _, job := range f.jobs {
		rs, err := f.st.Runs(ctx, job, 1)
		if err != nil {
			return fmt.Errorf("read runs of job %s: %w", job, err)
		}
		for _, r := range rs {
			runs = append(runs, r.ID)
		}
	}
	f.followRuns(ctx, runs)
	seen := fmt.Sprint(overrides, runs)
	if seen == f.seen {
		return nil
	}
	viaTopic, err := topicReach(ctx, f.st, overrides, runs)
	if err != nil {
		return err
	}
	d := responder.NewDecisions(overrides, viaTopic)
	f.set(d)
	f.seen = seen
	f.log.Info("content-team decisions loaded for /api/respond", "overrides", len(overrides), "requests", d.Len())
	return nil
}

// followRuns reloads the matcher when the newest runs changed and one of the new ones is another
// process's. The first runs seen are those the matcher was built after.
func (f *decisionFollower) followRuns(ctx context.Context, runs []int64) {
	if f.reload == nil || f.followed && slices.Equal(runs, f.runs) {
		return
	}
	if !f.followed {
		f.runs, f.followed = runs, true
		return
	}
	var fresh []int64
	for _, id := range runs {
		if !slices.Contains(f.runs, id) {
			fresh = append(fresh, id)
		}
	}
	foreign, known := f.own.foreign(fresh)
	if !known {
		return // this process is running a job: look again when it is done
	}
	f.runs = runs
	if foreign {
		f.log.Info("a run of another process stored pages: /api/respond reloads them", "runs", fresh)
		f.reload(ctx)
	}
}

// topicReach finds the requests each stored topic decision reached in the given runs: those whose
// result the run decided by it (its reason names the topic, as heed.Override.Apply writes it). Runs are
// read only when there is a topic decision.
func topicReach(ctx context.Context, st store.Store, overrides []heed.Override, runs []int64) (map[string]heed.Override, error) {
	var topics []heed.Override
	for _, o := range overrides {
		if o.Scope == heed.ScopeTopic {
			topics = append(topics, o)
		}
	}
	if len(topics) == 0 {
		return nil, nil
	}
	reach := map[string]heed.Override{}
	for _, id := range runs {
		results, err := st.Results(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("read the results of run %d: %w", id, err)
		}
		for key, r := range results {
			if r.Override == heed.OverrideNone {
				continue
			}
			i := slices.IndexFunc(topics, func(o heed.Override) bool {
				named := "(" + string(heed.ScopeTopic) + " " + o.Key
				return o.Action == r.Override && (strings.Contains(r.Reason, named+";") || strings.Contains(r.Reason, named+")"))
			})
			if i >= 0 {
				reach[key] = topics[i]
			}
		}
	}
	return reach, nil
}

package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
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

package main

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/responder"
	"github.com/heed-dev/heed/store"
	"github.com/heed-dev/heed/store/embedded"
)

// TestDecisionFollowerFollowsTheStore: the decisions /api/respond answers with are the store's: a pin
// on a request, a topic's decision for the requests the newest run put in that topic (and not once the
// decision is removed), and nothing rebuilt while nothing changed.
func TestDecisionFollowerFollowsTheStore(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const page, other = "https://lark.example/a", "https://lark.example/b"
	topicPin := heed.Override{Scope: heed.ScopeTopic, Key: "batteri charg lark", Action: heed.OverridePin, URL: page}
	topicDismiss := heed.Override{Scope: heed.ScopeTopic, Key: "flurb zzqx", Action: heed.OverrideWontAnswer}
	reqPin := heed.Override{Scope: heed.ScopeRequest, Key: "lark saddle height", Action: heed.OverridePin, URL: other}
	gap := heed.Match{Gap: true, GapKind: heed.GapNoContent, Reason: "no page covers it"}
	// The newest run decided "charge a lark battery" by the topic pin, "zzqx flurb" by a dismissal of
	// its topic, and left "lark tyre size" alone.
	run, _, err := st.BeginRun(ctx, "nightly", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	results := []store.Result{
		{RunID: run.ID, Key: "charge a lark battery", Match: topicPin.Apply(gap)},
		{RunID: run.ID, Key: "zzqx flurb", Match: topicDismiss.Apply(gap)},
		{RunID: run.ID, Key: "lark tyre size", Match: gap},
	}
	if err := st.PutResults(ctx, run.ID, slices.Values(results)); err != nil {
		t.Fatal(err)
	}
	run.Finished, run.Status = time.Now(), store.StatusOK
	if err := st.FinishRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	var got *responder.Decisions
	sets := 0
	f := &decisionFollower{st: st, jobs: []string{"nightly"}, log: slog.New(slog.DiscardHandler),
		set: func(d *responder.Decisions) { got = d; sets++ }}
	type want struct {
		text string
		url  string
		act  heed.OverrideAction
	}
	check := func(step string, wants []want) {
		t.Helper()
		if err := f.refresh(ctx); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		for _, w := range wants {
			m := got.Apply(w.text, gap)
			if m.URL != w.url || m.Override != w.act {
				t.Errorf("%s: %q answered %q (%q), want %q (%q)", step, w.text, m.URL, m.Override, w.url, w.act)
			}
		}
	}
	for _, o := range []heed.Override{topicPin, topicDismiss, reqPin} {
		if err := st.PutOverride(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	check("all stored", []want{
		{"Charge a Lark battery?", page, heed.OverridePin},
		{"zzqx flurb", "", heed.OverrideWontAnswer},
		{"lark tyre size", "", heed.OverrideNone},
		{"lark saddle height", other, heed.OverridePin},
		{"never heard", "", heed.OverrideNone},
	})
	check("unchanged", nil)
	if sets != 1 {
		t.Errorf("decisions built %d times for an unchanged store, want 1", sets)
	}
	if err := st.DeleteOverride(ctx, heed.ScopeTopic, topicPin.Key); err != nil {
		t.Fatal(err)
	}
	check("topic pin removed", []want{
		{"charge a lark battery", "", heed.OverrideNone},
		{"zzqx flurb", "", heed.OverrideWontAnswer},
		{"lark saddle height", other, heed.OverridePin},
	})
}

// TestFollowerReloadsThePagesOfAnotherProcessesRuns: /api/respond's matcher is rebuilt when a run this
// process did not make (cron's heed run) finishes, and not for the runs serve makes itself, whose matcher
// it already answers with.
func TestFollowerReloadsThePagesOfAnotherProcessesRuns(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	finish := func() int64 {
		t.Helper()
		run, _, err := st.BeginRun(ctx, "nightly", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		run.Finished, run.Status = time.Now(), store.StatusOK
		if err := st.FinishRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		return run.ID
	}
	reloads := 0
	own := &ownRuns{}
	f := &decisionFollower{st: st, jobs: []string{"nightly"}, log: slog.New(slog.DiscardHandler), set: func(*responder.Decisions) {},
		reload: func(context.Context) { reloads++ }, own: own}
	steps := []struct {
		name string
		do   func()
		want int
	}{
		{"serve starts on an empty store", func() {}, 0},
		{"cron's run stores pages", func() { finish() }, 1},
		{"nothing new", func() {}, 1},
		{"serve's own run, still going", func() { own.start(); finish() }, 1},
		{"serve's own run, done", func() {
			runs, _ := st.Runs(ctx, "nightly", 1)
			own.done(runs[0].ID)
		}, 1},
		{"cron again", func() { finish() }, 2},
	}
	for _, s := range steps {
		s.do()
		if err := f.refresh(ctx); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if reloads != s.want {
			t.Errorf("%s: %d reloads, want %d", s.name, reloads, s.want)
		}
	}
}

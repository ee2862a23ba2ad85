// Package storetest is the one conformance suite that every storage backend passes:
//
//	func TestConformance(t *testing.T) { storetest.Run(t, func(t *testing.T) store.Store { ... }) }
//
// newStore must return an empty store each time it is called; the suite closes it.
package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/store"
)

// test is one case of the suite.
type test struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

// Run runs every conformance test against stores made by newStore.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []test{
		{"RunLifecycle", testRunLifecycle},
		{"ResumeUnfinishedRun", testResume},
		{"PutUnitIsIdempotent", testPutUnitIdempotent},
		{"RequestHistoryAcrossRuns", testHistory},
		{"Sightings", testSightings},
		{"Classes", testClasses},
		{"Pages", testPages},
		{"Results", testResults},
		{"HostileText", testHostileText},
		{"ConcurrentUnits", testConcurrentUnits},
		{"Overrides", testOverrides},
		{"Ping", testPing},
	}
	run(t, newStore, append(tests, vectorTests...))
}

func run(t *testing.T, newStore func(t *testing.T) store.Store, tests []test) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			defer s.Close()
			tt.fn(t, s)
		})
	}
}

var t0 = time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)

func ctx() context.Context { return context.Background() }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ints(n int) *int { return &n }

func sight(text, source string, pos int) heed.Sighting {
	return heed.Sighting{Text: text, Source: source, URL: "https://example.com/s?q=x", Seed: "acme", Position: pos}
}

func testRunLifecycle(t *testing.T, s store.Store) {
	r1, resumed, err := s.BeginRun(ctx(), "nightly", t0)
	must(t, err)
	if resumed || r1.ID == 0 || r1.Status != store.StatusRunning {
		t.Fatalf("BeginRun = %+v, resumed %v; want a new running run", r1, resumed)
	}
	runs, err := s.Runs(ctx(), "nightly", 0)
	must(t, err)
	if len(runs) != 0 {
		t.Fatalf("Runs lists %d runs while the only one is running, want 0", len(runs))
	}
	r1.Status, r1.Finished = store.StatusOK, t0.Add(time.Minute)
	r1.Stats = store.RunStats{Requests: 7, Answered: 5, Gaps: 2, GapsByKind: map[string]int{"no_content": 2},
		ByIntent: map[string]store.Coverage{"informational": {Requests: 7, Answered: 5, Gaps: 2}}}
	must(t, s.FinishRun(ctx(), r1))
	r2, resumed, err := s.BeginRun(ctx(), "nightly", t0.Add(24*time.Hour))
	must(t, err)
	if resumed || r2.ID == r1.ID {
		t.Fatalf("BeginRun after a finished run resumed %v with id %d; want a new run", resumed, r2.ID)
	}
	other, _, err := s.BeginRun(ctx(), "crawl-only", t0)
	must(t, err)
	if other.ID == r2.ID {
		t.Fatalf("a run of another job resumed the nightly run")
	}
	r2.Status, r2.Finished = store.StatusPartial, t0.Add(24*time.Hour+time.Minute)
	must(t, s.FinishRun(ctx(), r2))
	runs, err = s.Runs(ctx(), "nightly", 0)
	must(t, err)
	if len(runs) != 2 || runs[0].ID != r2.ID || runs[1].ID != r1.ID {
		t.Fatalf("Runs = %+v, want runs %d then %d", runs, r2.ID, r1.ID)
	}
	if diff := cmp.Diff(r1.Stats, runs[1].Stats); diff != "" {
		t.Errorf("stats did not survive (-want +got):\n%s", diff)
	}
	if !runs[1].Finished.Equal(r1.Finished) || !runs[1].Started.Equal(t0) || runs[1].Status != store.StatusOK {
		t.Errorf("run = %+v, want started %v, finished %v, status ok", runs[1], t0, r1.Finished)
	}
	limited, err := s.Runs(ctx(), "nightly", 1)
	must(t, err)
	if len(limited) != 1 || limited[0].ID != r2.ID {
		t.Errorf("Runs(limit 1) = %+v, want only run %d", limited, r2.ID)
	}
}

func testResume(t *testing.T, s store.Store) {
	r1, _, err := s.BeginRun(ctx(), "nightly", t0)
	must(t, err)
	must(t, s.PutUnit(ctx(), r1.ID, "u1", []heed.Sighting{sight("acme router", "opensearch", 1)}, t0))
	// The process dies here; the next run of the job resumes the same run.
	r2, resumed, err := s.BeginRun(ctx(), "nightly", t0.Add(time.Hour))
	must(t, err)
	if !resumed || r2.ID != r1.ID {
		t.Fatalf("BeginRun after a crash = run %d resumed %v, want run %d resumed", r2.ID, resumed, r1.ID)
	}
	done, err := s.DoneUnits(ctx(), r2.ID)
	must(t, err)
	if diff := cmp.Diff(map[string]bool{"u1": true}, done); diff != "" {
		t.Errorf("DoneUnits (-want +got):\n%s", diff)
	}
}

func testPutUnitIdempotent(t *testing.T, s store.Store) {
	r, _, err := s.BeginRun(ctx(), "nightly", t0)
	must(t, err)
	ss := []heed.Sighting{sight("Acme Router setup", "opensearch", 1), sight("acme router price", "opensearch", 2)}
	for range 3 {
		must(t, s.PutUnit(ctx(), r.ID, "u1", ss, t0))
	}
	got, err := s.RunSightings(ctx(), r.ID)
	must(t, err)
	if len(got) != 2 || len(got["acme router setup"]) != 1 || len(got["acme router price"]) != 1 {
		t.Fatalf("after storing one unit three times, sightings = %v; want one per request", got)
	}
	reqs, err := s.RunRequests(ctx(), r.ID)
	must(t, err)
	if len(reqs) != 2 || reqs[0].RunsSeen != 1 || reqs[1].RunsSeen != 1 {
		t.Fatalf("requests = %+v, want 2 requests seen in 1 run", reqs)
	}
	// The same request found by two units of one run is one request, seen in one run, with two sightings.
	must(t, s.PutUnit(ctx(), r.ID, "u2", []heed.Sighting{sight("acme router setup", "stackexchange", 4)}, t0))
	got, err = s.RunSightings(ctx(), r.ID)
	must(t, err)
	if len(got["acme router setup"]) != 2 {
		t.Errorf("sightings of a request found by two units = %d, want 2", len(got["acme router setup"]))
	}
	reqs, err = s.RunRequests(ctx(), r.ID)
	must(t, err)
	for _, q := range reqs {
		if q.RunsSeen != 1 {
			t.Errorf("request %q RunsSeen = %d after one run, want 1", q.Key, q.RunsSeen)
		}
	}
	// A unit that found nothing is still done.
	must(t, s.PutUnit(ctx(), r.ID, "empty", nil, t0))
	done, err := s.DoneUnits(ctx(), r.ID)
	must(t, err)
	if !done["empty"] || !done["u1"] || !done["u2"] {
		t.Errorf("DoneUnits = %v, want u1, u2 and empty", done)
	}
}

func testHistory(t *testing.T, s store.Store) {
	day := func(i int) time.Time { return t0.Add(time.Duration(i) * 24 * time.Hour) }
	var runs []store.Run
	texts := [][]string{{"a b", "c d"}, {"c d", "e f"}, {"c d"}}
	for i, tx := range texts {
		r, _, err := s.BeginRun(ctx(), "nightly", day(i))
		must(t, err)
		var ss []heed.Sighting
		for j, x := range tx {
			ss = append(ss, sight(x, "opensearch", j+1))
		}
		must(t, s.PutUnit(ctx(), r.ID, "u", ss, day(i)))
		r.Status = store.StatusOK
		r.Finished = day(i).Add(time.Minute)
		must(t, s.FinishRun(ctx(), r))
		runs = append(runs, r)
	}
	reqs, err := s.RunRequests(ctx(), runs[2].ID)
	must(t, err)
	if len(reqs) != 1 {
		t.Fatalf("requests of the last run = %+v, want only %q", reqs, "c d")
	}
	q := reqs[0]
	if q.Key != "c d" || q.RunsSeen != 3 || q.FirstRun != runs[0].ID || q.LastRun != runs[2].ID ||
		!q.FirstSeen.Equal(day(0)) || !q.LastSeen.Equal(day(2)) {
		t.Errorf("request = %+v; want seen in 3 runs, first run %d on %v, last run %d on %v", q, runs[0].ID, day(0), runs[2].ID, day(2))
	}
	reqs, err = s.RunRequests(ctx(), runs[1].ID)
	must(t, err)
	keys := []string{}
	for _, r := range reqs {
		keys = append(keys, r.Key)
	}
	if diff := cmp.Diff([]string{"c d", "e f"}, keys, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("requests of run 2 (-want +got):\n%s", diff)
	}
}

func testSightings(t *testing.T, s store.Store) {
	r, _, err := s.BeginRun(ctx(), "nightly", t0)
	must(t, err)
	created := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	yes := true
	in := heed.Sighting{Text: "Why does my router reboot?", Source: "stackexchange", SourceName: "superuser",
		URL: "https://superuser.com/q/1", Seed: "router", Position: 3, Locale: "en-GB", Score: ints(12), Answers: ints(2),
		Views: ints(3400), Answered: &yes, Accepted: &yes, Created: &created, Relevance: 0}
	must(t, s.PutUnit(ctx(), r.ID, "u", []heed.Sighting{in}, t0))
	got, err := s.RunSightings(ctx(), r.ID)
	must(t, err)
	if diff := cmp.Diff([]heed.Sighting{in}, got[heed.Normalize(in.Text)]); diff != "" {
		t.Errorf("sighting round trip (-want +got):\n%s", diff)
	}
}

func testClasses(t *testing.T, s store.Store) {
	r, _, err := s.BeginRun(ctx(), "nightly", t0)
	must(t, err)
	must(t, s.PutUnit(ctx(), r.ID, "u", []heed.Sighting{sight("buy acme router", "opensearch", 1), sight("acme login", "opensearch", 2)}, t0))
	c := heed.Classification{Intent: heed.Transactional, Confidence: 0.9, QuestionType: heed.QNone, Modifiers: []heed.Modifier{heed.ModBuy}, Lang: "en"}
	must(t, s.PutClasses(ctx(), map[string]heed.Classification{"buy acme router": c}))
	reqs, err := s.RunRequests(ctx(), r.ID)
	must(t, err)
	for _, q := range reqs {
		switch q.Key {
		case "buy acme router":
			if q.Class == nil {
				t.Fatalf("classified request has no class")
			}
			if diff := cmp.Diff(c, *q.Class); diff != "" {
				t.Errorf("class round trip (-want +got):\n%s", diff)
			}
		case "acme login":
			if q.Class != nil {
				t.Errorf("unclassified request has class %+v", q.Class)
			}
		}
	}
}

func testPages(t *testing.T, s store.Store) {
	p1 := heed.Page{URL: "https://example.com/a", Title: "A", Headings: []string{"h"}, Body: "body",
		Queries: []string{"q1"}, Questions: []heed.QA{{Question: "why?", Answer: "because"}}, Type: heed.PageFAQ,
		Lang: "en", Modified: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}
	p2 := heed.Page{URL: "https://example.com/b", Title: "B"}
	must(t, s.ReplacePages(ctx(), []heed.Page{p2, p1}))
	got, err := s.Pages(ctx())
	must(t, err)
	if diff := cmp.Diff([]heed.Page{p2, p1}, got); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	p3 := heed.Page{URL: "https://example.com/c", Title: "C"}
	must(t, s.ReplacePages(ctx(), []heed.Page{p3}))
	got, err = s.Pages(ctx())
	must(t, err)
	if diff := cmp.Diff([]heed.Page{p3}, got); diff != "" {
		t.Errorf("pages after replacing (-want +got):\n%s", diff)
	}
}

func testResults(t *testing.T, s store.Store) {
	r, _, err := s.BeginRun(ctx(), "nightly", t0)
	must(t, err)
	m := heed.Match{URL: "https://example.com/a", Score: 0.8, GapKind: heed.GapNone,
		Alternatives: []heed.Alternative{{URL: "https://example.com/b", Score: 0.4}}, Reason: "title matches"}
	g := heed.Match{Score: 0, Gap: true, GapKind: heed.GapNoContent, Alternatives: []heed.Alternative{}}
	must(t, s.PutResults(ctx(), r.ID, slices.Values([]store.Result{{Key: "a", Match: m}, {Key: "b", Match: g}})))
	got, err := s.Results(ctx(), r.ID)
	must(t, err)
	want := map[string]store.Result{"a": {RunID: r.ID, Key: "a", Match: m}, "b": {RunID: r.ID, Key: "b", Match: g}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	must(t, s.PutResults(ctx(), r.ID, slices.Values([]store.Result{{Key: "b", Match: m}})))
	got, err = s.Results(ctx(), r.ID)
	must(t, err)
	if len(got) != 1 || got["b"].URL != m.URL {
		t.Errorf("results after replacing = %+v, want only b", got)
	}
	other, err := s.Results(ctx(), r.ID+1000)
	must(t, err)
	if len(other) != 0 {
		t.Errorf("results of an unknown run = %+v, want none", other)
	}
}

func testHostileText(t *testing.T, s store.Store) {
	r, _, err := s.BeginRun(ctx(), "nightly", t0)
	must(t, err)
	texts := []string{`<script>alert("x")</script> router`, `Robert'); DROP TABLE requests;--`, "=HYPERLINK(\"http://evil\")",
		"naïve café 日本語 \U0001F600", "tab\tand \\ backslash", "%s %d {{.}}"}
	var ss []heed.Sighting
	for i, x := range texts {
		ss = append(ss, sight(x, "opensearch", i+1))
	}
	must(t, s.PutUnit(ctx(), r.ID, "u", ss, t0))
	got, err := s.RunSightings(ctx(), r.ID)
	must(t, err)
	for _, x := range texts {
		g := got[heed.Normalize(x)]
		if len(g) != 1 || g[0].Text != x {
			t.Errorf("text %q came back as %+v", x, g)
		}
	}
	must(t, s.ReplacePages(ctx(), []heed.Page{{URL: "https://example.com/'--", Title: texts[0]}}))
	pages, err := s.Pages(ctx())
	must(t, err)
	if len(pages) != 1 || pages[0].Title != texts[0] {
		t.Errorf("pages = %+v", pages)
	}
}

func testConcurrentUnits(t *testing.T, s store.Store) {
	r, _, err := s.BeginRun(ctx(), "nightly", t0)
	must(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range 10 {
				var ss []heed.Sighting
				for i := range 20 {
					ss = append(ss, sight(fmt.Sprintf("request %d", (w*10+u)*20+i), "opensearch", i+1))
				}
				if err := s.PutUnit(ctx(), r.ID, fmt.Sprintf("w%d-u%d", w, u), ss, t0); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	reqs, err := s.RunRequests(ctx(), r.ID)
	must(t, err)
	done, err := s.DoneUnits(ctx(), r.ID)
	must(t, err)
	if len(reqs) != 8*10*20 || len(done) != 80 {
		t.Errorf("after 80 concurrent units of 20: %d requests and %d units done, want 1600 and 80", len(reqs), len(done))
	}
}

func testPing(t *testing.T, s store.Store) {
	must(t, s.Ping(ctx()))
}

func testOverrides(t *testing.T, s store.Store) {
	got, err := s.Overrides(ctx())
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("a new store has overrides: %v", got)
	}
	pin := heed.Override{Scope: heed.ScopeRequest, Key: "lark battery range", Action: heed.OverridePin,
		URL: "https://lark.example/battery", Note: "covered since the spring update", By: "ana", Created: t0}
	wont := heed.Override{Scope: heed.ScopeTopic, Key: "jobs lark", Action: heed.OverrideWontAnswer, Created: t0}
	hostile := heed.Override{Scope: heed.ScopeRequest, Key: "<script>alert(1)</script>'; DROP TABLE overrides; --",
		Action: heed.OverrideWontAnswer, Note: "\x00\u202e", Created: t0}
	for _, o := range []heed.Override{pin, wont, hostile} {
		must(t, s.PutOverride(ctx(), o))
	}
	// Replacing: the same scope and key holds one decision.
	pin2 := pin
	pin2.URL, pin2.Created = "https://lark.example/range", t0.Add(time.Hour)
	must(t, s.PutOverride(ctx(), pin2))
	got, err = s.Overrides(ctx())
	must(t, err)
	want := []heed.Override{hostile, pin2, wont}
	if diff := cmp.Diff(want, got, timeEqual); diff != "" {
		t.Errorf("overrides (-want +got):\n%s", diff)
	}
	// The same key in another scope is another decision.
	must(t, s.PutOverride(ctx(), heed.Override{Scope: heed.ScopeTopic, Key: pin.Key, Action: heed.OverrideWontAnswer, Created: t0}))
	must(t, s.DeleteOverride(ctx(), heed.ScopeTopic, pin.Key))
	must(t, s.DeleteOverride(ctx(), heed.ScopeRequest, hostile.Key))
	must(t, s.DeleteOverride(ctx(), heed.ScopeRequest, "never stored"))
	got, err = s.Overrides(ctx())
	must(t, err)
	if diff := cmp.Diff([]heed.Override{pin2, wont}, got, timeEqual); diff != "" {
		t.Errorf("after deletes (-want +got):\n%s", diff)
	}
	// Invalid decisions are refused, not stored.
	for _, bad := range []heed.Override{
		{Scope: "page", Key: "x", Action: heed.OverrideWontAnswer},
		{Scope: heed.ScopeRequest, Key: " ", Action: heed.OverrideWontAnswer},
		{Scope: heed.ScopeRequest, Key: "x", Action: heed.OverridePin},
		{Scope: heed.ScopeRequest, Key: "x", Action: "ignore"},
	} {
		if err := s.PutOverride(ctx(), bad); err == nil {
			t.Errorf("PutOverride(%+v) = nil, want an error", bad)
		}
	}
	got, err = s.Overrides(ctx())
	must(t, err)
	if len(got) != 2 {
		t.Errorf("after refused writes: %d overrides, want 2", len(got))
	}
}

// timeEqual compares times by instant: a backend may return them in another location.
var timeEqual = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

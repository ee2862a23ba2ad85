package ops

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/index"
	"github.com/heed-dev/heed/intent"
	"github.com/heed-dev/heed/report"
	"github.com/heed-dev/heed/responder"
	"github.com/heed-dev/heed/store"
	"github.com/heed-dev/heed/store/embedded"
	"github.com/heed-dev/heed/triage"
	"github.com/heed-dev/heed/vectorcache"
)

// listSource returns fixed texts per seed; fail makes every fetch fail; stopAfter, when > 0, cancels the
// run's context after that many fetches (a crash in the middle of a crawl).
type listSource struct {
	name      string
	texts     map[string][]string
	fail      bool
	mu        sync.Mutex
	fetches   int
	stopAfter int
	cancel    context.CancelFunc
}

func (s *listSource) Name() string { return s.name }
func (s *listSource) Kind() string { return "opensearch" }
func (s *listSource) Units(seeds []string) []crawler.Unit {
	var out []crawler.Unit
	for _, seed := range seeds {
		out = append(out, crawler.Unit{Source: s.name, Seed: seed, Query: seed})
	}
	return out
}
func (s *listSource) Fetch(ctx context.Context, u crawler.Unit) ([]heed.Sighting, error) {
	s.mu.Lock()
	s.fetches++
	n := s.fetches
	s.mu.Unlock()
	if s.stopAfter > 0 && n > s.stopAfter {
		s.cancel()
		return nil, context.Canceled
	}
	if s.fail {
		return nil, &crawler.HTTPError{Status: 500, URL: "http://x"}
	}
	var out []heed.Sighting
	for i, t := range s.texts[u.Seed] {
		out = append(out, heed.Sighting{Text: t, URL: "http://s/?q=" + u.Seed, Position: i + 1})
	}
	return out, nil
}

type fixedPages struct {
	pages []heed.Page
	err   error
}

func (f fixedPages) Pages(context.Context) ([]heed.Page, error) { return f.pages, f.err }
func (f fixedPages) String() string                             { return "fixed" }

var helpPages = []heed.Page{
	{URL: "https://h.example/charge", Title: "Charge your battery", Type: heed.PageGuide, Body: "Plug the Lark charger in; a full charge takes five hours."},
	{URL: "https://h.example/brakes", Title: "Adjust your brakes", Type: heed.PageGuide, Body: "Tighten the brake cable of your Lark with the barrel adjuster."},
	{URL: "https://h.example/tyres", Title: "Fix a puncture", Type: heed.PageGuide, Body: "Patch the inner tube of your Lark."},
	{URL: "https://h.example/warranty", Title: "Warranty", Type: heed.PageSupport, Body: "Lark gives two years on batteries."},
}

func newPipeline(t *testing.T, st store.Store, reg prometheus.Registerer, clock *time.Time) *Pipeline {
	var mu sync.Mutex // the crawl's workers read the clock at once
	return &Pipeline{
		Store:    st,
		Engine:   &crawler.Engine{Workers: 2},
		Classify: intent.New(intent.Options{Brands: []string{"lark"}}),
		NewMatcher: func(p []heed.Page, enc vectorcache.Encoder) Matcher {
			return responder.New(index.Build(p, analysis.New("en"), index.DefaultParams()), enc)
		},
		Triage:  triage.New(analysis.New("en")),
		Metrics: NewMetrics(reg, "test"),
		Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			*clock = clock.Add(time.Second)
			return *clock
		},
	}
}

func openStore(t *testing.T, dir string) store.Store {
	t.Helper()
	st, err := embedded.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func readReport(t *testing.T, dir string) *report.Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, report.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var r report.Report
	if err := jsonUnmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func TestTwoRunsSeeEachOther(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openStore(t, filepath.Join(dir, "data"))
	clock := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	reg := prometheus.NewRegistry()
	p := newPipeline(t, st, reg, &clock)
	out := filepath.Join(dir, "out")
	day1 := &listSource{name: "s", texts: map[string][]string{"lark": {"how to charge lark battery", "lark child seat", "lark brakes squeal"}}}
	sum, err := p.Run(ctx, Job{Name: "nightly", Sources: []crawler.Source{day1}, Seeds: []string{"lark"}, Pages: fixedPages{pages: helpPages}, OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Run.Status != store.StatusOK || sum.Run.Stats.Requests != 3 || sum.Run.Stats.New != 3 {
		t.Fatalf("run 1 = %+v", sum.Run)
	}
	r1 := readReport(t, out)
	if r1.Summary.Answered < 1 || r1.Summary.Gaps < 1 {
		t.Errorf("run 1 report: %d answered, %d gaps; want both", r1.Summary.Answered, r1.Summary.Gaps)
	}
	// Day 2: one request gone, one new; a new page answers the child seat gap.
	clock = clock.Add(24 * time.Hour)
	day2 := &listSource{name: "s", texts: map[string][]string{"lark": {"how to charge lark battery", "lark child seat", "lark puncture repair", "lark winter storage"}}}
	pages2 := append(append([]heed.Page{}, helpPages...), heed.Page{URL: "https://h.example/child-seat", Title: "Fit a child seat to your Lark", Type: heed.PageGuide, Body: "Child seats fit the rear rack."})
	sum2, err := p.Run(ctx, Job{Name: "nightly", Sources: []crawler.Source{day2}, Seeds: []string{"lark"}, Pages: fixedPages{pages: pages2}, OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	r2 := readReport(t, out)
	got := []int{r2.Summary.New, r2.Summary.Recurring, r2.Summary.Disappeared}
	if diff := cmp.Diff([]int{2, 2, 1}, got); diff != "" {
		t.Errorf("new, recurring, disappeared (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"lark brakes squeal"}, r2.Disappeared); diff != "" {
		t.Errorf("disappeared (-want +got):\n%s", diff)
	}
	if r2.Summary.ClosedGaps != 1 || len(r2.ClosedGaps) != 1 || r2.ClosedGaps[0] != "lark child seat" {
		t.Errorf("closed gaps = %d %q, want the child seat request (its page is there now)", r2.Summary.ClosedGaps, r2.ClosedGaps)
	}
	if diff := cmp.Diff([]string{"lark winter storage"}, r2.NewGaps); diff != "" {
		t.Errorf("new gaps (-want +got):\n%s", diff)
	}
	if r2.Run.Previous != sum.Run.ID || len(r2.History) != 2 {
		t.Errorf("run 2 previous = %d, history %d runs; want %d and 2", r2.Run.Previous, len(r2.History), sum.Run.ID)
	}
	if got := testutil.ToFloat64(p.Metrics.runs.WithLabelValues("nightly", "ok")); got != 2 {
		t.Errorf("heed_runs_total{status=ok} = %v, want 2", got)
	}
	if sum2.Run.Finished.Unix() != int64(testutil.ToFloat64(p.Metrics.lastSuccess.WithLabelValues("nightly"))) {
		t.Error("last success timestamp is not the run's end")
	}
}

func TestInterruptedRunIsResumedToTheSameResult(t *testing.T) {
	texts := map[string][]string{}
	var seeds []string
	for _, s := range []string{"charge", "brakes", "tyres", "warranty", "seat", "rain", "app", "lights"} {
		seeds = append(seeds, "lark "+s)
		texts["lark "+s] = []string{"lark " + s + " help", "lark " + s + " problem", "lark " + s + " price"}
	}
	run := func(dir string, stopAfter int) (*report.Report, error) {
		st := openStore(t, filepath.Join(dir, "data"))
		clock := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		src := &listSource{name: "s", texts: texts, stopAfter: stopAfter, cancel: cancel}
		p := newPipeline(t, st, prometheus.NewRegistry(), &clock)
		p.Engine.Workers = 1
		_, err := p.Run(ctx, Job{Name: "nightly", Sources: []crawler.Source{src}, Seeds: seeds, Pages: fixedPages{pages: helpPages}, OutDir: filepath.Join(dir, "out")})
		if err != nil {
			return nil, err
		}
		return readReport(t, filepath.Join(dir, "out")), nil
	}
	whole, err := run(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := run(dir, 3); !errors.Is(err, context.Canceled) {
		t.Fatalf("an interrupted run returned %v, want context.Canceled", err)
	}
	resumed, err := run(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Run.ID != 1 {
		t.Errorf("the next run is run %d, want the interrupted run 1 resumed", resumed.Run.ID)
	}
	keys := func(r *report.Report) []string {
		var out []string
		for _, g := range append(append([]report.Request{}, r.Gaps...), r.Answered...) {
			out = append(out, g.Key+"|"+string(g.GapKind)+"|"+g.URL)
		}
		sort.Strings(out)
		return out
	}
	if diff := cmp.Diff(keys(whole), keys(resumed)); diff != "" {
		t.Errorf("a resumed run differs from an uninterrupted one (-whole +resumed):\n%s", diff)
	}
	if resumed.Summary.Requests != 24 {
		t.Errorf("resumed run has %d requests, want 24", resumed.Summary.Requests)
	}
	// Each source's counts are the run's, not only what the resuming process fetched.
	if diff := cmp.Diff(whole.Sources, resumed.Sources); diff != "" {
		t.Errorf("sources of a resumed run differ from an uninterrupted one's (-whole +resumed):\n%s", diff)
	}
}

func TestEverySourceFailing(t *testing.T) {
	st := openStore(t, t.TempDir())
	clock := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	p := newPipeline(t, st, prometheus.NewRegistry(), &clock)
	out := t.TempDir()
	_, err := p.Run(context.Background(), Job{Name: "nightly", Sources: []crawler.Source{&listSource{name: "s", fail: true}}, Seeds: []string{"a"}, OutDir: out})
	if !errors.Is(err, ErrAllSourcesFailed) {
		t.Fatalf("err = %v, want ErrAllSourcesFailed", err)
	}
	runs, _ := st.Runs(context.Background(), "nightly", 0)
	if len(runs) != 1 || runs[0].Status != store.StatusFailed {
		t.Errorf("runs = %+v, want one failed run recorded", runs)
	}
	if _, err := os.Stat(filepath.Join(out, report.JSONFile)); !os.IsNotExist(err) {
		t.Error("a failed run wrote a report over the last good one")
	}
}

func TestSiteFailureKeepsStoredPages(t *testing.T) {
	st := openStore(t, t.TempDir())
	if err := st.ReplacePages(context.Background(), helpPages); err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	p := newPipeline(t, st, prometheus.NewRegistry(), &clock)
	src := &listSource{name: "s", texts: map[string][]string{"a": {"adjust brakes"}}}
	sum, err := p.Run(context.Background(), Job{Name: "nightly", Sources: []crawler.Source{src}, Seeds: []string{"a"}, Pages: fixedPages{err: errors.New("site down")}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Run.Status != store.StatusPartial || sum.Run.Stats.SiteError == "" || sum.Run.Stats.Pages != len(helpPages) || sum.Run.Stats.Answered != 1 {
		t.Errorf("run = %+v; want partial, the site error kept, matched against the %d stored pages", sum.Run, len(helpPages))
	}
}

// TestGapTopicsAreClusteredInTheOrganisationsLanguage: a German site's gaps are grouped with German
// stems ("Rechnungen" and "Rechnung" are one word), not with English ones.
func TestGapTopicsAreClusteredInTheOrganisationsLanguage(t *testing.T) {
	tests := []struct {
		lang   string
		topics int
	}{
		{"de", 1},
		{"", 2}, // English: "rechnungen" and "rechnung" share nothing, "herunterladen" alone is no topic
	}
	for _, tt := range tests {
		t.Run("lang="+tt.lang, func(t *testing.T) {
			dir := t.TempDir()
			st := openStore(t, filepath.Join(dir, "data"))
			clock := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
			p := newPipeline(t, st, prometheus.NewRegistry(), &clock)
			p.Triage = triage.New(analysis.New(tt.lang))
			src := &listSource{name: "s", texts: map[string][]string{"lark": {"rechnungen herunterladen", "rechnung herunterladen"}}}
			out := filepath.Join(dir, "out")
			if _, err := p.Run(context.Background(), Job{Name: "nightly", Sources: []crawler.Source{src}, Seeds: []string{"lark"}, Pages: fixedPages{pages: helpPages}, OutDir: out}); err != nil {
				t.Fatal(err)
			}
			r := readReport(t, out)
			if r.Summary.Gaps != 2 || len(r.Topics) != tt.topics {
				t.Errorf("%d gaps in %d topics %+v, want 2 gaps in %d", r.Summary.Gaps, len(r.Topics), r.Topics, tt.topics)
			}
		})
	}
}

// TestPipelineNeedsItsStages: a pipeline missing a stage says so before it opens a run, instead of
// failing after the night's crawl.
func TestPipelineNeedsItsStages(t *testing.T) {
	st := openStore(t, t.TempDir())
	clock := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	p := newPipeline(t, st, prometheus.NewRegistry(), &clock)
	p.Triage = nil
	if _, err := p.Run(context.Background(), Job{Name: "nightly"}); err == nil || !strings.Contains(err.Error(), "Triage") {
		t.Fatalf("Run without a triage: %v, want an error naming it", err)
	}
	if runs, err := st.Runs(context.Background(), "nightly", 10); err != nil || len(runs) != 0 {
		t.Errorf("runs = %v, %v; want none opened", runs, err)
	}
}

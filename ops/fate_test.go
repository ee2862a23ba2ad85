package ops

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// forumSource is a forum: its sightings are questions with votes, views and answer counts.
type forumSource struct{ listSource }

func (s *forumSource) Kind() string { return "stackexchange" }
func (s *forumSource) Fetch(ctx context.Context, u crawler.Unit) ([]heed.Sighting, error) {
	var out []heed.Sighting
	for i, t := range s.texts[u.Seed] {
		views, answers, votes, answered := 120*(i+1), 0, 3, false
		out = append(out, heed.Sighting{Text: t, Source: "stackexchange", URL: "https://forum.example/q/" + string(rune('a'+i)),
			Views: &views, Answers: &answers, Score: &votes, Answered: &answered})
	}
	return out, nil
}

// TestReportSortsRequests: every request ends answered, an open gap, a service issue or dismissed; gaps
// are grouped into topics; answered forum questions are reply opportunities; a topic decision applies
// to the topic's requests in the next run.
func TestReportSortsRequests(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openStore(t, filepath.Join(dir, "data"))
	clock := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	p := newPipeline(t, st, prometheus.NewRegistry(), &clock)
	out := filepath.Join(dir, "out")
	suggest := &listSource{name: "suggest", texts: map[string][]string{"lark": {
		"lark child seat", "child seat for lark cargo", "lark child seat fitting", "lark jobs", "lark careers",
		"lark battery charge time", "lark card declined again"}}}
	forum := &forumSource{listSource{name: "forum", texts: map[string][]string{"lark": {"How long does a Lark battery take to charge?"}}}}
	job := Job{Name: "nightly", Sources: []crawler.Source{suggest, forum}, Seeds: []string{"lark"}, Pages: fixedPages{pages: helpPages}, OutDir: out}
	if _, err := p.Run(ctx, job); err != nil {
		t.Fatal(err)
	}
	r := readReport(t, out)
	s := r.Summary
	if s.Answered+s.Gaps+s.ServiceIssues+s.Dismissed != s.Requests || s.Requests != 8 {
		t.Fatalf("summary %+v: the four kinds do not add up to the 8 requests", s)
	}
	if s.ServiceIssues != 1 || r.ServiceIssues[0].Text != "lark card declined again" || r.ServiceIssues[0].Service == "" {
		t.Errorf("service issues %+v", r.ServiceIssues)
	}
	// Every gap is in exactly one topic, and topics hold only gaps.
	inTopic := map[string]int{}
	for _, tp := range r.Topics {
		if tp.Label == "" || tp.Key == "" || tp.Demand <= 0 || len(tp.Requests) == 0 {
			t.Errorf("topic %+v lacks a label, key, demand or requests", tp)
		}
		for _, k := range tp.Requests {
			inTopic[k]++
		}
	}
	for _, g := range r.Gaps {
		if inTopic[g.Key] != 1 || g.Topic == "" {
			t.Errorf("gap %q is in %d topics (topic %q)", g.Text, inTopic[g.Key], g.Topic)
		}
	}
	if len(inTopic) != len(r.Gaps) || s.Topics != len(r.Topics) {
		t.Errorf("%d requests in topics, %d gaps; %d topics counted, %d listed", len(inTopic), len(r.Gaps), s.Topics, len(r.Topics))
	}
	var seat *struct{ key string }
	for _, tp := range r.Topics {
		if len(tp.Requests) == 3 && tp.Intents[heed.Informational]+tp.Intents[heed.Commercial]+tp.Intents[heed.Transactional]+tp.Intents[heed.Navigational] == 3 {
			seat = &struct{ key string }{tp.Key}
		}
	}
	if seat == nil {
		t.Fatalf("no topic holds the three child seat requests: %+v", r.Topics)
	}
	// The forum question the charging page answers is a reply opportunity, unanswered first.
	if len(r.Replies) != 1 || r.Replies[0].URL != "https://h.example/charge" || len(r.Replies[0].Questions) != 1 || r.Replies[0].Unanswered != 1 {
		t.Errorf("replies %+v", r.Replies)
	}

	// The team will not write about child seats: the whole topic leaves the open gaps next run.
	if err := st.PutOverride(ctx, heed.Override{Scope: heed.ScopeTopic, Key: seat.key, Action: heed.OverrideWontAnswer, Created: clock}); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(24 * time.Hour)
	if _, err := p.Run(ctx, job); err != nil {
		t.Fatal(err)
	}
	r2 := readReport(t, out)
	if r2.Summary.Dismissed != 3 || r2.Summary.Gaps != r.Summary.Gaps-3 {
		t.Errorf("after dismissing the topic: %d dismissed, %d gaps (was %d)", r2.Summary.Dismissed, r2.Summary.Gaps, r.Summary.Gaps)
	}
	for _, tp := range r2.Topics {
		if tp.Key == seat.key {
			t.Errorf("the dismissed topic is still listed: %+v", tp)
		}
	}
}

// TestSiteOnlyJob: a job that only refreshes the pages stores them and records its run, without
// crawling, matching or writing a report.
func TestSiteOnlyJob(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openStore(t, filepath.Join(dir, "data"))
	clock := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	p := newPipeline(t, st, prometheus.NewRegistry(), &clock)
	src := &listSource{name: "suggest", texts: map[string][]string{"lark": {"lark child seat"}}}
	out := filepath.Join(dir, "out")
	sum, err := p.Run(ctx, Job{Name: "site-refresh", SiteOnly: true, Sources: []crawler.Source{src}, Seeds: []string{"lark"},
		Pages: fixedPages{pages: helpPages}, OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Run.Status != "ok" || sum.Run.Stats.Pages != len(helpPages) || sum.Run.Stats.Requests != 0 {
		t.Errorf("run %+v", sum.Run)
	}
	if src.fetches != 0 {
		t.Errorf("%d fetches by a site-only job", src.fetches)
	}
	if pages, _ := st.Pages(ctx); len(pages) != len(helpPages) {
		t.Errorf("%d pages stored, want %d", len(pages), len(helpPages))
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a site-only job wrote a report: %v", err)
	}
	// When the site cannot be read, the run failed: nothing was refreshed.
	if _, err := p.Run(ctx, Job{Name: "site-refresh", SiteOnly: true, Pages: fixedPages{err: errors.New("sitemap 503")}}); err == nil {
		t.Error("a site-only run whose site failed reported success")
	}
}

package report

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
)

// req is one request of a test run: its text, fate, page, seeds, question type, modifiers and sightings.
type req struct {
	text   string
	fate   heed.Fate
	url    string
	reason string
	demand float64
	seeds  []string
	mods   []heed.Modifier
	qt     heed.QuestionType
	topic  string
	ex     []heed.Example
}

// input is a run of the given requests, the first of its job unless previous is set.
func input(previous int64, topics []heed.Topic, reqs ...req) Input {
	now := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	in := Input{Organisation: "Lark", Run: Run{ID: previous + 1, Job: "nightly", Started: now, Previous: previous}, Now: now, Topics: topics}
	if previous != 0 {
		in.PrevGap = map[string]bool{}
	}
	for _, r := range reqs {
		c := heed.Case{Key: r.text, Text: r.text, Class: heed.Classification{Intent: heed.Informational, QuestionType: r.qt, Modifiers: r.mods},
			Match: heed.Match{URL: r.url, Reason: r.reason, Gap: r.fate == heed.FateGap, GapKind: heed.GapNone}, Fate: r.fate, Topic: r.topic}
		if c.Match.Gap {
			c.Match.GapKind = heed.GapNoContent
		}
		in.Cases = append(in.Cases, c)
		in.Heard = append(in.Heard, heed.Heard{Demand: r.demand, Evidence: heed.Evidence{Sightings: 1, Seeds: r.seeds, Sources: []string{"s"}}, Examples: r.ex})
		in.Seen = append(in.Seen, Seen{FirstSeen: now, RunsSeen: 1, New: true})
	}
	return in
}

func TestQuestionGroups(t *testing.T) {
	gap, ans := heed.FateGap, heed.FateAnswered
	in := input(0, nil,
		req{text: "how to charge lark battery", fate: ans, url: "https://l.example/charge", demand: 3, seeds: []string{"lark battery"}, mods: []heed.Modifier{heed.ModHowTo}},
		req{text: "how long does lark battery last", fate: gap, demand: 2, seeds: []string{"lark battery"}},
		req{text: "why is my lark battery draining", fate: gap, demand: 1, seeds: []string{"lark battery"}},
		req{text: "lark battery vs voltway battery", fate: gap, demand: 4, seeds: []string{"lark battery", "voltway"}},
		req{text: "lark battery price", fate: ans, url: "https://l.example/shop", demand: 5, seeds: []string{"lark battery"}, mods: []heed.Modifier{heed.ModPrice}},
		req{text: "lark battery for cargo bike", fate: gap, demand: 1, seeds: []string{"lark battery"}},
		req{text: "lark battery", fate: ans, url: "https://l.example/shop", demand: 9, seeds: []string{"lark battery"}}, // no question word: in no group
		req{text: "what is a torque sensor", fate: heed.FateService, demand: 1},                                         // no seed
	)
	got := Build(in).Questions
	ex := func(text string, answered bool, url string) QuestionRequest {
		return QuestionRequest{Key: text, Text: text, Answered: answered, URL: url}
	}
	want := []QuestionGroup{
		{Seed: "lark battery", Kind: "question", Word: "how", Requests: 2, Answered: 1, Coverage: 0.5, Examples: []QuestionRequest{
			ex("how to charge lark battery", true, "https://l.example/charge"), ex("how long does lark battery last", false, "")}},
		{Seed: "lark battery", Kind: "question", Word: "why", Requests: 1, Examples: []QuestionRequest{ex("why is my lark battery draining", false, "")}},
		{Seed: "lark battery", Kind: "comparison", Word: "vs", Requests: 1, Examples: []QuestionRequest{ex("lark battery vs voltway battery", false, "")}},
		{Seed: "lark battery", Kind: "preposition", Word: "for", Requests: 1, Examples: []QuestionRequest{ex("lark battery for cargo bike", false, "")}},
		{Seed: "lark battery", Kind: "modifier", Word: "price", Requests: 1, Answered: 1, Coverage: 1, Examples: []QuestionRequest{ex("lark battery price", true, "https://l.example/shop")}},
		{Seed: "lark battery", Kind: "modifier", Word: "how_to", Requests: 1, Answered: 1, Coverage: 1, Examples: []QuestionRequest{ex("how to charge lark battery", true, "https://l.example/charge")}},
		{Seed: "voltway", Kind: "comparison", Word: "vs", Requests: 1, Examples: []QuestionRequest{ex("lark battery vs voltway battery", false, "")}},
		{Seed: "", Kind: "question", Word: "what", Requests: 1, Examples: []QuestionRequest{ex("what is a torque sensor", false, "")}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("question groups (-want +got):\n%s", diff)
	}
}

// TestQuestionGroupsKeepTheMostDemandedExamples: a big group lists its most demanded requests only, and
// counts every one.
func TestQuestionGroupsKeepTheMostDemandedExamples(t *testing.T) {
	var reqs []req
	for i := range 100 {
		reqs = append(reqs, req{text: "how to x" + string(rune('a'+i%26)) + string(rune('a'+i/26)), fate: heed.FateGap, demand: float64(i), seeds: []string{"x"}})
	}
	got := Build(input(0, nil, reqs...)).Questions
	if len(got) != 1 || got[0].Requests != 100 || len(got[0].Examples) != MaxQuestionExamples {
		t.Fatalf("groups %+v", got)
	}
	for i, e := range got[0].Examples {
		if want := reqs[99-i].text; e.Text != want {
			t.Errorf("example %d is %q, want %q", i, e.Text, want)
		}
	}
}

// TestTopicBrief: a topic's brief names the page most of its gaps come closest to and why it falls short
// (the most demanded of those gaps' reasons), sums its members' evidence, and links their sightings
// (http(s) only, each once, most demanded first).
func TestTopicBrief(t *testing.T) {
	gap := heed.FateGap
	thread := heed.Example{Source: "forum", URL: "https://forum.example/q/1"}
	topic := heed.Topic{Key: "kid seat", Label: "lark child seat", Requests: []string{"lark child seat", "kid seat fit", "child seat lark cargo"}}
	in := input(0, []heed.Topic{topic, {Key: "empty", Requests: []string{"lone gap"}}},
		req{text: "lark child seat", fate: gap, url: "https://l.example/cargo", reason: "only matches lark", demand: 5, topic: "kid seat",
			ex: []heed.Example{thread, {Source: "suggest", URL: "javascript:alert(1)"}}},
		req{text: "kid seat fit", fate: gap, url: "https://l.example/range", reason: "only matches fit", demand: 4, topic: "kid seat", ex: []heed.Example{thread}},
		req{text: "child seat lark cargo", fate: gap, url: "https://l.example/cargo", reason: "only matches cargo", demand: 1, topic: "kid seat",
			ex: []heed.Example{{Source: "suggest", URL: "https://s.example/?q=child+seat"}}},
		req{text: "lone gap", fate: gap, demand: 1, topic: "empty"},
	)
	in.Pages = []heed.Page{{URL: "https://l.example/cargo", Title: "The Lark Cargo", Type: heed.PageProduct}}
	rep := Build(in)
	want := &ClosestPage{URL: "https://l.example/cargo", Title: "The Lark Cargo", Type: heed.PageProduct, Gaps: 2, Reason: "only matches lark"}
	if diff := cmp.Diff(want, rep.Topics[0].Closest); diff != "" {
		t.Errorf("closest page (-want +got):\n%s", diff)
	}
	wantEv := &TopicEvidence{Sightings: 3, Sources: []string{"s"}, Links: []EvidenceLink{
		{Text: "lark child seat", Source: "forum", URL: "https://forum.example/q/1"},
		{Text: "child seat lark cargo", Source: "suggest", URL: "https://s.example/?q=child+seat"}}}
	if diff := cmp.Diff(wantEv, rep.Topics[0].Evidence); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
	if rep.Topics[1].Closest != nil {
		t.Errorf("a topic whose gaps have no closest page names %+v", rep.Topics[1].Closest)
	}
}

// TestFirstRunHasNoChangesSinceTheLast: without a previous run, the headline says it is the first run
// rather than counting every request "new since last run" beside "0 new gaps".
func TestFirstRunHasNoChangesSinceTheLast(t *testing.T) {
	changes := []string{`data-figure="new"`, `data-figure="new-gaps"`, `data-figure="closed-gaps"`}
	for _, tt := range []struct {
		name      string
		previous  int64
		wantFirst bool
	}{{"first run", 0, true}, {"later run", 1, false}} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := WriteHTML(&b, Build(input(tt.previous, nil, req{text: "a", fate: heed.FateGap, demand: 1}))); err != nil {
				t.Fatal(err)
			}
			html := b.String()
			if got := strings.Contains(html, `data-figure="first-run"`); got != tt.wantFirst {
				t.Errorf("first-run figure shown %v, want %v", got, tt.wantFirst)
			}
			for _, c := range changes {
				if got := strings.Contains(html, c); got == tt.wantFirst {
					t.Errorf("%s shown %v, want %v", c, got, !tt.wantFirst)
				}
			}
		})
	}
}

// TestHTMLLinksGapsTopicsAndSightings: each gap row links its sightings and its topic's brief, the
// brief links its gaps back, competing pages are links, and the questions and dismissed sections are
// in the navigation.
func TestHTMLLinksGapsTopicsAndSightings(t *testing.T) {
	r := sample()
	r.Cannibalised = []Request{{Key: "c", Text: "c", Competing: []string{"https://help.example/other", "javascript:alert(2)"}}}
	r.Dismissed = []Request{{Key: "d", Text: "dismissed request"}}
	var b strings.Builder
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	topic, gap := Anchor("topic", "cargo lark"), Anchor("gap", "buy lark cargo")
	for _, want := range []string{
		`<tr id="` + Anchor("gap", "=hyperlink") + `">`,
		`<a href="http://127.0.0.1/s?q=x" rel="noopener noreferrer nofollow">suggest</a>`,
		`<article class="brief" id="` + topic + `">`,
		`<a class="topic-link" href="#` + topic + `">`,
		`<a class="chip" href="#` + gap + `">`,
		`<tr id="` + gap + `">`,
		`<a href="https://s.example/?q=buy&#43;lark&#43;cargo" rel="noopener noreferrer nofollow">suggest</a>`,
		`<a href="https://help.example/other" rel="noopener noreferrer nofollow">`,
		`<section id="questions">`, `href="#questions"`, `<section id="dismissed">`, `href="#dismissed"`,
		"dismissed request", "Falls short: it is an article", "Buy the Lark Cargo", "Buy lark cargo?",
		`<abbr title="how well the closest page matches`, `question</div>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %s", want)
		}
	}
	if strings.Contains(html, `href="javascript:`) {
		t.Error("report.html links a javascript: address")
	}
}

func TestAnchor(t *testing.T) {
	for _, tt := range []struct{ key, want string }{
		{"fit voltway", "topic-fit-voltway-"},
		{`"><script>x`, "topic-script-x-"},
		{"", "topic-"},
	} {
		got := Anchor("topic", tt.key)
		if !strings.HasPrefix(got, tt.want) || len(got) != len(tt.want)+8 {
			t.Errorf("Anchor(%q) = %q, want %s and 8 hex digits", tt.key, got, tt.want)
		}
		if got != Anchor("topic", tt.key) {
			t.Errorf("Anchor(%q) is not stable", tt.key)
		}
	}
	if Anchor("topic", "a b") == Anchor("topic", "a-b") {
		t.Error("two keys share an anchor")
	}
}

// TestTopicBriefLinksForumThreadsFirst: the sightings of the gaps forums ask come before those of the
// others, and every gap gets one link before any gets a second.
func TestTopicBriefLinksForumThreadsFirst(t *testing.T) {
	gap := heed.FateGap
	s := func(q string) heed.Example { return heed.Example{Source: "suggest", URL: "https://s.example/?q=" + q} }
	in := input(0, []heed.Topic{{Key: "t", Requests: []string{"a", "b", "c"}}},
		req{text: "a", fate: gap, demand: 3, topic: "t", ex: []heed.Example{s("a1"), s("a2")}},
		req{text: "b", fate: gap, demand: 2, topic: "t", ex: []heed.Example{s("b1"), s("b2")}},
		req{text: "c", fate: gap, demand: 1, topic: "t", ex: []heed.Example{{Source: "forum", URL: "https://forum.example/q/9"}}},
	)
	in.Heard[2].Evidence.Questions = 1
	var got []string
	for _, l := range Build(in).Topics[0].Evidence.Links {
		got = append(got, l.URL)
	}
	want := []string{"https://forum.example/q/9", "https://s.example/?q=a1", "https://s.example/?q=b1", "https://s.example/?q=a2", "https://s.example/?q=b2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
}

// TestGapShareIsShown: when the gap decision adapted to the run's requests, gaps.json and the report
// say to what share of gaps; when it did not, neither mentions it.
func TestGapShareIsShown(t *testing.T) {
	for _, share := range []*GapShare{nil, {Estimate: 0.736, Sampled: 2000}} {
		in := input(0, nil, req{text: "a", fate: heed.FateGap, demand: 1})
		in.GapShare = share
		r := Build(in)
		if diff := cmp.Diff(share, r.Summary.GapShare); diff != "" {
			t.Errorf("summary.gap_share (-want +got):\n%s", diff)
		}
		var b strings.Builder
		if err := WriteHTML(&b, r); err != nil {
			t.Fatal(err)
		}
		shown := strings.Contains(b.String(), `data-note="gap-share"`)
		if shown != (share != nil) || share != nil && !strings.Contains(b.String(), "about 74% of them look like gaps (estimated from 2000 of them)") {
			t.Errorf("gap share %+v: shown %v in\n%s", share, shown, b.String()[:min(2000, b.Len())])
		}
	}
}

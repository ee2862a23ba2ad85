package report

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/heed-dev/heed"
)

// Input is everything a report is built from. Cases, Heard and Seen hold the run's requests, in one
// order.
type Input struct {
	Organisation string
	// Run is the run reported on (its ID, Job and Started; Previous is the previous run's ID, 0 for none).
	Run   Run
	Now   time.Time    // when the report is built
	Cases []heed.Case  // each request, triaged
	Heard []heed.Heard // what its sightings showed
	Seen  []Seen       // when it was first heard
	// Topics are the open gap topics, highest demand first.
	Topics []heed.Topic
	Pages  []heed.Page // the organisation's pages (URL, title and type are read)
	// PrevGap says, of each request of the previous run, whether it was a gap; nil without one.
	PrevGap     map[string]bool
	Disappeared []string // texts of the previous run's requests this run did not hear
	// Sources are what each source did (Requests and Answered are filled in by Build).
	Sources []Source
	// History are the job's earlier runs, oldest first.
	History      []History
	PagesSkipped int
	SiteError    string
	// CalibrationNote says why the gap thresholds were heed's defaults, when they were.
	CalibrationNote string
	// GapShare is the share of gaps the gap decision adapted to, when it did.
	GapShare *GapShare
	// ServiceTopics group the service issues of no known kind ("other").
	ServiceTopics []heed.Topic
}

// Seen is when a request was first heard, and in how many runs.
type Seen struct {
	FirstSeen time.Time
	RunsSeen  int
	New       bool // first heard in this run
}

// Build assembles the report of a run: every request listed under its fate, highest demand first, with
// the headline figures, coverage by intent and source, the pages and the demand each answers, reply
// opportunities, changes since the previous run, and the coverage trend.
func Build(in Input) *Report {
	rep := newReport(in)
	b := builder{in: &in, rep: rep, pageByURL: map[string]heed.Page{}, pageDemand: map[string]*Page{}, srcCov: map[string]*Coverage{}}
	for _, pg := range in.Pages {
		b.pageByURL[pg.URL] = pg
	}
	b.size()
	for i := range in.Cases {
		b.add(i)
	}
	b.summarise()
	sortLists(rep)
	for _, t := range in.Topics {
		rep.Topics = append(rep.Topics, Topic{Topic: t})
	}
	briefs(rep)
	rep.Questions = questionGroups(rep)
	rep.ServiceKinds = serviceKinds(rep.ServiceIssues, in.ServiceTopics)
	rep.Summary.SearchConsole, rep.Disagreements = searchConsole(b.pageByURL, rep.Answered, rep.Gaps, rep.ServiceIssues, rep.Dismissed)
	rep.Summary.Topics, rep.Summary.Cannibalised, rep.Summary.Replies = len(rep.Topics), len(rep.Cannibalised), len(rep.Replies)
	b.pages()
	for _, s := range in.Sources {
		c := rep.Summary.BySource[s.Name]
		s.Requests, s.Answered = c.Requests, c.Answered
		rep.Sources = append(rep.Sources, s)
	}
	rep.History = append(rep.History, in.History...)
	rep.History = append(rep.History, History{RunID: in.Run.ID, Finished: in.Now.UTC(), Requests: rep.Summary.Requests,
		Answered: rep.Summary.Answered, Gaps: rep.Summary.Gaps, Coverage: rep.Summary.Coverage, ByIntent: rep.Summary.ByIntent})
	return rep
}

// newReport is an empty report of the run: every list empty rather than null in gaps.json.
func newReport(in Input) *Report {
	rep := &Report{
		Schema: Schema, Organisation: in.Organisation, Generated: in.Now.UTC(),
		Run: Run{ID: in.Run.ID, Job: in.Run.Job, Started: in.Run.Started, Finished: in.Now.UTC(), Previous: in.Run.Previous},
		Summary: Summary{GapsByKind: map[string]int{}, ByIntent: map[string]Coverage{},
			BySource: map[string]Coverage{}, ByKind: map[string]KindDemand{}, Pages: len(in.Pages), SiteError: in.SiteError, PagesSkipped: in.PagesSkipped,
			CalibrationNote: in.CalibrationNote, GapShare: in.GapShare},
		Gaps: []Request{}, Answered: []Request{}, Pages: []Page{}, Disappeared: []string{},
		Topics: []Topic{}, ServiceIssues: []Request{}, Cannibalised: []Request{},
		Replies: []Reply{}, Dismissed: []Request{}, NewGaps: []string{}, ClosedGaps: []string{},
		Sources: []Source{}, History: []History{}, Questions: []QuestionGroup{}, Disagreements: []Disagreement{}, ServiceKinds: []ServiceKindGroup{},
	}
	for _, k := range heed.GapKinds[1:] {
		rep.Summary.GapsByKind[string(k)] = 0
	}
	return rep
}

// builder fills a report one request at a time.
type builder struct {
	in         *Input
	rep        *Report
	pageByURL  map[string]heed.Page
	pageDemand map[string]*Page
	srcCov     map[string]*Coverage
}

// size makes the lists as long as they will be: on a big night they hold hundreds of thousands of rows,
// and growing them by doubling would leave as much again as garbage.
func (b *builder) size() {
	var nGaps, nAnswered, nCannibalised int
	for _, c := range b.in.Cases {
		switch c.Fate {
		case heed.FateGap:
			nGaps++
		case heed.FateAnswered:
			nAnswered++
			if len(c.Match.Competing) > 0 {
				nCannibalised++
			}
		}
	}
	b.rep.Gaps, b.rep.Answered = make([]Request, 0, nGaps), make([]Request, 0, nAnswered)
	b.rep.Cannibalised = make([]Request, 0, nCannibalised)
}

// byKind counts a request under each kind of source it was heard from.
func (b *builder) byKind(fate heed.Fate, e heed.Evidence, demand float64) {
	s := &b.rep.Summary
	if len(e.Kinds) > 1 {
		s.Confirmed++
	}
	count := func(k heed.SightingKind) {
		d := s.ByKind[string(k)]
		d.Requests++
		d.Demand = heed.Round(d.Demand+demand, 2)
		switch fate {
		case heed.FateGap:
			d.Gaps++
		case heed.FateAnswered:
			d.Answered++
		}
		s.ByKind[string(k)] = d
	}
	for _, k := range e.Kinds {
		count(k)
	}
	if e.Imported > 0 {
		count(heed.SightingImport)
	}
}

// row is the i-th request as the report lists it.
func (b *builder) row(i int) Request {
	c, h, seen := b.in.Cases[i], b.in.Heard[i], b.in.Seen[i]
	m := c.Match
	row := Request{
		Key: c.Key, Text: c.Text, Intent: c.Class.Intent, Confidence: c.Class.Confidence, QuestionType: c.Class.QuestionType,
		Modifiers: make([]string, len(c.Class.Modifiers)), Status: "recurring", FirstSeen: seen.FirstSeen, RunsSeen: seen.RunsSeen,
		URL: m.URL, Score: m.Score, Gap: m.Gap, GapKind: m.GapKind, Reason: m.Reason, Alternatives: m.Alternatives,
		Demand: h.Demand, Evidence: h.Evidence, Examples: h.Examples,
		Competing: m.Competing, Override: m.Override, Topic: c.Topic,
	}
	for j, mod := range c.Class.Modifiers {
		row.Modifiers[j] = string(mod)
	}
	if row.Alternatives == nil {
		row.Alternatives = []heed.Alternative{}
	}
	if row.Examples == nil {
		row.Examples = []Example{}
	}
	if seen.New {
		row.Status = "new"
	}
	if pg, ok := b.pageByURL[m.URL]; ok {
		row.PageTitle, row.PageType = pg.Title, pg.Type
	}
	return row
}

// add lists the i-th request under its fate and counts it.
func (b *builder) add(i int) {
	c, h := b.in.Cases[i], b.in.Heard[i]
	rep, s := b.rep, &b.rep.Summary
	row := b.row(i)
	if row.Status == "new" {
		s.New++
	} else {
		s.Recurring++
	}
	ic := s.ByIntent[string(c.Class.Intent)]
	ic.Requests++
	for _, src := range h.Evidence.Sources {
		if b.srcCov[src] == nil {
			b.srcCov[src] = &Coverage{}
		}
		b.srcCov[src].Requests++
		switch c.Fate {
		case heed.FateGap:
			b.srcCov[src].Gaps++
		case heed.FateAnswered:
			b.srcCov[src].Answered++
		}
	}
	b.byKind(c.Fate, h.Evidence, h.Demand)
	switch c.Fate {
	case heed.FateService:
		row.Service, row.ServiceKind = c.Service, c.ServiceKind
		s.ServiceIssues++
		rep.ServiceIssues = append(rep.ServiceIssues, row)
	case heed.FateDismissed:
		s.Dismissed++
		rep.Dismissed = append(rep.Dismissed, row)
	case heed.FateGap:
		ic.Gaps++
		s.Gaps++
		s.GapsByKind[string(c.Match.GapKind)]++
		rep.Gaps = append(rep.Gaps, row)
		if b.in.PrevGap != nil && !b.in.PrevGap[c.Key] {
			s.NewGaps++
			rep.NewGaps = append(rep.NewGaps, c.Text)
		}
	default:
		ic.Answered++
		b.answered(row, h)
	}
	s.ByIntent[string(c.Class.Intent)] = ic
}

// answered lists an answered request, as a reply opportunity when forums ask it, and adds its demand to
// its page's.
func (b *builder) answered(row Request, h heed.Heard) {
	rep := b.rep
	rep.Summary.Answered++
	if row.Override == heed.OverridePin {
		rep.Summary.Pinned++
	}
	rep.Answered = append(rep.Answered, row)
	if len(row.Competing) > 0 {
		rep.Cannibalised = append(rep.Cannibalised, row)
	}
	if h.Evidence.Questions > 0 {
		rep.Replies = append(rep.Replies, replyOf(row, h.Threads))
	}
	pd := b.pageDemand[row.URL]
	if pd == nil {
		pg := b.pageByURL[row.URL]
		pd = &Page{URL: row.URL, Title: pg.Title, Type: pg.Type, Requests: []string{}}
		b.pageDemand[row.URL] = pd
	}
	pd.Demand += row.Demand
}

// replyOf is the reply opportunity of an answered request asked on forums: the threads to answer with
// its page.
func replyOf(row Request, threads []string) Reply {
	return Reply{Text: row.Text, URL: row.URL, PageTitle: row.PageTitle, Score: row.Score, Questions: append([]string{}, threads...),
		Unanswered: row.Evidence.Unanswered, Views: row.Evidence.Views, Demand: row.Demand, Evidence: row.Evidence}
}

// summarise works out the ratios and what changed since the previous run.
func (b *builder) summarise() {
	rep, in := b.rep, b.in
	s := &rep.Summary
	s.Requests = len(in.Cases)
	s.Coverage = Ratio(s.Answered, s.Requests)
	for k, c := range s.ByIntent {
		c.Coverage = Ratio(c.Answered, c.Requests)
		s.ByIntent[k] = c
	}
	for k, c := range b.srcCov {
		c.Coverage = Ratio(c.Answered, c.Requests)
		s.BySource[k] = *c
	}
	for _, c := range in.Cases {
		if in.PrevGap[c.Key] && !c.Match.Gap {
			s.ClosedGaps++
			rep.ClosedGaps = append(rep.ClosedGaps, c.Text)
		}
	}
	sort.Strings(rep.ClosedGaps)
	rep.Disappeared = append(rep.Disappeared, in.Disappeared...)
	sort.Strings(rep.Disappeared)
	s.Disappeared = len(rep.Disappeared)
}

// byDemand orders requests by demand, highest first, then by text.
func byDemand(a, b Request) int {
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

// sortLists orders every list of requests by demand; replies to unanswered questions come first.
func sortLists(rep *Report) {
	for _, list := range [][]Request{rep.Gaps, rep.Answered, rep.ServiceIssues, rep.Cannibalised, rep.Dismissed} {
		slices.SortStableFunc(list, byDemand)
	}
	slices.SortStableFunc(rep.Replies, func(a, b Reply) int {
		if (a.Unanswered > 0) != (b.Unanswered > 0) {
			if a.Unanswered > 0 {
				return -1
			}
			return 1
		}
		return byDemand(Request{Demand: a.Demand, Text: a.Text}, Request{Demand: b.Demand, Text: b.Text})
	})
}

// pages lists every page with the demand it answers, highest first.
func (b *builder) pages() {
	rep := b.rep
	for _, a := range rep.Answered {
		pd := b.pageDemand[a.URL]
		pd.Requests = append(pd.Requests, a.Text)
	}
	for _, pg := range b.in.Pages {
		if pd := b.pageDemand[pg.URL]; pd != nil {
			pd.Demand = heed.Round(pd.Demand, 2)
			rep.Pages = append(rep.Pages, *pd)
		} else {
			rep.Pages = append(rep.Pages, Page{URL: pg.URL, Title: pg.Title, Type: pg.Type, Requests: []string{}})
		}
	}
	conversations(rep)
	slices.SortStableFunc(rep.Pages, func(a, b Page) int {
		switch {
		case a.Demand > b.Demand:
			return -1
		case a.Demand < b.Demand:
			return 1
		}
		return 0
	})
}

// Ratio is a over b to four places, 0 when b is: how the report states coverage.
func Ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return heed.Round(float64(a)/float64(b), 4)
}

// conversations keeps the reply opportunities by page: each page's public questions and threads,
// unanswered first, then by demand, MaxConversations at most.
func conversations(rep *Report) {
	byPage := map[string][]Conversation{}
	for _, r := range rep.Replies {
		byPage[r.URL] = append(byPage[r.URL], Conversation{Text: r.Text, Threads: r.Questions, Unanswered: r.Unanswered, Views: r.Views, Demand: r.Demand})
	}
	for i := range rep.Pages {
		cs := byPage[rep.Pages[i].URL]
		slices.SortStableFunc(cs, func(a, b Conversation) int {
			return cmp.Or(cmp.Compare(b.Unanswered, a.Unanswered), cmp.Compare(b.Demand, a.Demand), cmp.Compare(a.Text, b.Text))
		})
		if cs == nil {
			cs = []Conversation{}
		}
		rep.Pages[i].Conversations = cs[:min(len(cs), MaxConversations)]
	}
}

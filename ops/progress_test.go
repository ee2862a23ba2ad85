package ops

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/crawler"
)

// TestProgressLine: each stage by its display name, with items done of all, the rate and the time
// left once it has run a little; the crawl's own line during the crawl; nothing after the run; every
// change of stage told to the display.
func TestProgressLine(t *testing.T) {
	p := NewProgress(crawler.NewProgress())
	var seen []string
	p.OnStage(func() { seen = append(seen, p.String()) })
	p.Stage("crawl")
	if s := p.String(); !strings.HasPrefix(s, "crawl: ") || !strings.Contains(s, "units done") {
		t.Errorf("crawl: %q, want the crawl's line", s)
	}
	p.Stage("classify")
	p.Total(200000, "requests")
	p.started = p.started.Add(-2 * time.Second) // two seconds in
	p.Add(50000)
	if s := p.String(); !regexp.MustCompile(`^classify: 50000/200000 requests \(25%\), 2\d{4}/s, about [5-7]s left$`).MatchString(s) {
		t.Errorf("classify: %q", s)
	}
	p.Stage("triage")
	if s := p.String(); s != "topics: 0s" {
		t.Errorf("topics, no count: %q", s)
	}
	p.Stage("")
	if s := p.String(); s != "" {
		t.Errorf("after the run: %q, want nothing", s)
	}
	want := []string{"crawl", "classify", "topics", ""}
	var got []string
	for _, s := range seen {
		name, _, _ := strings.Cut(s, ":")
		got = append(got, name)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("stages told to the display: %q, want %q", got, want)
	}
	var nilP *Progress
	nilP.Stage("x")
	nilP.Add(1)
	if nilP.String() != "" {
		t.Error("a nil progress says something")
	}
}

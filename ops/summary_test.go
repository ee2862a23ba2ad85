package ops

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/heed-dev/heed/store"
)

// TestSummaryLineAddsUp: the one-line summary names where every request went (answered, open gaps,
// service issues, "won't answer"), so that its counts add up to the requests heard.
func TestSummaryLineAddsUp(t *testing.T) {
	s := Summary{Run: store.Run{ID: 7, Job: "nightly", Status: store.StatusOK, Stats: store.RunStats{
		Requests: 278, New: 278, Answered: 120, Gaps: 140, ServiceIssues: 12, Dismissed: 6, Pages: 40,
	}}}
	line := s.Line()
	count := func(what string) int {
		t.Helper()
		m := regexp.MustCompile(`(\d+) ` + what).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("%q names no %s", line, what)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	parts := count("answered") + count("gaps") + count("service issues") + count(`dismissed \(won't answer\)`)
	if total := count("requests"); parts != total {
		t.Errorf("%q: answered, gaps, service issues and dismissed add up to %d, not the %d requests", line, parts, total)
	}
}

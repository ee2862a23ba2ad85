package ops

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed/report"
	"github.com/heed-dev/heed/store"
)

// TestCloseSeconds: a closed gap's time to close runs from its first sighting to the report; gaps the
// run did not close, and answered requests that were never gaps, do not count.
func TestCloseSeconds(t *testing.T) {
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	rep := &report.Report{Generated: now, ClosedGaps: []string{"lark child seat", "roof rack"},
		Answered: []report.Request{
			{Text: "lark child seat", FirstSeen: now.Add(-5 * 24 * time.Hour)},
			{Text: "battery range", FirstSeen: now.Add(-50 * 24 * time.Hour)},
			{Text: "roof rack", FirstSeen: now.Add(-36 * time.Hour)},
		}}
	rep.Summary.ClosedGaps = 2
	st := statsOf(rep, store.RunStats{})
	if diff := cmp.Diff([]float64{5 * 86400, 36 * 3600}, st.CloseSeconds); diff != "" || st.ClosedGaps != 2 {
		t.Errorf("closed %d, seconds (-want +got):\n%s", st.ClosedGaps, diff)
	}
	if got := closeSeconds(&report.Report{}); got != nil {
		t.Errorf("nothing closed: %v", got)
	}
}

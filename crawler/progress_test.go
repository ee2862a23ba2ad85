package crawler

import (
	"strings"
	"testing"
)

func TestProgress(t *testing.T) {
	p := NewProgress()
	p.add(10)
	p.unit(true, 7)
	p.unit(false, 0)
	p.request()
	got := p.String()
	for _, want := range []string{"2/10 units done", "8 queued", "1 errors", "7 requests found"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress %q lacks %q", got, want)
		}
	}
	var none *Progress
	none.add(1)
	none.unit(true, 1)
	if none.String() != "" {
		t.Error("a nil progress printed something")
	}
}

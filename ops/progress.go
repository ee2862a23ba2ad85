package ops

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heed-dev/heed/crawler"
)

// Progress says which stage a run is in and how far it has gone, for a display on a terminal: the
// crawl's own counts during the crawl, then each stage's items done of all, the rate and the time left.
// Its methods are safe for concurrent use; a nil *Progress counts nothing.
type Progress struct {
	crawl    *crawler.Progress
	onChange atomic.Pointer[func()] // called when the stage changes, so that a display shows every stage

	mu      sync.Mutex
	stage   string
	unit    string
	total   int64
	started time.Time
	done    atomic.Int64
}

// NewProgress returns a progress whose crawl stage reads crawl's counts (crawl may be nil).
func NewProgress(crawl *crawler.Progress) *Progress {
	return &Progress{crawl: crawl}
}

// OnStage has f called (on the pipeline's goroutine) each time the stage changes; nil stops it.
func (p *Progress) OnStage(f func()) {
	if p == nil {
		return
	}
	if f == nil {
		p.onChange.Store(nil)
		return
	}
	p.onChange.Store(&f)
}

// stageNames are the names a display gives the pipeline's stages.
var stageNames = map[string]string{"load": "import", "triage": "topics", "store results": "store", "write report": "report"}

// Stage starts stage name ("" when the run is over: nothing is shown then).
func (p *Progress) Stage(name string) {
	if p == nil {
		return
	}
	if n, ok := stageNames[name]; ok {
		name = n
	}
	p.mu.Lock()
	p.stage, p.unit, p.total, p.started = name, "", 0, time.Now()
	p.done.Store(0)
	p.mu.Unlock()
	if f := p.onChange.Load(); f != nil {
		(*f)()
	}
}

// Total sets how many items of unit ("requests") the stage works through.
func (p *Progress) Total(n int, unit string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.total, p.unit = int64(n), unit
	p.mu.Unlock()
}

// Add counts n items done.
func (p *Progress) Add(n int) {
	if p != nil {
		p.done.Add(int64(n))
	}
}

// String is one line: the stage, its items done of all, their rate and the time left; "" after the
// run.
func (p *Progress) String() string {
	if p == nil {
		return ""
	}
	p.mu.Lock()
	stage, unit, total, started := p.stage, p.unit, p.total, p.started
	p.mu.Unlock()
	if stage == "crawl" && p.crawl != nil {
		return p.crawl.String()
	}
	if stage == "" {
		return ""
	}
	took := time.Since(started)
	if total <= 0 {
		return fmt.Sprintf("%s: %s", stage, took.Round(time.Second))
	}
	done := min(p.done.Load(), total)
	s := fmt.Sprintf("%s: %d/%d %s (%.0f%%)", stage, done, total, unit, 100*float64(done)/float64(total))
	if secs := took.Seconds(); secs >= 0.5 && done > 0 {
		rate := float64(done) / secs
		left := time.Duration(float64(total-done) / rate * float64(time.Second))
		s += fmt.Sprintf(", %.0f/s, about %s left", rate, left.Round(time.Second))
	}
	return s
}

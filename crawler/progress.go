package crawler

import (
	"fmt"
	"sync/atomic"
	"time"
)

// Progress counts a crawl's work as it happens, for a progress display. Its methods are safe for
// concurrent use, and a nil *Progress counts nothing.
type Progress struct {
	started  time.Time
	queued   atomic.Int64
	done     atomic.Int64
	failed   atomic.Int64
	found    atomic.Int64
	requests atomic.Int64
}

// NewProgress starts counting.
func NewProgress() *Progress { return &Progress{started: time.Now()} }

func (p *Progress) add(queued int) {
	if p != nil {
		p.queued.Add(int64(queued))
	}
}

func (p *Progress) unit(ok bool, found int) {
	if p == nil {
		return
	}
	p.done.Add(1)
	if !ok {
		p.failed.Add(1)
	}
	p.found.Add(int64(found))
}

func (p *Progress) request() {
	if p != nil {
		p.requests.Add(1)
	}
}

// String is one line saying where the crawl is: units done of all, errors, requests found, and the rate
// of HTTP requests.
func (p *Progress) String() string {
	if p == nil {
		return ""
	}
	el := time.Since(p.started).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(p.requests.Load()) / el
	}
	q, d := p.queued.Load(), p.done.Load()
	return fmt.Sprintf("crawl: %d/%d units done, %d queued, %d errors, %d requests found, %.1f HTTP requests/s",
		d, q, max(q-d, 0), p.failed.Load(), p.found.Load(), rate)
}

package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// isTerminal reports whether w is a terminal: the progress display is for people watching, and stays
// quiet in logs and pipes.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// statusLine is a terminal's last line, kept for a progress display, and the writer every other line
// (the log's) goes through: it clears the display before a line is written, and the next draw puts it
// back under it, so that log lines and progress never share a line.
type statusLine struct {
	mu    sync.Mutex
	w     io.Writer
	shown bool
}

func (s *statusLine) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clearLocked()
	return s.w.Write(p)
}

func (s *statusLine) draw(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clearLocked()
	if line != "" {
		fmt.Fprint(s.w, line)
		s.shown = true
	}
}

func (s *statusLine) clearLocked() {
	if s.shown {
		fmt.Fprint(s.w, "\r\033[K")
		s.shown = false
	}
}

// onTerminal returns the status line over e's stderr and an env whose stderr writes through it, when
// stderr is a terminal; else nil and e.
func onTerminal(e *env) (*statusLine, *env) {
	if !isTerminal(e.stderr) {
		return nil, e
	}
	line := &statusLine{w: e.stderr}
	e2 := *e
	e2.stderr = line
	return line, &e2
}

// staged is a progress that says when its stage changes (ops.Progress).
type staged interface {
	OnStage(func())
}

// showProgress draws p on line every half second, and at once each time its stage changes (when it
// says so: every stage is shown, however short), until stop is called, which clears it: nothing of it
// is left under what follows. A nil line (not a terminal) shows nothing.
func showProgress(line *statusLine, p fmt.Stringer) (stop func()) {
	if line == nil || p == nil {
		return func() {}
	}
	if s, ok := p.(staged); ok {
		s.OnStage(func() { line.draw(p.String()) })
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				line.draw(p.String())
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			if s, ok := p.(staged); ok {
				s.OnStage(nil)
			}
			close(done)
			wg.Wait()
			line.draw("")
		})
	}
}

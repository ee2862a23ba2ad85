package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/heed-dev/heed/crawler"
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

// showProgress redraws one line on a terminal every half second until stop is called; on anything but a
// terminal it does nothing.
func showProgress(w io.Writer, p *crawler.Progress) (stop func()) {
	if p == nil || !isTerminal(w) {
		return func() {}
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
				fmt.Fprintf(w, "\r\033[K%s\n", p)
				return
			case <-t.C:
				fmt.Fprintf(w, "\r\033[K%s", p)
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); wg.Wait() }) }
}

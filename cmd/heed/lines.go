package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/heed-dev/heed"
)

// openInput opens the request file named by the command's argument: a path, "-" or nothing for stdin.
func openInput(e *env, args []string) (io.Reader, func(), error) {
	switch {
	case len(args) > 1:
		return nil, nil, usagef("want at most one input file, got %d (%q)", len(args), args)
	case len(args) == 0 || args[0] == "-":
		return e.stdin, func() {}, nil
	}
	f, err := os.Open(args[0])
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("input file: %w", err)}
	}
	return f, func() { f.Close() }, nil
}

// request is one line of a request file, cleaned.
type request struct {
	text      string
	truncated bool
}

// batchSize is how many requests are worked on at once, in parallel, before their output is written in
// input order.
const batchSize = 4096

// mapRequests reads a request file (contracts.md: one request a line, blank lines skipped, invalid bytes
// replaced, text longer than maxText cut), applies fn to every request on all CPUs, and writes one JSON
// line per request, in input order. prepare, when not nil, sees each batch of requests before fn does
// (to encode them together). It stops, with what it has written, when ctx is cancelled (an interrupt, a
// scheduler's SIGTERM).
func mapRequests[T any](ctx context.Context, in io.Reader, out io.Writer, maxText int, prepare func([]request), fn func(r request) T) error {
	w := bufio.NewWriterSize(out, 256<<10)
	enc := json.NewEncoder(w)
	workers := runtime.GOMAXPROCS(0)
	batch := make([]request, 0, batchSize)
	results := make([]T, batchSize)
	flush := func() error {
		if prepare != nil && len(batch) > 0 {
			prepare(batch)
		}
		var wg sync.WaitGroup
		per := (len(batch) + workers - 1) / workers
		for lo := 0; lo < len(batch); lo += per {
			hi := min(lo+per, len(batch))
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := lo; i < hi; i++ {
					results[i] = fn(batch[i])
				}
			}()
		}
		wg.Wait()
		for i := range batch {
			if err := enc.Encode(results[i]); err != nil {
				return fmt.Errorf("write output: %w", err)
			}
		}
		batch = batch[:0]
		return nil
	}
	err := heed.ReadLines(in, 0, func(n int, line []byte, cut bool) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			return nil
		}
		text, truncated := heed.CleanText(string(line), maxText)
		batch = append(batch, request{text: text, truncated: truncated || cut})
		if len(batch) == batchSize {
			return flush()
		}
		return nil
	})
	if ctx.Err() != nil {
		// The batches answered so far are written whole: a partial output ends at a line's end.
		if werr := w.Flush(); werr != nil {
			return fmt.Errorf("write output: %w", werr)
		}
		return fmt.Errorf("stopped before the end of the input: %w", ctx.Err())
	}
	if err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	if err := flush(); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

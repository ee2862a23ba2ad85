package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
)

// TestMapRequestsStopsWhenCancelled: heed classify and heed match stop at an interrupt or a scheduler's
// SIGTERM instead of working through the rest of a million-line file, and what they wrote ends at a
// line's end.
func TestMapRequestsStopsWhenCancelled(t *testing.T) {
	in := strings.Repeat("lark battery range\n", 3*batchSize)
	ctx, cancel := context.WithCancel(context.Background())
	var done atomic.Int64
	var out bytes.Buffer
	err := mapRequests(ctx, strings.NewReader(in), &out, 100, nil, func(r request) string {
		if done.Add(1) == batchSize/2 {
			cancel()
		}
		return r.text
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := done.Load(); n > batchSize {
		t.Errorf("%d requests answered after the cancel in the first batch, want at most one batch (%d)", n, batchSize)
	}
	if out.Len() > 0 && !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
		t.Errorf("the output ends inside a line")
	}
	if lines := bytes.Count(out.Bytes(), []byte("\n")); lines != batchSize {
		t.Errorf("%d lines written, want the first batch (%d)", lines, batchSize)
	}
}

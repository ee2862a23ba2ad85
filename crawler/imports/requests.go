// Package imports reads requests from files instead of crawling them: JSONL as `heed crawl` writes it
// (keeping every sighting's source, seed and evidence), or plain lists with one request a line, as
// keyword tools export them.
package imports

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// Requests is the `requests` source: it imports the requests of one file.
type Requests struct {
	name string
	path string
	log  *slog.Logger
	skip func(reason string, n int)
}

// counter is what the source needs to count the lines it skips.
type counter interface {
	Skipped(source, reason string, n int)
}

// NewRequests returns the source for spec, whose Base is the file's path. c counts skipped lines; log
// names them; both may be nil.
func NewRequests(spec crawler.Spec, log *slog.Logger, c counter) (*Requests, error) {
	name := spec.Name
	if name == "" {
		name = spec.Kind
	}
	if spec.Base == "" {
		return nil, fmt.Errorf("source %s: requests needs a file, as requests=PATH", name)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Requests{name: name, path: spec.Base, log: log, skip: func(string, int) {}}
	if c != nil {
		r.skip = func(reason string, n int) { c.Skipped(name, reason, n) }
	}
	return r, nil
}

// Name is the configured source name.
func (r *Requests) Name() string { return r.name }

// Kind is "requests".
func (r *Requests) Kind() string { return "requests" }

// Units: a file is read once, whatever the seeds.
func (r *Requests) Units([]string) []crawler.Unit {
	return []crawler.Unit{{Source: r.name, Query: r.path}}
}

// Fetch reads the file.
func (r *Requests) Fetch(ctx context.Context, u crawler.Unit) ([]heed.Sighting, error) {
	f, err := os.Open(r.path)
	if err != nil {
		return nil, fmt.Errorf("import requests %s: %w: %w", r.path, crawler.ErrBadInput, err)
	}
	defer f.Close()
	out, bad, err := Read(f, r.path)
	if err != nil {
		return nil, fmt.Errorf("import requests %s: %w", r.path, err)
	}
	for _, b := range bad {
		r.log.Warn("skipped a bad line of a requests file", "source", r.name, "file", r.path, "line", b.Line, "err", b.Err)
	}
	r.skip("invalid", len(bad))
	return out, ctx.Err()
}

// BadLine is a line of an input file that could not be read.
type BadLine struct {
	Line int
	Err  string
}

// Read reads a requests file: JSONL sightings when its first non-blank line starts with '{', else plain
// text with one request a line. Blank lines are skipped. Bad JSONL lines are returned in bad, by line
// number, and the good lines are kept.
func Read(r io.Reader, name string) (out []heed.Sighting, bad []BadLine, err error) {
	mode := 0 // 0 unknown, 1 jsonl, 2 text
	pos := 0
	err = heed.ReadLines(r, heed.DefaultMaxLine, func(n int, line []byte, cut bool) error {
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 {
			return nil
		}
		if mode == 0 {
			mode = 2
			if trimmed[0] == '{' {
				mode = 1
			}
		}
		if mode == 2 {
			pos++
			out = append(out, heed.Sighting{Text: string(trimmed), Source: "requests", URL: name, Position: pos, Truncated: cut})
			return nil
		}
		if cut {
			bad = append(bad, BadLine{Line: n, Err: fmt.Sprintf("line longer than %d bytes", heed.DefaultMaxLine)})
			return nil
		}
		var s heed.Sighting
		if err := json.Unmarshal(trimmed, &s); err != nil {
			bad = append(bad, BadLine{Line: n, Err: err.Error()})
			return nil
		}
		if s.Text == "" {
			bad = append(bad, BadLine{Line: n, Err: `no "text"`})
			return nil
		}
		if s.Source == "" {
			s.Source = "requests"
		}
		if s.URL == "" {
			s.URL = name
		}
		if s.Position <= 0 {
			pos++
			s.Position = pos
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return out, bad, fmt.Errorf("%w: read: %w", crawler.ErrBadInput, err)
	}
	return out, bad, nil
}

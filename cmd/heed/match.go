package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler/site"
	"github.com/heed-dev/heed/encoder"
	"github.com/heed-dev/heed/intent"
	"github.com/heed-dev/heed/responder"
)

// readPages reads a page export, warning about each bad line; it is a usage error when no page is left.
func readPages(e *env, path string) ([]heed.Page, error) {
	pages, bad, err := site.ReadExportFile(path)
	for _, b := range bad {
		fmt.Fprintf(e.stderr, "heed: %s:%d: skipped: %s\n", path, b.Line, b.Err)
	}
	if err != nil {
		return nil, usageError{err}
	}
	if len(pages) == 0 {
		return nil, usagef("%s: no pages (%d bad lines)", path, len(bad))
	}
	return pages, nil
}

func cmdMatch(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "match", "--pages PAGES [flags] [FILE|-]")
	pagesPath := fs.String("pages", "", "the organisation's pages: JSONL, or CSV when the name ends in .csv (required)")
	var brands listFlag
	fs.Var(&brands, "brand", "a brand or product name of the organisation (repeatable)")
	lang := fs.String("lang", "en", "language of the pages and requests (ISO 639-1)")
	maxText := fs.Int("max-text", heed.DefaultMaxText, "cut requests longer than this many characters")
	showCal := fs.Bool("show-calibration", false, "print the learnt gap thresholds to stderr")
	explain := fs.Bool("explain", false, "add to each line why: the signals behind the page or the gap, competing pages, the classifier's reasons and the thresholds")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *pagesPath == "" {
		return usageError{errors.New("-pages is required: heed match --pages PAGES [FILE|-]")}
	}
	if *maxText <= 0 {
		return usagef("-max-text must be positive")
	}
	pages, err := readPages(e, *pagesPath)
	if err != nil {
		return err
	}
	in, closeIn, err := openInput(e, fs.Args())
	if err != nil {
		return err
	}
	defer closeIn()
	enc, err := encoder.New()
	if err != nil {
		return err
	}
	m := newMatcher(pages, *lang, enc)
	if *showCal {
		fmt.Fprintf(e.stderr, "heed match: %d pages; calibration: %s\n", len(pages), m.Calibration())
	}
	cl := intent.New(intent.Options{Brands: brands})
	cal := m.Calibration()
	return mapRequests(in, e.stdout, *maxText, func(r request) responder.Answer {
		c := cl.Classify(r.text)
		out := responder.NewAnswer(r.text, c, m.Match(r.text, c), cal, *explain)
		out.Truncated = r.truncated
		return out
	})
}

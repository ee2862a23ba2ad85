package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler/site"
	"github.com/heed-dev/heed/encoder"
	"github.com/heed-dev/heed/intent"
	"github.com/heed-dev/heed/responder"
	"github.com/heed-dev/heed/vectorcache"
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
	fs := newFlags(e, "match", "--pages PAGES [--data DIR | -c FILE] [flags] [FILE|-]")
	pagesPath := fs.String("pages", "", "the organisation's pages: JSONL, or CSV when the name ends in .csv (required)")
	var brands listFlag
	fs.Var(&brands, "brand", "a brand or product name of the organisation (repeatable)")
	lang := fs.String("lang", "en", "language of the pages and requests (ISO 639-1)")
	maxText := fs.Int("max-text", heed.DefaultMaxText, "cut requests longer than this many characters")
	showCal := fs.Bool("show-calibration", false, "print the learnt gap thresholds to stderr")
	data := fs.String("data", "", "keep sentence vectors in this embedded store (the data directory of heed run): texts a run or an earlier match encoded are read, not encoded again")
	cfgPath := fs.String("c", "", "keep sentence vectors in this config's store (embedded or Elasticsearch), as --data does")
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
	model, err := encoder.New()
	if err != nil {
		return err
	}
	var enc responder.Encoder = model
	if *data != "" || *cfgPath != "" {
		cache, closeStore, err := storeVectors(ctx, e, *cfgPath, *data, model)
		if err != nil {
			return err
		}
		defer closeStore()
		defer func() {
			hits, encoded := cache.Stats()
			fmt.Fprintf(e.stderr, "heed match: vectors: %d read from the store, %d encoded and kept\n", hits, encoded)
		}()
		enc = cache
	}
	m := newMatcher(pages, *lang, enc)
	if *showCal {
		fmt.Fprintf(e.stderr, "heed match: %d pages; calibration: %s\n", len(pages), m.Calibration())
	} else if note := m.Calibration().DefaultNote(); note != "" {
		fmt.Fprintf(e.stderr, "heed match: warning: %s (--show-calibration prints the thresholds)\n", note)
	}
	cl := intent.New(intent.Options{Brands: brands})
	a := newAnswers(m, maxAnswersKept)
	err = mapRequests(ctx, in, e.stdout, *maxText, a.prepare, func(r request) responder.Answer {
		if out, ok := a.known(r); ok {
			return out
		}
		c := cl.Classify(r.text)
		out := responder.NewAnswer(r.text, c, m.MatchVector(r.text, a.vector(r.text), c), m.Calibration(), m.Title, *explain)
		out.Truncated = r.truncated
		a.keep(r, out)
		return out
	})
	if cal := m.Calibration(); *showCal && cal.GapShare > 0 {
		fmt.Fprintf(e.stderr, "heed match: calibration for these requests: %s\n", cal)
	}
	return err
}

// maxAnswersKept bounds the answers heed match remembers (about half a kilobyte each).
const maxAnswersKept = 1 << 20

// answers is what heed match knows of a batch of requests before it answers them: the vectors of the
// batch's texts, encoded together (a text at a time is three times slower), and the answers already
// given: a request asked again (a million-line file often holds each request twice) is answered from
// memory, as it would be answered again.
type answers struct {
	m    *responder.Matcher
	max  int
	mu   sync.Mutex
	seen map[request]responder.Answer
	vecs map[string][]float32 // the batch's
	// adapted is set once the first batch was shown to the matcher.
	adapted bool
}

func newAnswers(m *responder.Matcher, max int) *answers {
	return &answers{m: m, max: max, seen: map[request]responder.Answer{}}
}

// prepare encodes the batch's texts that have no answer yet, each once, and shows the first batch to the
// matcher to adapt its gap decision to. It runs between batches, when no request is being answered.
func (a *answers) prepare(batch []request) {
	var texts []string
	a.vecs = map[string][]float32{}
	for _, r := range batch {
		if _, ok := a.seen[r]; ok {
			continue
		}
		if _, ok := a.vecs[r.text]; !ok {
			a.vecs[r.text] = nil
			texts = append(texts, r.text)
		}
	}
	vecs := a.m.Vectors(texts)
	for i, v := range vecs {
		a.vecs[texts[i]] = v
	}
	// The first batch (up to batchSize requests) tells the matcher the share of gaps among the
	// requests: the calibration all of them are decided with.
	if !a.adapted {
		a.adapted = true
		a.m.Adapt(texts, func(ts []string) [][]float32 {
			out := make([][]float32, len(ts))
			for i, t := range ts {
				out[i] = a.vecs[t]
			}
			return out
		})
	}
}

// vector is text's vector, encoded by prepare (nil without an encoder).
func (a *answers) vector(text string) []float32 { return a.vecs[text] }

// known is the answer already given to r.
func (a *answers) known(r request) (responder.Answer, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	out, ok := a.seen[r]
	return out, ok
}

// keep remembers the answer to r, while fewer than max are kept.
func (a *answers) keep(r request, out responder.Answer) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.seen) < a.max {
		a.seen[r] = out
	}
}

// storeVectors opens the store of a config file or data directory and returns enc's vectors cached in
// it, with what closes the store.
func storeVectors(ctx context.Context, e *env, cfgPath, data string, enc *encoder.Encoder) (*vectorcache.Cache, func(), error) {
	cfg, err := resolveConfig(runFlags{config: cfgPath, data: data, storeOnly: true})
	if err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := openStore(ctx, e, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	return vectorcache.New(context.WithoutCancel(ctx), enc, st, enc.Model(), log), func() { st.Close() }, nil
}

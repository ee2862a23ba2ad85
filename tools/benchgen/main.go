// Command benchgen writes large, realistic inputs for `make bench`: requests made from the bundled
// vocabulary (the demo world's suggestions and forum titles, the intent training vocabulary and its
// templates, English word frequencies), deterministic for a given seed.
//
//	go run ./tools/benchgen -requests 1000000 -out out/bench/requests.txt
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	n := flag.Int("requests", 1_000_000, "how many requests")
	out := flag.String("out", "out/bench/requests.txt", "where to write them")
	seed := flag.Uint64("seed", 7, "random seed")
	pages := flag.Int("pages", 0, "also write this many pages")
	pagesOut := flag.String("pages-out", "out/bench/pages.jsonl", "where to write the pages (JSONL, as heed match reads)")
	distinct := flag.Bool("distinct-pages", false, "give every page its own title, headings and queries, as a real site has (by default they repeat about a thousand phrases, which the encoder then meets only once)")
	flag.Parse()
	if err := run(*n, *out, *seed, *pages, *pagesOut, *distinct); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
}

func lines(path string, fn func(string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "[") {
			fn(l)
		}
	}
	return sc.Err()
}

func run(n int, out string, seed uint64, nPages int, pagesOut string, distinct bool) error {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	var phrases, words []string
	if err := lines("demo/world/suggest.tsv", func(l string) { phrases = append(phrases, strings.Split(l, "\t")[0]) }); err != nil {
		return err
	}
	if err := lines("intent/training/vocab.txt", func(l string) { phrases = append(phrases, l) }); err != nil {
		return err
	}
	if err := lines("intent/training/written.tsv", func(l string) {
		if _, t, ok := strings.Cut(l, "\t"); ok {
			phrases = append(phrases, t)
		}
	}); err != nil {
		return err
	}
	rank := 0
	if err := lines("analysis/words.tsv", func(l string) {
		if rank++; rank <= 20000 {
			words = append(words, strings.Split(l, "\t")[0])
		}
	}); err != nil {
		return err
	}
	if nPages > 0 {
		if err := writePages(rng, phrases, words, nPages, pagesOut, distinct); err != nil {
			return err
		}
	}
	shapes := []string{"%s", "how to %s", "what is %s", "%s %w", "best %s", "%s near me", "%s vs %s", "%s price",
		"%w %s", "why does %s %w", "%s login", "download %s", "%s reviews", "%w %w %w", "can i %w %s", "%s %w %w"}
	return create(out, func(w *bufio.Writer) error {
		for range n {
			shape := shapes[rng.IntN(len(shapes))]
			var b strings.Builder
			for i := 0; i < len(shape); i++ {
				if shape[i] == '%' && i+1 < len(shape) {
					if shape[i+1] == 's' {
						b.WriteString(phrases[rng.IntN(len(phrases))])
					} else {
						b.WriteString(words[rng.IntN(len(words))])
					}
					i++
					continue
				}
				b.WriteByte(shape[i])
			}
			b.WriteByte('\n')
			w.WriteString(b.String())
		}
		return nil
	})
}

// create writes the file out (and its directory) through a buffer that fill writes to.
func create(out string, fill func(*bufio.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writePages writes n pages of a large site: a title and headings from the phrases, a body of about 120
// words, a type, and for one page in three a few declared queries. With distinct, each title, heading and
// query has two more words of the vocabulary, and each title its page's number.
func writePages(rng *rand.Rand, phrases, words []string, n int, out string, distinct bool) error {
	return create(out, func(w *bufio.Writer) error {
		enc := json.NewEncoder(w)
		types := []string{"guide", "faq", "article", "product", "support", "pricing", "comparison", "location"}
		pick := func() string { return phrases[rng.IntN(len(phrases))] }
		short := pick
		if distinct {
			short = func() string { return pick() + " " + words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))] }
		}
		for i := range n {
			var body strings.Builder
			for j := range 120 {
				if j%15 == 0 {
					body.WriteString(pick())
				} else {
					body.WriteString(words[rng.IntN(len(words))])
				}
				body.WriteByte(' ')
			}
			p := map[string]any{
				"url": fmt.Sprintf("https://bench.example/p/%d", i), "title": short(), "type": types[rng.IntN(len(types))],
				"headings": []string{short(), short()}, "body": body.String(),
			}
			if distinct {
				p["title"] = fmt.Sprintf("%s %d", p["title"], i)
			}
			if i%3 == 0 {
				p["queries"] = []string{short(), short()}
			}
			if err := enc.Encode(p); err != nil {
				return err
			}
		}
		return nil
	})
}

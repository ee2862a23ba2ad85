// Package respondertest makes synthetic sites for tests of matching: pages and requests over made-up words, whose answers
// and gaps are known by construction.
package respondertest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/heed-dev/heed"
)

// Site is a site of subjects, each with six made-up words of its own and two shared with the next
// subject. The first Pages subjects have a page (a title, a text and five declared queries); the rest
// have none, so that a request about them is a gap.
type Site struct {
	Pages []heed.Page
	words [][]string
}

// Subjects builds a site of subjects subjects, the first withPages of them with a page.
func Subjects(subjects, withPages int) *Site {
	r := rand.New(rand.NewPCG(5, 6))
	word := func() string {
		var b strings.Builder
		for range 3 {
			b.WriteByte("bdfgklmnprstvz"[r.IntN(14)])
			b.WriteByte("aeiou"[r.IntN(5)])
		}
		return b.String()
	}
	s := &Site{words: make([][]string, subjects)}
	for i := range s.words {
		for range 6 {
			s.words[i] = append(s.words[i], word())
		}
	}
	for i := range s.words {
		next := s.words[(i+1)%subjects]
		s.words[i] = append(s.words[i], next[0], next[1])
	}
	for i := range withPages {
		p := heed.Page{
			URL:   fmt.Sprintf("https://synthetic.example/%d", i),
			Title: strings.Join(s.words[i][:3], " "),
			Body:  strings.Repeat(strings.Join(s.words[i], " ")+". ", 3),
		}
		for range 5 {
			p.Queries = append(p.Queries, s.Ask(r, i))
		}
		s.Pages = append(s.Pages, p)
	}
	return s
}

// Ask returns a request about subject i: three of its words, in an order drawn from r.
func (s *Site) Ask(r *rand.Rand, i int) string {
	w := slices.Clone(s.words[i])
	r.Shuffle(len(w), func(a, b int) { w[a], w[b] = w[b], w[a] })
	return "how do i " + strings.Join(w[:3], " ")
}

// Requests returns n requests of which the first share are about subjects without a page (gaps), the
// rest about subjects with one, drawn from seed.
func (s *Site) Requests(share float64, n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(7, seed))
	withPages, subjects := len(s.Pages), len(s.words)
	out := make([]string, n)
	for i := range out {
		if float64(i) < share*float64(n) {
			out[i] = s.Ask(r, withPages+r.IntN(subjects-withPages))
		} else {
			out[i] = s.Ask(r, r.IntN(withPages))
		}
	}
	return out
}

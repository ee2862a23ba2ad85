package responder

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/index"
)

// syntheticSite is a deterministic site of n pages over a Zipf-distributed vocabulary of made-up
// words (as a real site's terms are distributed), with requests of two to five words drawn the same way:
// the shape of a big help centre, without shipping one.
func syntheticSite(n, requests int) ([]heed.Page, []string) {
	rng := rand.New(rand.NewPCG(11, 12))
	syl := []string{"ka", "lo", "mi", "ru", "ten", "sa", "vor", "pe", "dil", "an", "gro", "fu", "nes", "ti", "bar", "ol"}
	vocab := make([]string, 30000)
	for i := range vocab {
		var b strings.Builder
		for v := i; ; v /= len(syl) {
			b.WriteString(syl[v%len(syl)])
			if v < len(syl) {
				break
			}
		}
		vocab[i] = b.String()
	}
	z := rand.NewZipf(rng, 1.1, 4, uint64(len(vocab)-1))
	phrase := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = vocab[z.Uint64()]
		}
		return strings.Join(ws, " ")
	}
	types := []heed.PageType{heed.PageGuide, heed.PageFAQ, heed.PageArticle, heed.PageProduct}
	pages := make([]heed.Page, n)
	for i := range pages {
		pages[i] = heed.Page{URL: fmt.Sprintf("https://bench.example/p/%d", i), Title: phrase(4), Type: types[i%len(types)],
			Headings: []string{phrase(3), phrase(3)}, Body: phrase(120)}
		if i%3 == 0 {
			pages[i].Queries = []string{phrase(3), phrase(4)}
		}
	}
	reqs := make([]string, requests)
	for i := range reqs {
		reqs[i] = phrase(2 + i%4)
	}
	return pages, reqs
}

// BenchmarkMatchLargeSite matches one request (of 1,000, in turn) against a site of 20,000 pages: the
// score path as a big night runs it.
func BenchmarkMatchLargeSite(b *testing.B) {
	pages, reqs := syntheticSite(20000, 1000)
	m := New(index.Build(pages, analysis.New("en"), index.DefaultParams()), nil)
	c := heed.Classification{Intent: heed.Informational}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Match(reqs[i%len(reqs)], c)
		i++
	}
}

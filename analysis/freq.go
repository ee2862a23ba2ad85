package analysis

import (
	"bufio"
	_ "embed"
	"math"
	"strconv"
	"strings"
	"sync"
)

//go:embed words.tsv
var wordsTSV string

var (
	wordFreqOnce sync.Once
	wordFreq     map[string]float64
)

// WordFreq returns how often the English word w occurs per million words of a large corpus (SUBTLEX-US);
// 0 for a word the corpus lacks.
func WordFreq(w string) float64 {
	wordFreqOnce.Do(loadWordFreq)
	return wordFreq[w]
}

// Words reports whether w is an English word of the corpus.
func Words(w string) bool {
	wordFreqOnce.Do(loadWordFreq)
	_, ok := wordFreq[w]
	return ok
}

func loadWordFreq() {
	wordFreq = make(map[string]float64, 60000)
	sc := bufio.NewScanner(strings.NewReader(wordsTSV))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		w, c, ok := strings.Cut(line, "\t")
		if n, err := strconv.ParseFloat(c, 64); ok && err == nil {
			// SUBTLEX-US holds 51 million words: counts per million.
			wordFreq[w] = n / 51
		}
	}
}

// BackgroundIDF returns, for the analyzer's terms, how informative each is in ordinary language: an idf
// computed as if each word occurred in documents of about 200 words at its corpus frequency. Words of
// every form that stem to the same term add up. Only English has a corpus; other languages get nil.
func (a *Analyzer) BackgroundIDF() map[string]float64 {
	if a.lang != "en" {
		return nil
	}
	a.bgOnce.Do(func() {
		wordFreqOnce.Do(loadWordFreq)
		stemFreq := make(map[string]float64, len(wordFreq))
		for w, f := range wordFreq {
			if t, ok := a.term(w); ok {
				stemFreq[t] += f
			}
		}
		a.bg = make(map[string]float64, len(stemFreq))
		for t, f := range stemFreq {
			p := math.Min(f*200/1e6, 0.999)
			a.bg[t] = math.Log(1 + (1-p)/p)
		}
	})
	return a.bg
}

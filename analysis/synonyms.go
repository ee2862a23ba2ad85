package analysis

import (
	"bufio"
	"slices"
	"strings"
)

// Synonyms returns the terms that mean the same as term in the analyzer's language ("cost" for
// "price"), from the shipped list synonyms/LANG.txt; nil when there are none or the language has no
// list. Each word of the list is analysed like any text, so the terms are stems.
func (a *Analyzer) Synonyms(term string) []string {
	a.synOnce.Do(a.loadSynonyms)
	return a.syn[term]
}

// Canonical returns the term that stands for term and its synonyms: the first of its group in the list,
// or term itself.
func (a *Analyzer) Canonical(term string) string {
	a.synOnce.Do(a.loadSynonyms)
	if c, ok := a.canon[term]; ok {
		return c
	}
	return term
}

func (a *Analyzer) loadSynonyms() {
	a.syn = map[string][]string{}
	a.canon = map[string]string{}
	f, err := stopFiles.Open("synonyms/" + a.lang + ".txt")
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var group []string
		for _, w := range strings.Split(line, ",") {
			ts := a.Terms(w)
			// A word the analyzer splits (or drops as a stop word) is no single term: skip it.
			if len(ts) == 1 && !slices.Contains(group, ts[0]) {
				group = append(group, ts[0])
			}
		}
		for _, t := range group {
			if _, ok := a.canon[t]; !ok {
				a.canon[t] = group[0]
			}
			for _, o := range group {
				if o != t && !slices.Contains(a.syn[t], o) {
					a.syn[t] = append(a.syn[t], o)
				}
			}
		}
	}
}

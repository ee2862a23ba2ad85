package intent

import (
	"bufio"
	"embed"
	"strings"
	"sync"

	"github.com/heed-dev/heed/analysis"
)

//go:embed lexicon/sites.tsv lexicon/places.tsv
var lexiconFiles embed.FS

// Lexicon is the knowledge the classifier ships with: the names of well-known sites, brands and
// institutions (from open lists, never from evaluation data), and how common English words are.
type Lexicon struct {
	// sites maps a name to where it comes from (curated, top, icons).
	sites map[string]string
	// byFirst indexes site names by their first word, longest first, to find them inside requests.
	byFirst map[string][]string
	// joined maps a site name written without spaces ("wellsfargo") to the name.
	joined map[string]string
	// fuzzy indexes site names of 5 letters or more by their deletion variants, to find misspellings.
	fuzzy map[string][]string
	// places maps a place name to its kinds (state, state-code, country, us-city, city), and placeFirst
	// indexes them by first word.
	places     map[string][]string
	placeFirst map[string][]string
}

var (
	defaultLexicon     *Lexicon
	defaultLexiconOnce sync.Once
)

// DefaultLexicon is the shipped lexicon, loaded once.
func DefaultLexicon() *Lexicon {
	defaultLexiconOnce.Do(func() { defaultLexicon = loadLexicon() })
	return defaultLexicon
}

func loadLexicon() *Lexicon {
	l := &Lexicon{sites: map[string]string{}, byFirst: map[string][]string{}, joined: map[string]string{},
		fuzzy: map[string][]string{}, places: map[string][]string{}, placeFirst: map[string][]string{}}
	eachLine("lexicon/places.tsv", func(cols []string) {
		if len(cols) != 2 {
			return
		}
		if _, seen := l.places[cols[0]]; !seen {
			if f := strings.Fields(cols[0]); len(f) > 0 {
				l.placeFirst[f[0]] = append(l.placeFirst[f[0]], cols[0])
			}
		}
		l.places[cols[0]] = append(l.places[cols[0]], cols[1])
	})
	eachLine("lexicon/sites.tsv", func(cols []string) {
		if len(cols) != 2 {
			return
		}
		name, src := cols[0], bestSource(cols[1])
		l.addSite(name, src)
	})
	return l
}

// bestSource picks the most trusted of a name's sources.
func bestSource(list string) string {
	for _, s := range []string{"curated", "top", "icons"} {
		if strings.Contains(list, s) {
			return s
		}
	}
	return list
}

func (l *Lexicon) addSite(name, src string) {
	words := strings.Fields(name)
	if len(words) == 0 {
		return
	}
	if _, dup := l.sites[name]; !dup {
		l.byFirst[words[0]] = append(l.byFirst[words[0]], name)
	}
	l.sites[name] = src
	j := strings.Join(words, "")
	for _, r := range []string{".", "-", "'", "&"} {
		j = strings.ReplaceAll(j, r, "")
	}
	if _, ok := l.joined[j]; !ok && len(j) >= 4 {
		l.joined[j] = name
	}
	if len(j) >= 5 && !strings.ContainsAny(j, "0123456789") {
		for _, d := range deletions(j) {
			l.fuzzy[d] = append(l.fuzzy[d], name)
		}
	}
}

func eachLine(name string, fn func(cols []string)) {
	f, err := lexiconFiles.Open(name)
	if err != nil {
		panic("intent: embedded lexicon missing: " + name) // a build without its embedded files cannot work
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fn(strings.Split(line, "\t"))
	}
}

// deletions returns s with each single character removed, and s itself: two strings within one edit
// (deletion, insertion or substitution) share a deletion variant.
func deletions(s string) []string {
	out := []string{s}
	for i := range len(s) {
		out = append(out, s[:i]+s[i+1:])
	}
	return out
}

// Freq is how often w occurs per million words of English; 0 for a word the corpus lacks.
func (l *Lexicon) Freq(w string) float64 { return analysis.WordFreq(w) }

// Known reports whether w is an English word of the corpus.
func (l *Lexicon) Known(w string) bool { return analysis.Words(w) }

// Site returns the source of a site name, or "".
func (l *Lexicon) Site(name string) string { return l.sites[name] }

// siteSpan is a site name found in a request.
type siteSpan struct {
	name  string
	src   string
	start int
	end   int // words [start, end)
}

// findSites returns the site names the words contain, longest match first at each position.
func (l *Lexicon) findSites(words []string) []siteSpan {
	var out []siteSpan
	for i := 0; i < len(words); i++ {
		best := siteSpan{}
		for _, name := range l.byFirst[words[i]] {
			n := strings.Fields(name)
			if i+len(n) <= len(words) && equalWords(words[i:i+len(n)], n) && len(n) > best.end-best.start {
				best = siteSpan{name: name, src: l.sites[name], start: i, end: i + len(n)}
			}
		}
		if best.name != "" {
			out = append(out, best)
			i = best.end - 1
		}
	}
	return out
}

func equalWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// misspelt returns the site name a word not in the dictionary is one edit away from, if one is.
func (l *Lexicon) misspelt(w string) (string, bool) {
	if len(w) < 6 || l.Known(w) {
		return "", false
	}
	if _, exact := l.joined[w]; exact {
		return "", false // written without spaces, not misspelt: see the site:joined feature
	}
	for _, d := range deletions(w) {
		for _, name := range l.fuzzy[d] {
			if l.sites[name] != "icons" { // the icon list is long and technical: too many near misses
				return name, true
			}
		}
	}
	return "", false
}

// placeSpan is a place name found in a request.
type placeSpan struct {
	name       string
	kinds      []string
	start, end int
}

// findPlaces returns the place names in the words, longest first at each position. A state's postal
// code ("oh", "in", "me") counts only right after another place, where it cannot be an English word.
func (l *Lexicon) findPlaces(words []string) []placeSpan {
	var out []placeSpan
	for i := 0; i < len(words); i++ {
		best := placeSpan{}
		for _, name := range l.placeFirst[words[i]] {
			n := strings.Fields(name)
			if i+len(n) <= len(words) && equalWords(words[i:i+len(n)], n) && len(n) > best.end-best.start {
				kinds := l.places[name]
				if len(kinds) == 1 && kinds[0] == "state-code" && (len(out) == 0 || out[len(out)-1].end != i) {
					continue
				}
				best = placeSpan{name: name, kinds: kinds, start: i, end: i + len(n)}
			}
		}
		if best.name != "" {
			out = append(out, best)
			i = best.end - 1
		}
	}
	return out
}

// compound reports whether w, a word the dictionary lacks, is two or three common English words written
// together, as domain names are ("ageonline", "perksatwork").
func (l *Lexicon) compound(w string) bool {
	var split func(s string, parts int) bool
	split = func(s string, parts int) bool {
		if parts == 0 {
			return false
		}
		for i := 2; i <= len(s)-2; i++ {
			head, tail := s[:i], s[i:]
			if l.Freq(head) < 5 {
				continue
			}
			if (l.Freq(tail) >= 5 && len(tail) >= 2) || split(tail, parts-1) {
				return true
			}
		}
		return false
	}
	return split(w, 2)
}

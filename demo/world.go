// Package demo is heed's bundled offline sample world: Lark Cycles, a maker of electric bikes, with its
// help centre (served as a real site with robots.txt, a sitemap index, a gzip sitemap, canonical links
// and JSON-LD), a search-suggestion service answering in the OpenSearch shape, a Stack Exchange API
// answering forum questions about its bikes, and a keyword export. Everything is served from loopback by
// the demo itself, so heed can run its whole nightly job with no network.
package demo

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed world
var files embed.FS

// World is the sample organisation and what its customers ask.
type World struct {
	Organisation string   `yaml:"organisation"`
	Host         string   `yaml:"host"` // the canonical host the site declares
	Brands       []string `yaml:"brands"`
	Pages        []Page   `yaml:"pages"`

	Suggestions []Suggestion `yaml:"-"`
	Forum       []json.RawMessage
	Keywords    []byte
	// First-party exports: the help centre's own site search (CSV), Search Console's queries by query
	// and page (the API's JSON) and the help desk's tickets, as a team would export them.
	SiteSearch    []byte
	SearchConsole []byte
	HelpDesk      []byte // Zendesk's incremental ticket export
}

// Page is one page of the sample site.
type Page struct {
	Path        string    `yaml:"path"`
	Type        string    `yaml:"type"`
	Title       string    `yaml:"title"`
	Description string    `yaml:"description"`
	LastMod     string    `yaml:"lastmod"`
	NoIndex     bool      `yaml:"noindex"`
	Sections    []Section `yaml:"sections"`
	FAQ         []QA      `yaml:"faq"`
	Steps       []string  `yaml:"steps"`
}

// Section is a heading and its text (paragraphs separated by blank lines).
type Section struct {
	Heading string `yaml:"heading"`
	Text    string `yaml:"text"`
}

// QA is a question and answer of a page's FAQ.
type QA struct {
	Q string `yaml:"q"`
	A string `yaml:"a"`
}

// Suggestion is one query the sample suggestion service knows, with its popularity.
type Suggestion struct {
	Text   string
	Weight int
}

// Load reads the bundled world.
func Load() (*World, error) {
	w := &World{}
	data, err := files.ReadFile("world/site.yaml")
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(w); err != nil {
		return nil, fmt.Errorf("demo site.yaml: %w", err)
	}
	seen := map[string]bool{}
	for _, p := range w.Pages {
		if !strings.HasPrefix(p.Path, "/") || seen[p.Path] {
			return nil, fmt.Errorf("demo site.yaml: page path %q must start with / and be unique", p.Path)
		}
		seen[p.Path] = true
	}
	tsv, err := files.ReadFile("world/suggest.tsv")
	if err != nil {
		return nil, err
	}
	for i, line := range strings.Split(string(tsv), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		text, weight, ok := strings.Cut(line, "\t")
		n, err := strconv.Atoi(strings.TrimSpace(weight))
		if !ok || err != nil {
			return nil, fmt.Errorf("demo suggest.tsv:%d: want query<TAB>weight", i+1)
		}
		w.Suggestions = append(w.Suggestions, Suggestion{Text: text, Weight: n})
	}
	sort.SliceStable(w.Suggestions, func(i, j int) bool { return w.Suggestions[i].Weight > w.Suggestions[j].Weight })
	forum, err := files.ReadFile("world/forum.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(forum, &w.Forum); err != nil {
		return nil, fmt.Errorf("demo forum.json: %w", err)
	}
	if w.Keywords, err = files.ReadFile("world/keywords.txt"); err != nil {
		return nil, err
	}
	if w.SiteSearch, err = files.ReadFile("world/site-search.csv"); err != nil {
		return nil, err
	}
	if w.SearchConsole, err = files.ReadFile("world/search-console.json"); err != nil {
		return nil, err
	}
	if w.HelpDesk, err = files.ReadFile("world/helpdesk-zendesk.json"); err != nil {
		return nil, err
	}
	return w, nil
}

package main

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed/config"
	"github.com/heed-dev/heed/crawler"
)

// TestConfigDefaultsAreTheCrawlers: the crawl settings a config leaves out are crawler.DefaultFetchConfig's,
// of which the config package, importing no stage, keeps a copy.
func TestConfigDefaultsAreTheCrawlers(t *testing.T) {
	cfg := &config.File{}
	cfg.ApplyDefaults()
	c, def := cfg.Crawl, crawler.DefaultFetchConfig()
	got := crawler.FetchConfig{UserAgent: c.UserAgent, Timeout: c.Timeout, MaxBody: c.MaxBody, Retries: c.Retries,
		MaxRetryAfter: c.MaxRetryAfter, Parallel: c.Parallel, Delay: c.Delay}
	want := crawler.FetchConfig{UserAgent: def.UserAgent, Timeout: def.Timeout, MaxBody: def.MaxBody, Retries: def.Retries,
		MaxRetryAfter: def.MaxRetryAfter, Parallel: def.Parallel, Delay: def.Delay}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config's crawl defaults (-crawler +config):\n%s", diff)
	}
}

// TestConfigExpansionsAreTheCrawlers: a config's expansions are checked as crawler.CheckExpansions checks
// the -expand flag, with the same names and the same errors, though the config package keeps its own list.
func TestConfigExpansionsAreTheCrawlers(t *testing.T) {
	lists := [][]string{{"emoji"}, {"Alphabet"}, {"prefix:"}, {"suffix: "}, {"prefix:best", "suffix:y"}, {"depth:x"},
		{"depth:"}, {"alphabet", "questions", "emoji"}, {"prefix:"}}
	for _, e := range crawler.Expansions {
		lists = append(lists, []string{e})
	}
	for d := -1; d <= crawler.MaxDepth+1; d++ {
		lists = append(lists, []string{"depth:" + strconv.Itoa(d)})
	}
	for _, list := range lists {
		doc, err := json.Marshal(map[string][]string{"expand": list}) // JSON is YAML
		if err != nil {
			t.Fatal(err)
		}
		want := ""
		if err := crawler.CheckExpansions(list); err != nil {
			want = "heed.yaml:1: expand: " + err.Error()
		}
		got := ""
		if _, err := config.Parse("heed.yaml", doc); err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("expand %q:\n got %q\nwant %q", list, got, want)
		}
	}
}

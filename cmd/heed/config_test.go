package main

import (
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

package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/crawler/site"
)

// sitePages crawls the organisation's site and adds the pages of an export; either may be unset.
type sitePages struct {
	site     string
	export   string
	crawler  *site.Crawler
	log      *slog.Logger
	maxPages int
	skipped  int
}

// Skipped is how many pages the last read refused: export lines that were bad (a url that is not
// http(s) among them) and crawled pages skipped.
func (s *sitePages) Skipped() int { return s.skipped }

func (s *sitePages) String() string {
	switch {
	case s.site != "" && s.export != "":
		return s.site + " and " + s.export
	case s.site != "":
		return s.site
	}
	return s.export
}

// Pages returns the site's pages, then the export's; an export page replaces a crawled page of the same
// URL (the export is what the content team says).
func (s *sitePages) Pages(ctx context.Context) ([]heed.Page, error) {
	var pages []heed.Page
	s.skipped = 0
	if s.site != "" {
		crawled, rep, err := s.crawler.Crawl(ctx, s.site)
		s.log.Info("site crawled", "site", s.site, "sitemaps", rep.Sitemaps, "listed", rep.Listed, "fetched", rep.Fetched, "unchanged", rep.Unchanged,
			"pages", rep.Pages, "skipped", heed.CountsText(rep.Skipped), "sitemap_errors", heed.CountsText(rep.SitemapErrors), "offsite_canonicals", rep.OffsiteCanonical)
		logSkipped(s.log, rep)
		if err != nil {
			return nil, err
		}
		pages = crawled
		s.skipped += rep.Skipped["scheme"]
	}
	if s.export != "" {
		exported, bad, err := site.ReadExportFile(s.export)
		s.skipped += len(bad)
		for _, b := range bad {
			s.log.Warn("skipped a bad line of the page export", "file", s.export, "line", b.Line, "err", b.Err)
		}
		if err != nil {
			return nil, err
		}
		if len(exported) == 0 {
			return nil, fmt.Errorf("read pages %s: %w: no pages (%d bad lines)", s.export, crawler.ErrBadInput, len(bad))
		}
		at := map[string]int{}
		for i, p := range pages {
			at[p.URL] = i
		}
		for _, p := range exported {
			if i, ok := at[p.URL]; ok {
				pages[i] = p
				continue
			}
			at[p.URL] = len(pages)
			pages = append(pages, p)
		}
	}
	return pages, nil
}

// logSkipped names each page the site crawl skipped, and why: a url that is not http(s) (what the
// report's banner counts) as a warning, the rest (noindex, duplicates, robots.txt...) as information.
func logSkipped(log *slog.Logger, rep site.Report) {
	for _, p := range rep.SkippedPages {
		level := slog.LevelInfo
		if p.Reason == "scheme" {
			level = slog.LevelWarn
		}
		log.Log(context.Background(), level, "skipped a page of the site", "url", p.URL, "reason", p.Reason)
	}
	if named, all := len(rep.SkippedPages), sum(rep.Skipped); all > named {
		log.Info("more pages skipped than named", "named", named, "skipped", all)
	}
}

func sum(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

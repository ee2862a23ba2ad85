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
			"pages", rep.Pages, "skipped", rep.Skipped, "sitemap_errors", rep.SitemapErrors, "offsite_canonicals", rep.OffsiteCanonical)
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

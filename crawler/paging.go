package crawler

import (
	"context"

	"github.com/heed-dev/heed"
)

// PageFailer counts a later page of a listing that failed (Fetcher.PageFailed).
type PageFailer interface {
	PageFailed(source string, page int, err error)
}

// ReadPages reads a listing page by page, at most pages of them, for the source named source. read reads
// page n (from 1) and says whether another page follows.
//
// The contract of every paging source: a failing first page fails the unit (Fetch returns the error, and
// the next run tries the unit again); a failing later page ends the listing without failing the unit: the
// pages read before it are kept and returned with a nil error, and the failed page is counted in
// heed_crawl_items_skipped_total{reason="page_<reason>"} (page_rate_limited, page_http_5xx, page_parse, ...,
// the reasons of Reason) and logged as a warning. A context that ends fails the unit whatever the page,
// since its sightings could not be stored anyway.
func ReadPages(ctx context.Context, f PageFailer, source string, pages int, read func(page int) ([]heed.Sighting, bool, error)) ([]heed.Sighting, error) {
	var out []heed.Sighting
	for page := 1; page <= pages; page++ {
		items, more, err := read(page)
		if err != nil {
			if page == 1 || ctx.Err() != nil {
				return nil, err
			}
			f.PageFailed(source, page, err)
			return out, nil
		}
		out = append(out, items...)
		if !more {
			break
		}
	}
	return out, nil
}

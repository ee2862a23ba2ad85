package forum

import (
	"strings"

	"github.com/heed-dev/heed/crawler"
)

// seedUnits are the units of a search: one per seed, its white space collapsed, for the source named
// source. Blank seeds are left out.
func seedUnits(source string, seeds []string) []crawler.Unit {
	var out []crawler.Unit
	for _, seed := range seeds {
		if seed = strings.Join(strings.Fields(seed), " "); seed != "" {
			out = append(out, crawler.Unit{Source: source, Seed: seed, Query: seed})
		}
	}
	return out
}

// listingUnits are the units of a listing that needs no seed: one, for the source named source.
func listingUnits(source string) []crawler.Unit { return []crawler.Unit{{Source: source}} }

// templateUnits are the units of a source read from a URL template (a feed, an HTML forum): a search per
// seed when the template holds {q}, else the listing once.
func templateUnits(source, template string, seeds []string) []crawler.Unit {
	if !strings.Contains(template, "{q}") {
		return listingUnits(source)
	}
	return seedUnits(source, seeds)
}

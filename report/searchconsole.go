package report

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	"github.com/heed-dev/heed"
)

// SearchConsoleSummary compares, over the requests Search Console showed the site for, the page Google
// showed most with the page heed matched.
type SearchConsoleSummary struct {
	// Queries are the requests with a page from Search Console.
	Queries int `json:"queries"`
	// Same are those whose page Google showed most is the page heed matched; Agreement is Same over
	// Queries, 0 to 1.
	Same      int     `json:"same"`
	Agreement float64 `json:"agreement"`
}

// Disagreement is a request for which Google shows one page and heed matches another (or none): either
// heed is wrong, or Google sends people to a weaker page than the one that answers them.
type Disagreement struct {
	Key         string  `json:"key"`
	Text        string  `json:"text"`
	GooglePage  string  `json:"google_page"`
	GoogleTitle string  `json:"google_title,omitempty"`
	HeedPage    string  `json:"heed_page"` // "" when heed finds no page that answers it (a gap)
	HeedTitle   string  `json:"heed_title,omitempty"`
	Gap         bool    `json:"gap"`
	Score       float64 `json:"score"`
	Reason      string  `json:"reason"`
	Impressions int     `json:"impressions"`
	Clicks      int     `json:"clicks"`
}

// searchConsole compares Google's page with heed's for every request of rows that Search Console
// showed a page for; disagreements come most impressions first.
func searchConsole(pageByURL map[string]heed.Page, rows ...[]Request) (*SearchConsoleSummary, []Disagreement) {
	sum := &SearchConsoleSummary{}
	out := []Disagreement{}
	for _, list := range rows {
		for _, r := range list {
			google := r.Evidence.SearchConsolePage
			if google == "" {
				continue
			}
			sum.Queries++
			heedPage := r.URL
			if r.Gap {
				heedPage = ""
			}
			if heedPage != "" && samePage(google, heedPage) {
				sum.Same++
				continue
			}
			out = append(out, Disagreement{Key: r.Key, Text: r.Text, GooglePage: google, GoogleTitle: pageByURL[google].Title,
				HeedPage: heedPage, HeedTitle: pageByURL[heedPage].Title, Gap: r.Gap, Score: r.Score, Reason: r.Reason,
				Impressions: r.Evidence.Impressions, Clicks: r.Evidence.Clicks})
		}
	}
	if sum.Queries == 0 {
		return nil, out
	}
	sum.Agreement = heed.Round(float64(sum.Same)/float64(sum.Queries), 4)
	slices.SortStableFunc(out, func(a, b Disagreement) int {
		return cmp.Or(cmp.Compare(b.Impressions, a.Impressions), cmp.Compare(a.Text, b.Text))
	})
	return sum, out
}

// samePage reports whether two addresses name one page: scheme, a host's case and "www.", a trailing
// slash and the fragment do not tell pages apart.
func samePage(a, b string) bool {
	return pageKey(a) == pageKey(b)
}

func pageKey(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return s
	}
	host := strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	return host + strings.TrimSuffix(u.EscapedPath(), "/") + "?" + u.RawQuery
}

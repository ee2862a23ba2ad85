package responder

import (
	"slices"

	"github.com/heed-dev/heed"
)

// PageTypeFits reports whether a page of type t suits a request classified as c, and if not, what the
// request needs. A page of unknown type always fits: heed cannot tell.
func PageTypeFits(c heed.Classification, t heed.PageType) (string, bool) {
	if t == heed.PageUnknown || t == heed.PageOther {
		return "", true
	}
	if n, ok := heed.ModifierNeed(c); ok {
		return n.Need, slices.Contains(n.Types, t)
	}
	if n, ok := heed.IntentNeed(c.Intent); ok {
		return n.Need, slices.Contains(n.Types, t)
	}
	// Informational and navigational requests: any page with content will do, but not a bare sign-in
	// form.
	if t == heed.PageLogin {
		return "a page that explains it", c.Intent == heed.Navigational
	}
	return "", true
}

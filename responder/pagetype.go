package responder

import (
	"slices"

	"github.com/heed-dev/heed"
)

// typeRule says which page types can answer requests with a modifier or intent.
type typeRule struct {
	need  string          // what the request needs, in words
	types []heed.PageType // page types that serve it
}

// modifierRules are checked in order; the first modifier a request carries decides.
var modifierRules = []struct {
	modifier string
	rule     typeRule
}{
	{"local", typeRule{"a location page", []heed.PageType{heed.PageLocation}}},
	{"login", typeRule{"a sign-in page or an account guide", []heed.PageType{heed.PageLogin, heed.PageSupport, heed.PageFAQ, heed.PageGuide}}},
	{"buy", typeRule{"a product or pricing page", []heed.PageType{heed.PageProduct, heed.PagePricing}}},
	{"price", typeRule{"a pricing or product page", []heed.PageType{heed.PagePricing, heed.PageProduct, heed.PageFAQ, heed.PageComparison}}},
	{"comparison", typeRule{"a comparison page", []heed.PageType{heed.PageComparison, heed.PageArticle, heed.PageProduct}}},
	{"refund", typeRule{"a support page", []heed.PageType{heed.PageSupport, heed.PageFAQ, heed.PageGuide, heed.PageContact}}},
	{"cancel", typeRule{"a support page", []heed.PageType{heed.PageSupport, heed.PageFAQ, heed.PageGuide, heed.PageContact, heed.PageLogin}}},
}

// intentRules apply when no modifier decided.
var intentRules = map[heed.Intent]typeRule{
	heed.Transactional: {"a product, pricing or sign-in page", []heed.PageType{heed.PageProduct, heed.PagePricing, heed.PageLogin, heed.PageSupport, heed.PageContact, heed.PageLocation, heed.PageGuide, heed.PageFAQ}},
	heed.Commercial:    {"a product, comparison or review page", []heed.PageType{heed.PageProduct, heed.PagePricing, heed.PageComparison, heed.PageArticle, heed.PageGuide, heed.PageFAQ, heed.PageSupport}},
}

// PageTypeFits reports whether a page of type t suits a request classified as c, and if not, what the
// request needs. A page of unknown type always fits: heed cannot tell.
func PageTypeFits(c heed.Classification, t heed.PageType) (string, bool) {
	if t == heed.PageUnknown || t == heed.PageOther {
		return "", true
	}
	for _, r := range modifierRules {
		if slices.Contains(c.Modifiers, r.modifier) {
			return r.rule.need, slices.Contains(r.rule.types, t)
		}
	}
	if r, ok := intentRules[c.Intent]; ok {
		return r.need, slices.Contains(r.types, t)
	}
	// Informational and navigational requests: any page with content will do, but not a bare sign-in
	// form.
	if t == heed.PageLogin {
		return "a page that explains it", c.Intent == heed.Navigational
	}
	return "", true
}

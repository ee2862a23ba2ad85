package heed

import "slices"

// PageNeed is the kind of page a request needs: what it is in words, and the page types that serve it,
// the most fitting first. The responder checks a matched page against it; triage suggests the first type
// for a topic's new page.
type PageNeed struct {
	Need  string
	Types []PageType
}

// modifierNeeds are checked in order; the first modifier a request carries decides.
var modifierNeeds = []struct {
	modifier Modifier
	need     PageNeed
}{
	{ModLocal, PageNeed{"a location page", []PageType{PageLocation}}},
	{ModLogin, PageNeed{"a sign-in page or an account guide", []PageType{PageLogin, PageSupport, PageFAQ, PageGuide}}},
	{ModBuy, PageNeed{"a product or pricing page", []PageType{PageProduct, PagePricing}}},
	{ModPrice, PageNeed{"a pricing or product page", []PageType{PagePricing, PageProduct, PageFAQ, PageComparison}}},
	{ModComparison, PageNeed{"a comparison page", []PageType{PageComparison, PageArticle, PageProduct}}},
	{ModRefund, PageNeed{"a support page", []PageType{PageSupport, PageFAQ, PageGuide, PageContact}}},
	{ModCancel, PageNeed{"a support page", []PageType{PageSupport, PageFAQ, PageGuide, PageContact, PageLogin}}},
}

// ModifierNeed is the page a request's modifiers ask for (a price asks for a pricing or product page), by
// the first modifier that decides; false when none does.
func ModifierNeed(c Classification) (PageNeed, bool) {
	for _, r := range modifierNeeds {
		if slices.Contains(c.Modifiers, r.modifier) {
			return r.need, true
		}
	}
	return PageNeed{}, false
}

// IntentNeed is the page an intent asks for when no modifier decided: transactional and commercial
// requests need pages of certain types; false for the others, which any page with content can answer.
func IntentNeed(in Intent) (PageNeed, bool) {
	switch in {
	case Transactional:
		return PageNeed{"a product, pricing or sign-in page", []PageType{PageProduct, PagePricing, PageLogin, PageSupport, PageContact, PageLocation, PageGuide, PageFAQ}}, true
	case Commercial:
		return PageNeed{"a product, comparison or review page", []PageType{PageProduct, PagePricing, PageComparison, PageArticle, PageGuide, PageFAQ, PageSupport}}, true
	}
	return PageNeed{}, false
}

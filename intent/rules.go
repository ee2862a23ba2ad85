package intent

import (
	"regexp"
	"strings"

	"github.com/heed-dev/heed"
)

// Modifiers lists every modifier the classifier reports, in the order it reports them.
var Modifiers = []string{"price", "local", "best", "review", "comparison", "how_to", "free", "buy", "login",
	"cancel", "refund", "complaint", "year"}

// modifierPhrases are the word sequences that reveal each modifier.
var modifierPhrases = map[string][]string{
	"price": {"price", "prices", "pricing", "cost", "costs", "how much", "cheap", "cheapest", "cheaper", "fee",
		"fees", "rates", "affordable", "budget", "finance", "financing", "monthly payment"},
	"local": {"near me", "nearby", "near you", "closest", "nearest", "open now", "opening hours", "opening times",
		"directions to", "store locator", "shop near", "location", "locations"},
	"best":       {"best", "top", "top 10", "top ten", "greatest", "recommended"},
	"review":     {"review", "reviews", "rating", "ratings", "worth it", "reddit", "pros and cons", "opinions"},
	"comparison": {"vs", "vs.", "versus", "compare", "comparison", "compared", "alternative", "alternatives", "difference between", "or better"},
	"how_to":     {"how to", "how do i", "how do you", "how can i", "how can you", "guide", "tutorial", "step by step", "instructions"},
	"free":       {"free", "for free", "free trial", "no cost"},
	"buy": {"buy", "buying", "purchase", "order", "for sale", "shop", "deal", "deals", "discount", "coupon",
		"coupons", "promo code", "voucher", "in stock", "sale"},
	"login":     {"login", "log in", "logon", "sign in", "signin", "sign up", "signup", "my account", "account", "password", "register"},
	"cancel":    {"cancel", "cancellation", "cancelling", "canceling", "unsubscribe", "close account", "delete account"},
	"refund":    {"refund", "refunds", "return", "returns", "money back", "chargeback"},
	"complaint": {"complaint", "complaints", "complain", "scam", "worst", "terrible", "awful", "never replied", "still waiting", "no response", "rip off", "ripoff", "ombudsman"},
}

// orderAfterSale are words that make "order" about an order already placed.
var orderAfterSale = map[string]bool{"track": true, "tracking": true, "status": true, "where": true, "late": true,
	"delayed": true, "cancel": true, "number": true, "history": true, "my": true}

var yearRE = regexp.MustCompile(`^(19[5-9][0-9]|20[0-9][0-9])$`)

// modifiers returns the modifiers the words carry, in the order of Modifiers, and why.
func modifiers(w []string) ([]string, []string) {
	found := []string{}
	var why []string
	for _, m := range Modifiers {
		if m == "year" {
			for _, x := range w {
				if yearRE.MatchString(x) {
					found = append(found, m)
					why = append(why, "modifier:year="+x)
					break
				}
			}
			continue
		}
		for _, p := range modifierPhrases[m] {
			if hasPhrase(w, strings.Fields(p)) {
				if m == "buy" && p == "order" && hasAny(w, orderAfterSale) {
					continue // "track my order", "order status": the buying is done
				}
				found = append(found, m)
				break
			}
		}
	}
	return found, why
}

// modifierIntent is the intent a modifier is evidence of, and how strongly.
var modifierIntent = map[string]struct {
	intent heed.Intent
	weight float64
}{
	"price":      {heed.Commercial, 1.5},
	"best":       {heed.Commercial, 2},
	"review":     {heed.Commercial, 2},
	"comparison": {heed.Commercial, 2},
	"buy":        {heed.Transactional, 2.5},
	"free":       {heed.Transactional, 0.5},
	"login":      {heed.Navigational, 1.5},
	"local":      {heed.Transactional, 1.5},
	"cancel":     {heed.Transactional, 1.5},
	"refund":     {heed.Transactional, 1},
	"how_to":     {heed.Informational, 1.5},
}

// verbs are actions that reveal what the person wants to do.
var verbs = []struct {
	words  []string
	intent heed.Intent
	weight float64
}{
	{[]string{"download"}, heed.Transactional, 2.5},
	{[]string{"subscribe"}, heed.Transactional, 2},
	{[]string{"book"}, heed.Transactional, 1.5},
	{[]string{"booking"}, heed.Transactional, 1.5},
	{[]string{"apply"}, heed.Transactional, 1.5},
	{[]string{"install"}, heed.Transactional, 1},
	{[]string{"watch"}, heed.Transactional, 1.5},
	{[]string{"stream"}, heed.Transactional, 1.5},
	{[]string{"upgrade"}, heed.Transactional, 1},
	{[]string{"renew"}, heed.Transactional, 1.5},
	{[]string{"track", "order"}, heed.Transactional, 1},
	{[]string{"contact"}, heed.Navigational, 1},
	{[]string{"customer", "service"}, heed.Navigational, 1},
	{[]string{"phone", "number"}, heed.Navigational, 1},
	{[]string{"website"}, heed.Navigational, 1.5},
	{[]string{"official", "site"}, heed.Navigational, 2},
	{[]string{"homepage"}, heed.Navigational, 2},
}

// siteWords, next to a brand, make a request navigational: the person wants a place on the brand's site.
var siteWords = map[string]bool{
	"login": true, "log": true, "signin": true, "sign": true, "account": true, "app": true, "website": true,
	"site": true, "contact": true, "support": true, "help": true, "careers": true, "jobs": true, "store": true,
	"stores": true, "shop": true, "portal": true, "official": true, "homepage": true, "customer": true,
	"phone": true, "number": true, "email": true, "address": true, "hours": true,
}

// questionType decides the kind of answer a request asks for, and why.
func questionType(w []string) (heed.QuestionType, string) {
	if len(w) == 0 {
		return heed.QNone, ""
	}
	first := w[0]
	has := func(p string) bool { return hasPhrase(w, strings.Fields(p)) }
	switch {
	case has("vs") || has("versus") || has("difference between") || has("compare") || has("compared to"):
		return heed.QComparison, "qtype:comparison-word"
	case has("not working") || has("won't") || has("wont") || has("doesn't") || has("not charging") ||
		has("error") || has("problem") || has("fix") || has("broken") || has("stopped") || has("keeps") ||
		has("can't") || has("cannot") || has("fails") || has("failed") || has("not connecting") || has("troubleshoot"):
		return heed.QTroubleshooting, "qtype:trouble-word"
	case has("stand for") || has("stands for") || has("abbreviation") || has("acronym"):
		return heed.QAbbreviation, "qtype:abbreviation"
	case has("how many") || has("how much") || has("how long") || has("how far") || has("how old") ||
		has("how big") || has("how fast") || has("how heavy") || has("what percentage"):
		return heed.QNumber, "qtype:how-many"
	case has("how to") || first == "how":
		return heed.QHowTo, "qtype:how"
	case first == "why":
		return heed.QReason, "qtype:why"
	case first == "who" || first == "whom" || first == "whose":
		return heed.QPerson, "qtype:who"
	case first == "where":
		return heed.QPlace, "qtype:where"
	case first == "when" || has("what year") || has("what time") || has("what date"):
		return heed.QTime, "qtype:when"
	case has("what is") || has("what are") || has("what's") || has("meaning") || has("define") || has("definition"):
		return heed.QDefinition, "qtype:what-is"
	case first == "what" || first == "which":
		return heed.QEntity, "qtype:what"
	case yesNoStarts[first] && len(w) > 1:
		return heed.QYesNo, "qtype:auxiliary-first"
	}
	return heed.QNone, ""
}

var yesNoStarts = map[string]bool{"is": true, "are": true, "can": true, "does": true, "do": true, "will": true,
	"should": true, "was": true, "were": true, "could": true, "would": true, "has": true, "have": true, "did": true}

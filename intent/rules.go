package intent

import (
	"regexp"
	"slices"
	"strings"

	"github.com/heed-dev/heed"
)

// modifierPhrases are the word sequences that reveal each modifier (heed.ModYear is a year instead).
var modifierPhrases = map[heed.Modifier][]string{
	heed.ModPrice: {"price", "prices", "pricing", "cost", "costs", "how much", "cheap", "cheapest", "cheaper", "fee",
		"fees", "rates", "affordable", "budget", "finance", "financing", "monthly payment",
		"preis", "preise", "kosten", "günstig", "prix", "coût", "tarif", "pas cher", "precio", "precios", "costo",
		"barato", "prezzo", "costo", "preço", "prijs"},
	heed.ModLocal: {"near me", "nearby", "near you", "closest", "nearest", "open now", "opening hours", "opening times",
		"directions to", "store locator", "shop near", "location", "locations",
		"in der nähe", "près de moi", "à proximité", "cerca de mí", "cerca de mi", "vicino a me", "perto de mim", "in de buurt"},
	heed.ModBest: {"best", "top", "top 10", "top ten", "greatest", "recommended",
		"beste", "besten", "bester", "meilleur", "meilleure", "meilleurs", "mejor", "mejores", "migliore", "migliori", "melhor", "melhores"},
	heed.ModReview: {"review", "reviews", "rating", "ratings", "worth it", "reddit", "pros and cons", "opinions",
		"bewertung", "bewertungen", "erfahrungen", "avis", "opiniones", "reseña", "recensione", "recensioni", "avaliação"},
	heed.ModComparison: {"vs", "vs.", "versus", "compare", "comparison", "compared", "alternative", "alternatives", "difference between", "or better",
		"vergleich", "comparatif", "comparaison", "comparación", "comparar", "confronto", "comparação"},
	heed.ModHowTo: {"how to", "how do i", "how do you", "how can i", "how can you", "guide", "tutorial", "step by step", "instructions",
		"wie man", "anleitung", "comment faire", "tutoriel", "cómo hacer", "como hacer", "tutorial", "come fare", "como fazer"},
	heed.ModFree: {"free", "for free", "free trial", "no cost", "gratis", "kostenlos", "kostenlose", "gratuit", "gratuite", "gratuito", "gratuita", "grátis"},
	heed.ModBuy: {"buy", "buying", "purchase", "order", "for sale", "shop", "deal", "deals", "discount", "coupon",
		"coupons", "promo code", "voucher", "in stock", "sale", "kaufen", "bestellen", "angebot", "acheter", "commander",
		"comprar", "pedir", "comprare", "ordinare", "kopen"},
	heed.ModLogin: {"login", "log in", "logon", "sign in", "signin", "sign up", "signup", "my account", "account", "password", "register",
		"anmelden", "einloggen", "konto", "connexion", "se connecter", "compte", "iniciar sesión", "mi cuenta", "accedi", "inloggen"},
	heed.ModCancel: {"cancel", "cancellation", "cancelling", "canceling", "unsubscribe", "close account", "delete account",
		"kündigen", "kündigung", "annuler", "résilier", "résiliation", "cancelar", "darse de baja", "disdire", "opzeggen"},
	heed.ModRefund: {"refund", "refunds", "return", "returns", "money back", "chargeback",
		"rückerstattung", "erstattung", "remboursement", "rembourser", "reembolso", "devolución", "rimborso", "terugbetaling"},
	heed.ModComplaint: {"complaint", "complaints", "complain", "scam", "worst", "terrible", "awful", "never replied", "still waiting", "no response", "rip off", "ripoff", "ombudsman",
		"beschwerde", "betrug", "plainte", "réclamation", "arnaque", "queja", "reclamación", "estafa", "reclamo", "truffa", "klacht"},
}

// modifierWords are modifierPhrases split into words, once, by index in heed.Modifiers.
var modifierWords = func() [][][]string {
	out := make([][][]string, len(heed.Modifiers))
	for i, m := range heed.Modifiers {
		for _, p := range modifierPhrases[m] {
			out[i] = append(out[i], strings.Fields(p))
		}
	}
	return out
}()

// orderAfterSale are words that make "order" about an order already placed.
var orderAfterSale = map[string]bool{"track": true, "tracking": true, "status": true, "where": true, "late": true,
	"delayed": true, "cancel": true, "number": true, "history": true, "my": true}

var yearRE = regexp.MustCompile(`^(19[5-9][0-9]|20[0-9][0-9])$`)

// modifierCue is one modifier phrase, indexed by its first word.
type modifierCue struct {
	mod    int      // index in heed.Modifiers
	words  []string // the phrase
	phrase string
}

// modifierStarts maps a phrase's first word to the phrases it starts: a request is read word by word
// instead of every phrase being looked for in it.
var modifierStarts = func() map[string][]modifierCue {
	out := map[string][]modifierCue{}
	for mi, m := range heed.Modifiers {
		for i, p := range modifierPhrases[m] {
			ws := modifierWords[mi][i]
			if len(ws) > 0 {
				out[ws[0]] = append(out[ws[0]], modifierCue{mi, ws, p})
			}
		}
	}
	return out
}()

// modifiers returns the modifiers the words carry, in the order of heed.Modifiers, and why.
func modifiers(w []string) ([]heed.Modifier, []string) {
	var hit [64]bool // heed.Modifiers has fewer than 64 entries
	for i, x := range w {
		for _, c := range modifierStarts[x] {
			if hit[c.mod] || i+len(c.words) > len(w) || !slices.Equal(w[i:i+len(c.words)], c.words) {
				continue
			}
			if heed.Modifiers[c.mod] == heed.ModBuy && c.phrase == "order" && hasAny(w, orderAfterSale) {
				continue // "track my order", "order status": the buying is done
			}
			hit[c.mod] = true
		}
	}
	found := []heed.Modifier{}
	var why []string
	for mi, m := range heed.Modifiers {
		if m == heed.ModYear {
			for _, x := range w {
				if yearRE.MatchString(x) {
					found = append(found, m)
					why = append(why, "modifier:year="+x)
					break
				}
			}
			continue
		}
		if hit[mi] {
			found = append(found, m)
		}
	}
	return found, why
}

// foreignQuestionWords are the question words of other languages, by the English one they mean. Words
// that are also English words of another use ("was", "come", "wie" in Dutch) are left out.
var foreignQuestionWords = map[string]string{
	"wie": "how", "comment": "how", "cómo": "how", "como": "how", "hoe": "how",
	"qué": "what", "que": "what", "quoi": "what", "cosa": "what", "wat": "what", "qu'est-ce": "what",
	"warum": "why", "wieso": "why", "weshalb": "why", "pourquoi": "why", "porqué": "why", "perché": "why", "waarom": "why",
	"wann": "when", "quand": "when", "cuándo": "when", "cuando": "when", "quando": "when", "wanneer": "when",
	"wo": "where", "wohin": "where", "où": "where", "dónde": "where", "donde": "where", "dove": "where", "onde": "where", "waar": "where",
	"wer": "who", "qui": "who", "quién": "who", "quien": "who", "chi": "who", "quem": "who",
	"welche": "which", "welcher": "which", "welches": "which", "quel": "which", "quelle": "which", "cuál": "which",
	"cual": "which", "quale": "which", "qual": "which", "welke": "which",
}

// questionType decides the kind of answer a request asks for, and why.
func questionType(w []string) (heed.QuestionType, string) {
	if len(w) == 0 {
		return heed.QNone, ""
	}
	first := w[0]
	if en, ok := foreignQuestionWords[first]; ok {
		first = en
		if len(w) > 1 && (w[1] == "viel" || w[1] == "viele" || w[1] == "lange" || w[1] == "cuánto" || w[1] == "combien") {
			return heed.QNumber, "qtype:how-many"
		}
	}
	if first == "combien" || first == "cuánto" || first == "cuántos" || first == "quanto" || first == "quantos" {
		return heed.QNumber, "qtype:how-many"
	}
	if first == "por" && len(w) > 1 && w[1] == "qué" {
		first = "why"
	}
	has := func(p string) bool { return containsPhrase(w, p) }
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

// containsPhrase reports whether the words w hold the words of p (single spaces apart) in a row: what
// hasPhrase(w, strings.Fields(p)) says, without splitting p on every call.
func containsPhrase(w []string, p string) bool {
	if strings.IndexByte(p, ' ') < 0 {
		return slices.Contains(w, p)
	}
	for i := range w {
		rest, j := p, i
		for {
			tok, more, found := strings.Cut(rest, " ")
			if j >= len(w) || w[j] != tok {
				break
			}
			if !found {
				return true
			}
			rest, j = more, j+1
		}
	}
	return false
}

package triage

import (
	"slices"
	"strings"

	"github.com/heed-dev/heed"
)

// Service issues are requests that report a failure of the product or the service as someone lives it
// ("support never answered my ticket", "card declined again"): no page fixes them, so they go to the
// teams that run the service instead of into the content gaps. A request is one when the classifier
// found a complaint, or when it names a failure together with a sign that it is happening to the asker
// (again, still, for days, twice, my order ...) rather than asking how things work ("why can a card be
// declined" stays a content question).

// failures are words and phrases that say something went wrong, in English and the other main languages
// of the crawls.
var failures = []string{
	"declined", "rejected", "refused", "failed", "fails", "failing", "not working", "doesn't work",
	"does not work", "isn't working", "stopped working", "won't", "can't", "cannot", "unable", "broken",
	"never arrived", "never received", "never came", "not arrived", "not received", "missing", "lost",
	"stuck", "blocked", "locked out", "frozen", "down", "outage", "error", "charged twice", "double charged",
	"overcharged", "wrong charge", "no refund", "not refunded", "delayed", "late", "cancelled my",
	"never answered", "never replied", "never responded", "no answer", "no reply", "no response",
	"ignored", "hung up", "on hold",
	// de, fr, es, it, nl, pt
	"funktioniert nicht", "abgelehnt", "nicht angekommen", "keine antwort", "ne marche pas",
	"ne fonctionne pas", "refusée", "refusé", "pas reçu", "aucune réponse", "no funciona", "rechazada",
	"no llegó", "sin respuesta", "non funziona", "rifiutata", "nessuna risposta", "werkt niet",
	"geweigerd", "geen antwoord", "não funciona", "recusado", "sem resposta",
}

// personal are signs that the failure is happening to the asker, now and repeatedly: a first person alone
// is not one ("why was my card declined" is a question a page answers).
var personal = []string{
	"again", "still", "twice", "yet again", "every time", "keeps", "for days", "for weeks", "for hours",
	"since yesterday", "since monday", "today", "right now", "weeks ago", "days ago", "hours ago",
	"wieder", "immer noch", "encore", "toujours", "otra vez", "todavía", "ancora", "di nuovo", "weer",
	"nog steeds", "de novo",
}

// outright are phrases that are service issues on their own.
var outright = []string{
	"never answered", "never replied", "never responded", "no response from", "charged twice",
	"double charged", "still waiting", "still not", "is down", "outage", "scam", "worst service",
	"worst customer service", "keine antwort", "aucune réponse", "sin respuesta", "nessuna risposta",
	"geen antwoord", "sem resposta",
}

// IsServiceIssue reports whether a request reports a failure of the service rather than asking for
// content, and names the words that show it.
func IsServiceIssue(text string, c heed.Classification) (bool, string) {
	if slices.Contains(c.Modifiers, heed.ModComplaint) {
		return true, "a complaint"
	}
	s := " " + strings.ToLower(strings.Join(strings.Fields(text), " ")) + " "
	if strings.HasPrefix(s, " is ") && strings.HasSuffix(s, " down ") {
		return true, "“is … down”"
	}
	for _, p := range outright {
		if containsWords(s, p) {
			return true, "“" + p + "”"
		}
	}
	for _, f := range failures {
		if !containsWords(s, f) {
			continue
		}
		for _, p := range personal {
			if containsWords(s, p) {
				return true, "“" + f + "” with “" + p + "”"
			}
		}
	}
	return false, ""
}

// containsWords reports whether s (padded with spaces) holds phrase p as whole words.
func containsWords(s, p string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], p)
		if j < 0 {
			return false
		}
		j += i
		before, after := j-1, j+len(p)
		if (before < 0 || !isWordByte(s[before])) && (after >= len(s) || !isWordByte(s[after])) {
			return true
		}
		i = j + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80
}

// serviceWords are the words that say what failed, by kind (heed.ServiceKinds), checked in this order:
// "charged twice for a broken battery" is billing before it is a defect.
var serviceWords = []struct {
	kind  string
	words []string
}{
	{"billing", []string{"charged twice", "charged me", "was charged", "been charged", "double charged", "overcharged",
		"refund", "refunded", "refunds", "invoice", "bill", "billed", "billing", "payment", "paid", "card", "declined",
		"subscription", "money back", "direct debit",
		"rückerstattung", "remboursement", "reembolso", "rimborso", "terugbetaling", "reembolso"}},
	{"account_access", []string{"login", "log in", "logged out", "sign in", "signin", "password", "locked out", "account",
		"2fa", "two factor", "verification code", "reset link", "otp", "anmelden", "passwort", "connexion", "mot de passe",
		"contraseña", "iniciar sesión", "accesso", "wachtwoord", "senha"}},
	{"delivery", []string{"delivery", "delivered", "deliver", "shipping", "shipped", "shipment", "arrived", "arrive", "parcel",
		"package", "order", "courier", "tracking", "dispatch", "dispatched", "lieferung", "livraison", "colis", "envío",
		"pedido", "consegna", "bezorging", "entrega"}},
	{"support", []string{"never answered", "never replied", "never responded", "no reply", "no response", "no answer",
		"on hold", "hung up", "support", "customer service", "ticket", "agent", "ignored", "keine antwort", "aucune réponse",
		"sin respuesta", "nessuna risposta", "geen antwoord", "sem resposta"}},
	{"defect", []string{"broken", "broke", "not working", "doesn't work", "does not work", "isn't working", "stopped working",
		"won't turn on", "won't charge", "defect", "defective", "faulty", "crash", "crashes", "error", "dead", "died",
		"leaking", "cracked", "funktioniert nicht", "ne marche pas", "ne fonctionne pas", "no funciona", "non funziona",
		"werkt niet", "não funciona", "kaputt", "cassé", "roto"}},
}

// ServiceKind says what a service issue reports failed: one of heed.ServiceKinds ("other" when no
// kind's words are in it).
func ServiceKind(text string) string {
	s := " " + strings.ToLower(strings.Join(strings.Fields(text), " ")) + " "
	for _, k := range serviceWords {
		for _, w := range k.words {
			if containsWords(s, w) {
				return k.kind
			}
		}
	}
	return "other"
}

// ServiceTopics groups the service issues no kind's words name ("other", see ServiceKind) into topics
// by meaning (or by words without vectors), as gaps are grouped: what failed, in the customers' words.
// Call it after Sort, which sorts the service issues out.
func (t *Triage) ServiceTopics(cases []heed.Case) []heed.Topic {
	var items []GapItem
	for _, c := range cases {
		if c.Fate == heed.FateService && c.ServiceKind == "other" {
			items = append(items, GapItem{Key: c.Key, Text: c.Text, Class: c.Class, Kind: c.Match.GapKind, Demand: c.Demand, Vec: c.Vector})
		}
	}
	return Cluster(items, t.an)
}

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

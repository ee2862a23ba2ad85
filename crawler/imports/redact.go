package imports

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Redactor takes personal data out of what customers wrote to the organisation (help-desk tickets,
// site searches) before it is stored: e-mail addresses, phone numbers, card and account numbers, the
// query strings of links (where tokens and session ids travel) and whatever patterns the config adds.
// Each is replaced by a placeholder that says what was there, so the request still reads as a request.
type Redactor struct {
	extra []*regexp.Regexp
}

// The placeholders.
const (
	RedactedEmail   = "[email]"
	RedactedPhone   = "[phone]"
	RedactedNumber  = "[number]"
	RedactedAccount = "[account]"
	RedactedLink    = "[link]"
	Redacted        = "[redacted]"
)

// NewRedactor returns a redactor that also replaces every match of patterns (Go regular expressions,
// from the config).
func NewRedactor(patterns []string) (*Redactor, error) {
	r := &Redactor{}
	for i, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("redact pattern %d %q: %w", i+1, p, err)
		}
		r.extra = append(r.extra, re)
	}
	return r, nil
}

var (
	emailRe = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+`)
	linkRe  = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"'\[\]]+`)
	ibanRe  = regexp.MustCompile(`\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b`)
	// A run of digits, with spaces, dots, dashes, slashes or brackets between them, and a leading +.
	digitsRe = regexp.MustCompile(`\+?\(?\d[\d .\-/()]{5,}\d`)
)

// Text returns s with personal data replaced.
func (r *Redactor) Text(s string) string {
	if r == nil || s == "" {
		return s
	}
	s = linkRe.ReplaceAllStringFunc(s, redactLink)
	s = emailRe.ReplaceAllString(s, RedactedEmail)
	s = ibanRe.ReplaceAllString(s, RedactedAccount)
	s = digitsRe.ReplaceAllStringFunc(s, redactDigits)
	for _, re := range r.extra {
		s = re.ReplaceAllString(s, Redacted)
	}
	return s
}

// redactLink keeps a link's host and path (what page it is) and drops its query and fragment, where
// tokens, session ids and e-mail addresses travel; a link that does not parse goes whole.
func redactLink(s string) string {
	trail := ""
	for strings.ContainsAny(s[len(s)-1:], ".,;:!?)") {
		trail = s[len(s)-1:] + trail
		s = s[:len(s)-1]
		if s == "" {
			return trail
		}
	}
	raw := s
	if !strings.Contains(strings.ToLower(raw), "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return RedactedLink + trail
	case u.Host == "" && u.RawQuery == "" && u.Fragment == "" && u.User == nil:
		return s + trail // "https://" and nothing a link could carry
	}
	if u.User == nil && u.RawQuery == "" && u.Fragment == "" {
		return s + trail
	}
	u.User = nil // user:password@host
	q := u.RawQuery != "" || u.Fragment != ""
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	if !q {
		return u.String() + trail
	}
	return u.String() + "?" + Redacted + trail
}

// redactDigits replaces a run of digits that can only be personal: 7 to 15 digits is a phone number,
// 12 to 19 grouped as cards are printed a card or account number, longer ones an account. Shorter runs
// (a year, a price, a model number) stay.
func redactDigits(s string) string {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	switch {
	case n < 7:
		return s
	case n >= 12 && n <= 19 && !strings.HasPrefix(s, "+") && !strings.Contains(s, "("):
		return RedactedNumber
	case n <= 15:
		return RedactedPhone
	}
	return RedactedNumber
}

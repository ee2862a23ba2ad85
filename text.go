package heed

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultMaxText is the default limit on the length of a request's text, in characters.
const DefaultMaxText = 1000

// CleanText makes untrusted text safe to store and compare: invalid UTF-8 becomes U+FFFD, control
// characters become spaces, surrounding space is trimmed, and text longer than max characters is cut
// (max <= 0 means no limit). It reports whether the text was cut.
func CleanText(s string, max int) (string, bool) {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if !clean {
		var b strings.Builder
		b.Grow(len(s))
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				b.WriteRune(utf8.RuneError)
			case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029':
				b.WriteByte(' ')
			default:
				b.WriteString(s[i : i+size])
			}
			i += size
		}
		s = b.String()
	}
	s = strings.TrimSpace(s)
	if max <= 0 || len(s) <= max {
		return s, false
	}
	n := 0
	for i := range s {
		if n == max {
			return strings.TrimSpace(s[:i]), true
		}
		n++
	}
	return s, false
}

// Normalize returns the key under which sightings of the same request are merged: lower case, runs of
// space collapsed, typographic quotes and dashes made plain, and punctuation around the words dropped
// ("How do I reset my router?" and "how do i reset my router" share a key). Punctuation inside words
// stays ("e-bike", "c++", "node.js").
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch r {
		case '\u2018', '\u2019', '\u02bc', '`', '\u00b4':
			r = '\''
		case '\u201c', '\u201d', '\u00ab', '\u00bb':
			r = '"'
		case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014':
			r = '-'
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	words := strings.Split(b.String(), " ")
	out := words[:0]
	for _, w := range words {
		w = strings.TrimFunc(w, isEdgePunct)
		if w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// isEdgePunct is punctuation that carries no meaning at the edge of a word. '+' and '#' stay ("c++",
// "c#"), as do '$', '%' and '&' when they stand alone.
func isEdgePunct(r rune) bool {
	switch r {
	case '+', '#', '$', '%', '&', '@':
		return false
	}
	return unicode.IsPunct(r)
}

// CountsText writes counts by name as "a=2, b=1", by name, for logs and messages (not Go's map text);
// "none" when there are none.
func CountsText(counts map[string]int) string {
	names := make([]string, 0, len(counts))
	for n, c := range counts {
		if c != 0 {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	slices.Sort(names)
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%d", n, counts[n])
	}
	return b.String()
}

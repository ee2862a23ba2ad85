package imports

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
)

// maxRequest is the longest request taken from a ticket, in characters: a question, not a letter.
const maxRequest = 200

// request is the customer's request in t, redacted by r and at most maxRequest characters long (cut
// reports whether it was cut): the subject, or, when the subject says nothing ("Help", "(no subject)",
// "Re: ..."), the first question of the customer's first message, else its first sentence. Quoted
// replies and signatures are left out. "" when the ticket holds no request.
func request(t ticket, r *Redactor) (text string, cut bool) {
	subject := plainText(t.subject, looksHTML(t.subject))
	text = subject
	if genericSubject(subject) {
		text = question(stripQuoted(plainText(t.body, t.html || looksHTML(t.body))))
		if text == "" {
			if s := replyPrefix.ReplaceAllString(subject, ""); !genericSubject(s) {
				text = s
			}
		}
	}
	if text == "" {
		return "", false
	}
	if r == nil {
		r = &Redactor{}
	}
	// Redacted whole, before it is cut: a cut must not leave half an address behind. Redacted until
	// nothing changes, with HTML entities decoded first, as the crawler decodes them after.
	for range 4 {
		next := r.Text(unescape(text))
		if next == text {
			break
		}
		text = next
	}
	return cutWords(text, maxRequest)
}

// unescape decodes HTML entities until none is left (text encoded twice, &amp;#64;).
func unescape(s string) string {
	for range 4 {
		if strings.IndexByte(s, '&') < 0 {
			return s
		}
		next := html.UnescapeString(s)
		if next == s {
			return s
		}
		s = next
	}
	return s
}

// cutWords cuts s to at most n characters, at a space when there is one in its last fifth.
func cutWords(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	i, k := 0, 0
	for i = range s {
		if k == n {
			break
		}
		k++
	}
	cut := s[:i]
	if sp := strings.LastIndexByte(cut, ' '); sp > len(cut)*4/5 {
		cut = cut[:sp]
	}
	return strings.TrimSpace(cut), true
}

var (
	replyPrefix = regexp.MustCompile(`(?i)^(?:\s*(?:re|fw|fwd|aw|sv|antw|wg|tr)\s*(?:\[\d+\])?\s*:\s*)+`)
	// generic subjects: the help desk's or the customer's placeholder, not a request.
	genericRe    = regexp.MustCompile(`(?i)^(?:re|fw|fwd|aw|sv|antw|wg|tr)\s*:|^(?:(?:missed |incoming |outgoing )?(?:call|chat|conversation|message|voicemail|sms|text)s? (?:with|from|by)\b|new (?:message|ticket|conversation|request)\b|(?:contact|web|support) form\b)`)
	genericWords = map[string]bool{"help": true, "help needed": true, "need help": true, "help please": true, "please help": true,
		"question": true, "questions": true, "a question": true, "quick question": true, "hi": true, "hello": true, "hey": true,
		"support": true, "support request": true, "inquiry": true, "enquiry": true, "query": true, "request": true, "issue": true,
		"problem": true, "urgent": true, "no subject": true, "none": true, "contact": true, "contact us": true, "feedback": true,
		"ticket": true, "info": true, "information": true, "test": true, "hello there": true, "hi there": true}
)

// genericSubject reports whether a subject says nothing of the request: empty, a placeholder such as
// "Help" or "(no subject)", a reply or a forward ("Re: ..."), or the name a help desk gives a chat or a
// call ("Chat with Visitor 123", "Call from +44...").
func genericSubject(s string) bool {
	if genericRe.MatchString(strings.TrimSpace(s)) {
		return true
	}
	w := strings.ToLower(strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}), " "))
	return len(w) < 3 || genericWords[w]
}

var htmlTagRe = regexp.MustCompile(`(?i)<(?:p|br|div|span|a|b|i|u|em|strong|ul|ol|li|table|tr|td|blockquote|h[1-6]|html|body|img)\b[^>]*>`)

// looksHTML reports whether s holds HTML markup.
func looksHTML(s string) bool {
	if len(s) > 64<<10 {
		s = s[:64<<10]
	}
	return strings.IndexByte(s, '<') >= 0 && htmlTagRe.MatchString(s)
}

// plainText is s with its HTML markup taken out when isHTML (block elements ending paragraphs, <br>
// lines; quoted replies, scripts and styles left out) and its entities decoded.
func plainText(s string, isHTML bool) string {
	if !isHTML {
		return strings.TrimSpace(unescape(strings.ToValidUTF8(s, "\ufffd")))
	}
	return strings.TrimSpace(unescape(htmlText(strings.ToValidUTF8(s, "\ufffd"))))
}

// htmlSkip are the elements whose content is not the customer's message.
var htmlSkip = map[string]bool{"script": true, "style": true, "head": true, "title": true, "blockquote": true, "template": true}

var htmlBlock = map[string]bool{"p": true, "div": true, "li": true, "ul": true, "ol": true, "tr": true, "table": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "pre": true, "section": true, "article": true,
	"header": true, "footer": true, "hr": true}

// htmlText is the text of an HTML fragment.
func htmlText(s string) string {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip, depth := "", 0
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return b.String()
		}
		name, _ := z.TagName()
		tag := string(name)
		switch {
		case skip != "":
			if tag == skip && tt == xhtml.StartTagToken {
				depth++
			} else if tag == skip && tt == xhtml.EndTagToken {
				if depth--; depth == 0 {
					skip = ""
				}
			}
		case tt == xhtml.StartTagToken && (htmlSkip[tag] || quoteDiv(z, tag)):
			skip, depth = tag, 1
		case tt == xhtml.TextToken:
			b.Write(z.Text())
		case tag == "br":
			b.WriteString("\n")
		case htmlBlock[tag]:
			b.WriteString("\n\n")
		}
	}
}

// quoteDiv reports whether a start tag is a mail client's quoted reply (class gmail_quote, yahoo_quoted,
// moz-cite-prefix). It reads the tag's attributes.
func quoteDiv(z *xhtml.Tokenizer, tag string) bool {
	if tag != "div" {
		return false
	}
	for {
		k, v, more := z.TagAttr()
		if string(k) == "class" {
			c := string(v)
			if strings.Contains(c, "gmail_quote") || strings.Contains(c, "yahoo_quoted") || strings.Contains(c, "moz-cite-prefix") {
				return true
			}
		}
		if !more {
			return false
		}
	}
}

var (
	wroteRe  = regexp.MustCompile(`(?i)^\s*(?:on\b.*\bwrote:|wrote:|am\b.*\bschrieb.*:|le\b.*\ba écrit\s*:)\s*$`)
	onLineRe = regexp.MustCompile(`(?i)^\s*on\s`)
	stopRe   = regexp.MustCompile(`(?i)^\s*(?:-{2,}\s*original message\s*-{2,}|-- ?|_{10,}|sent from my \w+.*|get outlook for .*)\s*$`)
)

// stripQuoted is a plain-text message without the quoted reply below it ("On ... wrote:", "-----Original
// Message-----", lines starting with ">") and without its signature ("-- ", "Sent from my iPhone").
func stripQuoted(s string) string {
	lines := strings.Split(s, "\n")
	var out []string
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		next := ""
		if i+1 < len(lines) {
			next = lines[i+1]
		}
		if wroteRe.MatchString(l) || stopRe.MatchString(l) || (onLineRe.MatchString(l) && wroteRe.MatchString(strings.TrimSpace(next))) {
			break
		}
		if strings.HasPrefix(l, "From:") && (strings.HasPrefix(next, "Sent:") || strings.HasPrefix(next, "Date:")) {
			break
		}
		if strings.HasPrefix(strings.TrimSpace(l), ">") {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

var (
	paragraphRe = regexp.MustCompile(`\n[ \t\r\f\v\x{a0}]*\n`)
	greetingRe  = regexp.MustCompile(`(?i)^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings|hallo|bonjour)\b[^.!?,:\n]{0,40}(?:[,!:.]\s*|$)`)
	// a sentence ends at . ! or ? (and closing quotes or brackets) before a space or the end: "b.co" and
	// "v2.1" go on.
	sentenceRe = regexp.MustCompile(`.+?(?:[.!?]+["')\]]*(?:\s|$)|$)`)
	thanksRe   = regexp.MustCompile(`(?i)^(?:many |thank you|thanks|cheers|regards|best|kind regards|br)\b`)
)

// question is the first question of a message (a sentence ending in "?"), else its first sentence
// (greetings and thanks left out); "" when it has none.
func question(s string) string {
	first := ""
	for _, para := range paragraphRe.Split(s, -1) {
		para = strings.Join(strings.Fields(para), " ")
		para = strings.TrimSpace(greetingRe.ReplaceAllString(para, ""))
		for _, sent := range sentenceRe.FindAllString(para, -1) {
			sent = strings.TrimSpace(sent)
			if !hasLetter(sent) {
				continue
			}
			if strings.HasSuffix(strings.TrimRight(sent, `"')]`), "?") {
				return sent
			}
			if first == "" && !thanksRe.MatchString(sent) && !greetingRe.MatchString(sent) {
				first = sent
			}
		}
	}
	return first
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// Package analysis turns text into the terms that heed indexes and matches: words split on Unicode
// boundaries, lower-cased, stop words dropped and stems taken per language (Snowball stemmers from
// github.com/blevesearch/snowballstem), diacritics folded.
//
// The same Analyzer must be used for pages and for requests so that their terms meet.
package analysis

import (
	"bufio"
	"embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/danish"
	"github.com/blevesearch/snowballstem/dutch"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/finnish"
	"github.com/blevesearch/snowballstem/french"
	"github.com/blevesearch/snowballstem/german"
	"github.com/blevesearch/snowballstem/italian"
	"github.com/blevesearch/snowballstem/norwegian"
	"github.com/blevesearch/snowballstem/portuguese"
	"github.com/blevesearch/snowballstem/spanish"
	"github.com/blevesearch/snowballstem/swedish"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

//go:embed stopwords/*.txt synonyms/*.txt
var stopFiles embed.FS

// stemmers maps an ISO 639-1 code to its Snowball stemmer.
var stemmers = map[string]func(*snowball.Env) bool{
	"da": danish.Stem, "de": german.Stem, "en": english.Stem, "es": spanish.Stem, "fi": finnish.Stem,
	"fr": french.Stem, "it": italian.Stem, "nl": dutch.Stem, "no": norwegian.Stem, "pt": portuguese.Stem,
	"sv": swedish.Stem,
}

// Languages lists the languages with a stemmer, as ISO 639-1 codes.
func Languages() []string {
	return []string{"da", "de", "en", "es", "fi", "fr", "it", "nl", "no", "pt", "sv"}
}

// Token is one analysed term and its word position in the text (positions count every word, stop words
// included, so that distances between terms are those of the text).
type Token struct {
	Term string
	Word string // the word as written, lower-cased: for explanations
	Pos  int
	// Form says whether the token is a word of its own, the joined form of a compound ("ebike" from
	// "e-bike"), or one part of a compound; a compound's joined form comes first, then its parts.
	Form Form
}

// Form is how a token stands in the text.
type Form uint8

// The forms of a token.
const (
	Word   Form = iota // a word of its own
	Joined             // a compound written as one word
	Part               // one part of a compound
)

// Analyzer analyses text of one language. It is safe for concurrent use.
type Analyzer struct {
	lang string
	stop map[string]bool
	stem func(*snowball.Env) bool
	envs sync.Pool
	// elides is true where an apostrophe ends a word rather than joining two (French, Italian).
	elides bool

	bgOnce sync.Once
	bg     map[string]float64

	stemMu sync.RWMutex
	stems  map[string]string // word -> term ("" for none)

	synOnce sync.Once
	syn     map[string][]string
	canon   map[string]string
}

// New returns the analyzer for lang (an ISO 639-1 code, or a tag such as "en-GB"). A language without a
// stemmer gets one that only splits, lower-cases and folds; the empty string means English.
func New(lang string) *Analyzer {
	lang = strings.ToLower(lang)
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	if lang == "" {
		lang = "en"
	}
	a := &Analyzer{lang: lang, stem: stemmers[lang], stop: map[string]bool{}, elides: lang == "fr" || lang == "it"}
	a.envs.New = func() any { return snowball.NewEnv("") }
	if f, err := stopFiles.Open("stopwords/" + lang + ".txt"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			w := strings.TrimSpace(sc.Text())
			if w != "" && !strings.HasPrefix(w, "#") {
				a.stop[w] = true
			}
		}
		f.Close()
	}
	return a
}

// Lang is the analyzer's language code.
func (a *Analyzer) Lang() string { return a.lang }

// IsStop reports whether the lower-cased word w is a stop word of the analyzer's language.
func (a *Analyzer) IsStop(w string) bool { return a.stop[w] }

// Terms returns the analysed terms of text, in order.
func (a *Analyzer) Terms(text string) []string {
	toks := a.Analyze(nil, text)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Term
	}
	return out
}

// Analyze appends the tokens of text to dst. Words joined by a hyphen, a full stop or an underscore
// ("e-bike", "node.js") give the joined word ("ebike") at the first part's position and then their parts,
// so that every way of writing them meets.
func (a *Analyzer) Analyze(dst []Token, text string) []Token {
	pos := 0
	var parts []string
	var word strings.Builder
	flushWord := func() {
		if word.Len() == 0 {
			return
		}
		parts = append(parts, word.String())
		word.Reset()
	}
	flush := func() {
		flushWord()
		if len(parts) == 0 {
			return
		}
		form := Word
		if len(parts) > 1 {
			form = Part
			if t, ok := a.term(strings.Join(parts, "")); ok {
				dst = append(dst, Token{Term: t, Word: strings.Join(parts, "-"), Pos: pos, Form: Joined})
			}
		}
		for _, p := range parts {
			if t, ok := a.term(p); ok {
				dst = append(dst, Token{Term: t, Word: p, Pos: pos, Form: form})
			}
			pos++
		}
		parts = parts[:0]
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || (unicode.Is(unicode.Mn, r) && word.Len() > 0):
			word.WriteRune(unicode.ToLower(r))
		case isApostrophe(r) && word.Len() > 0 && i < len(text) && nextIsLetter(text[i:]):
			if a.elides {
				flush() // French and Italian elision: "l'eau" is "l" and "eau"
			} else {
				word.WriteByte('\'')
			}
		case (r == '.' || r == ',') && endsWithDigit(&word) && i < len(text) && nextIsDigit(text[i:]):
			word.WriteRune(r) // a decimal number stays one word
		case isJoiner(r) && word.Len() > 0 && i < len(text) && nextIsWordChar(text[i:]):
			flushWord()
		default:
			flush()
		}
	}
	flush()
	return dst
}

// maxStemCache bounds the memo of stems: words repeat (a site's vocabulary is a few hundred thousand
// words), hostile text does not get to grow it without end.
const maxStemCache = 1 << 20

// term turns one lower-cased word into its term: false for a stop word. Stems are remembered.
func (a *Analyzer) term(w string) (string, bool) {
	if a.stop[w] {
		return "", false
	}
	a.stemMu.RLock()
	t, ok := a.stems[w]
	a.stemMu.RUnlock()
	if ok {
		return t, t != ""
	}
	t, ok = a.stemWord(w)
	a.stemMu.Lock()
	if a.stems == nil {
		a.stems = map[string]string{}
	}
	if len(a.stems) < maxStemCache {
		a.stems[strings.Clone(w)] = t
	}
	a.stemMu.Unlock()
	return t, ok
}

func (a *Analyzer) stemWord(w string) (string, bool) {
	if a.stem != nil && len(w) > 2 {
		env := a.envs.Get().(*snowball.Env)
		env.SetCurrent(w)
		a.stem(env)
		w = env.Current()
		a.envs.Put(env)
	}
	if strings.IndexByte(w, '\'') >= 0 {
		w = strings.ReplaceAll(w, "'", "")
	}
	w = Fold(w)
	return w, w != ""
}

// Fold removes diacritics ("café" becomes "cafe"); ASCII text is returned as it is.
func Fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
			out, _, err := transform.String(t, s)
			if err != nil {
				return s
			}
			return strings.ReplaceAll(out, "ß", "ss")
		}
	}
	return s
}

func isApostrophe(r rune) bool { return r == '\'' || r == '\u2019' || r == '\u02bc' }

func isJoiner(r rune) bool { return r == '-' || r == '.' || r == '_' || r == '\u2010' || r == '\u2011' }

func nextIsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

func nextIsDigit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsDigit(r)
}

func endsWithDigit(b *strings.Builder) bool {
	s := b.String()
	r, _ := utf8.DecodeLastRuneInString(s)
	return s != "" && unicode.IsDigit(r)
}

func nextIsWordChar(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// String describes the analyzer, for logs.
func (a *Analyzer) String() string {
	stem := "no stemmer"
	if a.stem != nil {
		stem = "snowball stemmer"
	}
	return fmt.Sprintf("analysis(%s, %s, %d stop words)", a.lang, stem, len(a.stop))
}

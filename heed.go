// Package heed holds the vocabulary that heed's packages share: requests and the sightings that reveal
// them, the organisation's pages, the intent of a request, and the match or gap found for it.
//
// It depends on the standard library only and holds no behaviour beyond small pure helpers, so that the
// crawler, the classifier and the responder can speak to each other through it without importing each
// other.
package heed

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Intent is the search intent behind a request.
type Intent string

// The four search intents.
const (
	Informational Intent = "informational"
	Navigational  Intent = "navigational"
	Commercial    Intent = "commercial"
	Transactional Intent = "transactional"
)

// Intents lists the intents in a stable order, for reports and metrics.
var Intents = []Intent{Informational, Navigational, Commercial, Transactional}

// ParseIntent checks that s names an intent.
func ParseIntent(s string) (Intent, error) {
	for _, in := range Intents {
		if string(in) == s {
			return in, nil
		}
	}
	return "", fmt.Errorf("unknown intent %q (want informational, navigational, commercial or transactional)", s)
}

// QuestionType is the kind of answer a request asks for (contracts.md lists them with their TREC classes).
type QuestionType string

// The question types.
const (
	QNone            QuestionType = "none"
	QDefinition      QuestionType = "definition"
	QDescription     QuestionType = "description"
	QHowTo           QuestionType = "how_to"
	QReason          QuestionType = "reason"
	QYesNo           QuestionType = "yes_no"
	QComparison      QuestionType = "comparison"
	QTroubleshooting QuestionType = "troubleshooting"
	QEntity          QuestionType = "entity"
	QPerson          QuestionType = "person"
	QPlace           QuestionType = "place"
	QTime            QuestionType = "time"
	QNumber          QuestionType = "number"
	QAbbreviation    QuestionType = "abbreviation"
)

// QuestionTypes lists every question type in a stable order.
var QuestionTypes = []QuestionType{QNone, QDefinition, QDescription, QHowTo, QReason, QYesNo, QComparison,
	QTroubleshooting, QEntity, QPerson, QPlace, QTime, QNumber, QAbbreviation}

// PageType is what kind of page a page is; it decides which intents it can serve.
type PageType string

// The page types of contracts.md. The zero value means the type is not known.
const (
	PageUnknown    PageType = ""
	PageFAQ        PageType = "faq"
	PageGuide      PageType = "guide"
	PageArticle    PageType = "article"
	PageProduct    PageType = "product"
	PagePricing    PageType = "pricing"
	PageComparison PageType = "comparison"
	PageSupport    PageType = "support"
	PageContact    PageType = "contact"
	PageLogin      PageType = "login"
	PageLocation   PageType = "location"
	PageOther      PageType = "other"
)

// PageTypes lists the known page types in a stable order.
var PageTypes = []PageType{PageFAQ, PageGuide, PageArticle, PageProduct, PagePricing, PageComparison,
	PageSupport, PageContact, PageLogin, PageLocation, PageOther}

// ParsePageType checks that s names a page type; the empty string is the unknown type.
func ParsePageType(s string) (PageType, error) {
	if s == "" {
		return PageUnknown, nil
	}
	for _, t := range PageTypes {
		if string(t) == s {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown page type %q (want one of faq, guide, article, product, pricing, comparison, support, contact, login, location, other)", s)
}

// GapKind says why a request counts as unanswered.
type GapKind string

// The gap kinds. GapNone is used exactly when a request is answered.
const (
	GapNone          GapKind = "none"
	GapNoContent     GapKind = "no_content"
	GapWeakMatch     GapKind = "weak_match"
	GapWrongPageType GapKind = "wrong_page_type"
)

// GapKinds lists the gap kinds in a stable order, GapNone first.
var GapKinds = []GapKind{GapNone, GapNoContent, GapWeakMatch, GapWrongPageType}

// Sighting is one observation of a request: one line of one source's response. The same request is
// usually sighted many times, by several sources, seeds and expansions; each sighting is evidence of demand.
type Sighting struct {
	Text       string `json:"text"`
	Source     string `json:"source"`                // the source kind: opensearch, stackexchange, requests, ...
	SourceName string `json:"source_name,omitempty"` // the configured source's name, when it differs from the kind
	URL        string `json:"url"`                   // the response it came from, or the forum question's link
	Seed       string `json:"seed"`
	Expansion  string `json:"expansion"`
	Position   int    `json:"position"` // 1-based position within its response
	Locale     string `json:"locale,omitempty"`
	Truncated  bool   `json:"truncated,omitempty"`

	// Demand evidence, where the source gives it. Never invented.
	Relevance int        `json:"relevance,omitempty"` // a suggestion engine's own relevance score
	Score     *int       `json:"score,omitempty"`     // forum votes
	Answers   *int       `json:"answers,omitempty"`
	Views     *int       `json:"views,omitempty"`
	Answered  *bool      `json:"answered,omitempty"`
	Accepted  *bool      `json:"accepted,omitempty"`
	Created   *time.Time `json:"created,omitempty"`
	// Search Console figures, when a user imports them with the request; Page is the page Google
	// showed for it (searchconsole rows by query and page).
	Impressions *int   `json:"impressions,omitempty"`
	Clicks      *int   `json:"clicks,omitempty"`
	Page        string `json:"page,omitempty"`
	// Site search figures: how many times the organisation's own search was asked it, and how many
	// results it gave (0: nothing found).
	Searches *int `json:"searches,omitempty"`
	Results  *int `json:"results,omitempty"`
	// Help-desk figures: the channel a ticket came in by (email, chat, web, phone...) and its status
	// (open, pending, solved, closed...).
	Channel string `json:"channel,omitempty"`
	Status  string `json:"status,omitempty"`
}

// SightingKind is what a sighting is evidence of: a search engine suggesting the request, a person
// asking it on a forum, or an imported list (keyword research, Search Console) holding it.
type SightingKind string

// The sighting kinds.
const (
	SightingSuggestion SightingKind = "suggestion"
	SightingQuestion   SightingKind = "question"
	SightingImport     SightingKind = "import"
	// First-party demand: what the organisation's own customers asked it.
	SightingSiteSearch    SightingKind = "site_search"    // a search on the organisation's own site
	SightingHelpDesk      SightingKind = "help_desk"      // a help-desk ticket or conversation
	SightingSearchConsole SightingKind = "search_console" // a Search Console query that showed the site
)

// HeardKinds are the kinds of source a request can be heard from, for demand that confirms itself: a
// request heard from more than one is asked by more than one kind of people (an import list is not a
// kind of people, and is not among them).
var HeardKinds = []SightingKind{SightingSuggestion, SightingQuestion, SightingSiteSearch, SightingHelpDesk, SightingSearchConsole}

// SightingKindOf is the kind of the sightings of a source kind (Sighting.Source): forum sources give
// questions, the requests import gives imports, and every other source (opensearch and its variants)
// gives suggestions. cmd/heed's tests hold every source kind heed builds to this.
func SightingKindOf(source string) SightingKind {
	switch source {
	case "stackexchange", "reddit", "discourse", "feed", "html":
		return SightingQuestion
	case "requests":
		return SightingImport
	case "sitesearch":
		return SightingSiteSearch
	case "helpdesk":
		return SightingHelpDesk
	case "searchconsole":
		return SightingSearchConsole
	}
	return SightingSuggestion
}

// Kind is what the sighting is evidence of.
func (s Sighting) Kind() SightingKind { return SightingKindOf(s.Source) }

// Name is the configured source name, falling back to the kind.
func (s Sighting) Name() string {
	if s.SourceName != "" {
		return s.SourceName
	}
	return s.Source
}

// Request is one distinct request: all sightings whose text normalises to the same Key.
type Request struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

// QA is a question and its answer as a page publishes them (JSON-LD FAQPage, HowTo).
type QA struct {
	Question string `json:"question"`
	Answer   string `json:"answer,omitempty"`
}

// Page is one of the organisation's own pages: what requests are matched against.
type Page struct {
	URL         string    `json:"url"`
	Title       string    `json:"title,omitempty"`
	Description string    `json:"description,omitempty"`
	Headings    []string  `json:"headings,omitempty"`
	Body        string    `json:"body,omitempty"`
	Queries     []string  `json:"queries,omitempty"` // requests a content team pinned to this page
	Questions   []QA      `json:"questions,omitempty"`
	Type        PageType  `json:"type,omitempty"`
	Lang        string    `json:"lang,omitempty"`
	Modified    time.Time `json:"modified,omitzero"`
}

// Modifier is a word or phrase that narrows what a request wants: a price, a place, the best of
// something, a comparison, instructions.
type Modifier string

// The modifiers the classifier reports, and other stages read.
const (
	ModPrice      Modifier = "price"
	ModLocal      Modifier = "local" // near me, opening hours, directions
	ModBest       Modifier = "best"
	ModReview     Modifier = "review"
	ModComparison Modifier = "comparison" // vs, compare, alternatives
	ModHowTo      Modifier = "how_to"
	ModFree       Modifier = "free"
	ModBuy        Modifier = "buy"
	ModLogin      Modifier = "login"
	ModCancel     Modifier = "cancel"
	ModRefund     Modifier = "refund"
	ModComplaint  Modifier = "complaint"
	ModYear       Modifier = "year" // a year: the request wants what is current
)

// Modifiers lists every modifier, in the order the classifier reports them.
var Modifiers = []Modifier{ModPrice, ModLocal, ModBest, ModReview, ModComparison, ModHowTo, ModFree, ModBuy,
	ModLogin, ModCancel, ModRefund, ModComplaint, ModYear}

// Classification is what the classifier says of a request.
type Classification struct {
	Intent       Intent       `json:"intent"`
	Confidence   float64      `json:"confidence"`
	QuestionType QuestionType `json:"question_type"`
	Modifiers    []Modifier   `json:"modifiers"`
	Lang         string       `json:"lang,omitempty"`
	// Reasons names the rules and features behind the label, strongest first (for --explain).
	Reasons []string `json:"reasons,omitempty"`
}

// Alternative is a page that answers a request less well than the best one.
type Alternative struct {
	URL   string  `json:"url"`
	Score float64 `json:"score"`
}

// Match is the responder's answer for one request: the page that answers it, or a gap.
type Match struct {
	URL          string        `json:"url"` // the best page, also for gaps; empty when no page shares anything
	Score        float64       `json:"score"`
	Gap          bool          `json:"gap"`
	GapKind      GapKind       `json:"gap_kind"`
	Alternatives []Alternative `json:"alternatives"`
	Reason       string        `json:"reason,omitempty"` // why, in a sentence a content team can read
	// Competing lists the other pages that answer the request about as well as URL does: the pages
	// cannibalise each other's demand. Empty for gaps.
	Competing []string `json:"competing,omitempty"`
	// Override is the content team's decision that replaced heed's own, when one did: "pin" or
	// "wont_answer".
	Override OverrideAction `json:"override,omitempty"`
}

// Topic is a group of gap requests that one page could answer: what a writer gets as one brief.
type Topic struct {
	Key      string          `json:"key"`               // its three strongest terms, sorted: names it across runs (triage.TopicMatches)
	Terms    []string        `json:"terms"`             // its strongest terms, strongest first
	Label    string          `json:"label"`             // its most representative request (for topics by words, the most demanded)
	Title    string          `json:"title"`             // a suggested title for the page to write, taken from its requests
	Outline  []string        `json:"outline,omitempty"` // the distinct questions the page must answer, from its requests (topics by meaning)
	PageType PageType        `json:"page_type"`
	Requests []string        `json:"requests"` // request keys, highest demand first
	Texts    []string        `json:"texts"`    // their texts, in the same order
	Intents  map[Intent]int  `json:"intents"`
	Kinds    map[GapKind]int `json:"gap_kinds"`
	Demand   float64         `json:"demand"` // the members' demand, summed
}

// OverrideAction is what a content team decided about a request or a topic.
type OverrideAction string

// The override actions.
const (
	OverrideNone       OverrideAction = ""
	OverridePin        OverrideAction = "pin"         // answered by the given page, whatever heed finds
	OverrideWontAnswer OverrideAction = "wont_answer" // no page will be written: not an open gap
)

// OverrideScope says what an override applies to.
type OverrideScope string

// The override scopes.
const (
	ScopeRequest OverrideScope = "request" // Key is a request key (Normalize of its text)
	ScopeTopic   OverrideScope = "topic"   // Key is a topic key (Topic.Key)
)

// Override is a content team's decision, kept across runs until it is removed.
type Override struct {
	Scope   OverrideScope  `json:"scope"`
	Key     string         `json:"key"`
	Action  OverrideAction `json:"action"`
	URL     string         `json:"url,omitempty"` // the page, for pins
	Note    string         `json:"note,omitempty"`
	By      string         `json:"by,omitempty"`
	Created time.Time      `json:"created"`
}

// Validate checks an override before it is stored.
func (o Override) Validate() error {
	switch o.Scope {
	case ScopeRequest, ScopeTopic:
	default:
		return fmt.Errorf("override scope %q: want request or topic", o.Scope)
	}
	if strings.TrimSpace(o.Key) == "" {
		return errors.New("override: empty key")
	}
	switch o.Action {
	case OverridePin:
		if o.URL == "" {
			return errors.New("pin override: no page url")
		}
	case OverrideWontAnswer:
	default:
		return fmt.Errorf("override action %q: want pin or wont_answer", o.Action)
	}
	return nil
}

// Apply replaces heed's decision for a request with the content team's: a pin makes the request answered
// by the pinned page; "won't answer" keeps heed's finding but takes the request out of the open gaps.
func (o Override) Apply(m Match) Match {
	switch o.Action {
	case OverridePin:
		was := "its own pick was the same page"
		if m.URL != o.URL {
			if m.Gap {
				was = fmt.Sprintf("heed found a %s gap", m.GapKind)
			} else {
				was = fmt.Sprintf("heed picked %s", m.URL)
			}
		}
		if m.URL != o.URL {
			m.Score = 0
			for _, a := range m.Alternatives {
				if a.URL == o.URL {
					m.Score = a.Score
				}
			}
		}
		m.URL, m.Gap, m.GapKind, m.Competing = o.URL, false, GapNone, nil
		m.Override = OverridePin
		m.Reason = fmt.Sprintf("pinned to this page by the content team (%s %s; %s)", o.Scope, o.Key, was)
	case OverrideWontAnswer:
		m.Override = OverrideWontAnswer
		m.Reason = fmt.Sprintf("marked “won't answer” by the content team (%s %s); heed's finding: %s", o.Scope, o.Key, m.Reason)
	}
	if o.Note != "" {
		m.Reason += ": " + o.Note
	}
	return m
}

// Evidence is what the sources showed of a request's demand, summed over its sightings: never search
// volume, which no source gives.
type Evidence struct {
	Sightings    int      `json:"sightings"`
	Sources      []string `json:"sources"`    // distinct source names
	Seeds        []string `json:"seeds"`      // distinct seeds that surfaced it
	Expansions   int      `json:"expansions"` // distinct expansions that surfaced it
	Locales      int      `json:"locales"`
	BestPosition int      `json:"best_position,omitempty"` // best suggestion position, 1 = first
	Relevance    int      `json:"relevance,omitempty"`     // best relevance a suggestion service gave
	Suggestions  int      `json:"suggestions"`             // suggestion sightings
	Questions    int      `json:"questions"`               // forum questions asking it
	Votes        int      `json:"votes"`                   // forum score, summed over questions
	Answers      int      `json:"answers"`
	Views        int      `json:"views"`
	Unanswered   int      `json:"unanswered"` // questions without an answer
	Imported     int      `json:"imported"`   // sightings from imported lists
	RunsSeen     int      `json:"runs_seen"`  // runs that sighted it, this one included
	// Kinds are the kinds of source it was heard from (HeardKinds), in that order: more than one
	// confirms the demand.
	Kinds []SightingKind `json:"kinds"`
	// First-party evidence: searches of the organisation's own site (and how many of them found
	// nothing), help-desk tickets (and how many are still open, and by which channels), Search Console
	// impressions and clicks.
	SiteSearches int      `json:"site_searches,omitempty"`
	NoResults    int      `json:"no_results,omitempty"`
	Tickets      int      `json:"tickets,omitempty"`
	OpenTickets  int      `json:"open_tickets,omitempty"`
	Channels     []string `json:"channels,omitempty"`
	Impressions  int      `json:"impressions,omitempty"`
	Clicks       int      `json:"clicks,omitempty"`
	// SearchConsolePage is the page Google showed most for it (most impressions, then clicks), from
	// Search Console's rows by query and page.
	SearchConsolePage string `json:"search_console_page,omitempty"`
}

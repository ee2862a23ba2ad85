package imports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ticket is one help-desk ticket or conversation as an export or an API gives it, before anything is
// redacted: it never leaves the package, and only the request chosen from it (request) is kept.
type ticket struct {
	id      string // the vendor's id, when it is a plain one
	subject string
	body    string // the customer's first message
	html    bool   // body is HTML
	status  string // normalised (ticketStatus)
	channel string // normalised: email, chat, web, phone, api, social, other
	created *time.Time
	// skip says why the ticket holds no customer's request: "agent" (an agent or a bot wrote it),
	// "spam", "deleted"; "" when it does.
	skip string
}

// maxTicketText bounds what is read of one subject or message.
const maxTicketText = 1 << 20

// boundText cuts s to at most maxTicketText bytes, on a character boundary.
func boundText(s string) string {
	if len(s) <= maxTicketText {
		return s
	}
	s = s[:maxTicketText]
	for i := 0; i < utf8.UTFMax && len(s) > 0; i++ {
		if r, n := utf8.DecodeLastRuneInString(s); r != utf8.RuneError || n != 1 {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}

// ticketID is id when it is a plain identifier (letters, digits, - and _, at most 64), else "".
func ticketID(id string) string {
	if len(id) == 0 || len(id) > 64 {
		return ""
	}
	for _, c := range id {
		if !(c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return ""
		}
	}
	return id
}

var statusWord = regexp.MustCompile(`^[a-z][a-z _-]{0,23}$`)

// ticketStatus is a status as a help desk names it, lower-cased; "" when it is not a plain word.
func ticketStatus(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if !statusWord.MatchString(s) {
		return ""
	}
	return s
}

// channels normalise the channel names of the help desks (Zendesk's via.channel, Intercom's source
// type, a CSV export's own words).
var channels = map[string]string{
	"email": "email", "e-mail": "email", "mail": "email", "outbound email": "email",
	"chat": "chat", "live chat": "chat", "native_messaging": "chat", "messaging": "chat", "conversation": "chat",
	"messenger": "chat", "sms": "chat", "whatsapp": "chat", "telegram": "chat", "line": "chat", "wechat": "chat",
	"web": "web", "web form": "web", "web_form": "web", "form": "web", "portal": "web", "web_widget": "web",
	"widget": "web", "feedback widget": "web", "help_center": "web", "mobile": "web", "mobile_sdk": "web",
	"phone": "phone", "voice": "phone", "call": "phone", "phone_call": "phone", "phone_switch": "phone",
	"api":    "api",
	"social": "social", "twitter": "social", "facebook": "social", "instagram": "social", "instagram_dm": "social",
}

// ticketChannel normalises a channel name; "" stays "", and a name heed does not know is "other".
func ticketChannel(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return ""
	}
	if c, ok := channels[s]; ok {
		return c
	}
	return "other"
}

// ticketTime reads a ticket's date: RFC 3339, "2006-01-02 15:04:05", "2006-01-02" (UTC) or seconds
// since 1970. nil when it is none of them, or before 1990 or after 2200.
func ticketTime(s string) *time.Time {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 {
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return epochTime(n)
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return saneTime(t)
		}
	}
	return nil
}

func epochTime(sec int64) *time.Time {
	if sec <= 0 || sec > 1<<40 {
		return nil
	}
	return saneTime(time.Unix(sec, 0))
}

func saneTime(t time.Time) *time.Time {
	if t.Year() < 1990 || t.Year() > 2200 {
		return nil
	}
	t = t.UTC()
	return &t
}

// zendeskPage is a page of Zendesk's incremental ticket export (cursor based).
type zendeskPage struct {
	tickets     []ticket
	afterCursor string
	afterURL    string
	endOfStream bool
	bad         int // items that were not tickets
}

type zendeskTicket struct {
	ID  rawID `json:"id"`
	Via struct {
		Channel string `json:"channel"`
	} `json:"via"`
	Subject     string `json:"subject"`
	Description string `json:"description"`
	Status      string `json:"status"`
	CreatedAt   string `json:"created_at"`
}

// parseZendesk reads a page of Zendesk's incremental ticket export, or a JSON array of its tickets.
// Items that are not tickets are counted in bad, not fatal.
func parseZendesk(b []byte) (zendeskPage, error) {
	var p zendeskPage
	items, err := jsonItems(b, "tickets", func(raw json.RawMessage) error {
		var w struct {
			AfterCursor *string `json:"after_cursor"`
			AfterURL    *string `json:"after_url"`
			EndOfStream bool    `json:"end_of_stream"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			return err
		}
		p.afterCursor, p.afterURL, p.endOfStream = deref(w.AfterCursor), deref(w.AfterURL), w.EndOfStream
		return nil
	})
	if err != nil {
		return p, fmt.Errorf("zendesk tickets: %w", err)
	}
	for _, raw := range items {
		var z zendeskTicket
		if err := json.Unmarshal(raw, &z); err != nil || !isObject(raw) {
			p.bad++
			continue
		}
		t := ticket{id: ticketID(z.ID.String()), subject: boundText(z.Subject), body: boundText(z.Description),
			status: ticketStatus(z.Status), channel: ticketChannel(z.Via.Channel), created: ticketTime(z.CreatedAt)}
		if t.status == "deleted" {
			t.skip = "deleted"
		}
		p.tickets = append(p.tickets, t)
	}
	return p, nil
}

// rawID is an id the vendor gives as a number or a string.
type rawID json.RawMessage

func (id *rawID) UnmarshalJSON(b []byte) error {
	*id = append((*id)[:0], b...)
	return nil
}

// String is the id without its quotes.
func (id rawID) String() string { return strings.Trim(string(id), `"`) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// jsonItems reads b as a JSON array of items, or as an object whose key holds them (then wrapper, when
// not nil, reads the object's other fields).
func jsonItems(b []byte, key string, wrapper func(json.RawMessage) error) ([]json.RawMessage, error) {
	b = bytes.TrimPrefix(bytes.TrimSpace(b), []byte("\xef\xbb\xbf"))
	if len(b) > 0 && b[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(b, &items); err != nil {
			return nil, err
		}
		return items, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	raw, ok := obj[key]
	if !ok {
		return nil, fmt.Errorf("no %q in the object", key)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, fmt.Errorf("%q: %w", key, err)
	}
	if wrapper != nil {
		if err := wrapper(b); err != nil {
			return nil, err
		}
	}
	return items, nil
}

type freshdeskTicket struct {
	ID              rawID  `json:"id"`
	Subject         string `json:"subject"`
	Description     string `json:"description"`
	DescriptionText string `json:"description_text"`
	Status          int    `json:"status"`
	Source          int    `json:"source"`
	Spam            bool   `json:"spam"`
	CreatedAt       string `json:"created_at"`
}

// freshdeskStatus and freshdeskSource name Freshdesk's numbers.
var (
	freshdeskStatus = map[int]string{2: "open", 3: "pending", 4: "resolved", 5: "closed"}
	freshdeskSource = map[int]string{1: "email", 2: "web", 3: "phone", 4: "web", 5: "social", 6: "social", 7: "chat",
		8: "web", 9: "web", 10: "email", 12: "chat"}
)

// freshdeskOutbound is the source of a ticket an agent started (outbound e-mail).
const freshdeskOutbound = 10

// parseFreshdesk reads a page of Freshdesk's ticket list (a JSON array). Items that are not tickets are
// counted in bad.
func parseFreshdesk(b []byte) (tickets []ticket, bad int, err error) {
	items, err := jsonItems(b, "tickets", nil)
	if err != nil {
		return nil, 0, fmt.Errorf("freshdesk tickets: %w", err)
	}
	for _, raw := range items {
		var f freshdeskTicket
		if err := json.Unmarshal(raw, &f); err != nil || !isObject(raw) {
			bad++
			continue
		}
		t := ticket{id: ticketID(f.ID.String()), subject: boundText(f.Subject), body: boundText(f.DescriptionText),
			channel: "other", status: "other", created: ticketTime(f.CreatedAt)}
		if t.body == "" {
			t.body, t.html = boundText(f.Description), true
		}
		if c, ok := freshdeskSource[f.Source]; ok {
			t.channel = c
		}
		if s, ok := freshdeskStatus[f.Status]; ok {
			t.status = s
		}
		switch {
		case f.Spam:
			t.skip = "spam"
		case f.Source == freshdeskOutbound:
			t.skip = "agent"
		}
		tickets = append(tickets, t)
	}
	return tickets, bad, nil
}

type intercomConversation struct {
	ID        rawID  `json:"id"`
	CreatedAt int64  `json:"created_at"`
	State     string `json:"state"`
	Source    struct {
		Type        string `json:"type"`
		Subject     string `json:"subject"`
		Body        string `json:"body"`
		DeliveredAs string `json:"delivered_as"`
		Author      struct {
			Type string `json:"type"`
		} `json:"author"`
	} `json:"source"`
}

// intercomPage is a page of Intercom's conversation list.
type intercomPage struct {
	tickets []ticket
	next    string // pages.next.starting_after
	bad     int
}

// parseIntercom reads a page of Intercom's conversation list (or a JSON array of conversations). Only
// conversations a customer started (source.author.type user or lead) hold a request; the others are
// kept with skip "agent".
func parseIntercom(b []byte) (intercomPage, error) {
	var p intercomPage
	items, err := jsonItems(b, "conversations", func(raw json.RawMessage) error {
		var w struct {
			Pages json.RawMessage `json:"pages"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			return err
		}
		var pages struct {
			Next json.RawMessage `json:"next"`
		}
		var next struct {
			StartingAfter string `json:"starting_after"`
		}
		// pages.next is an object in API 2.x and a URL in 1.x: only the cursor is followed.
		if json.Unmarshal(w.Pages, &pages) == nil && json.Unmarshal(pages.Next, &next) == nil {
			p.next = next.StartingAfter
		}
		return nil
	})
	if err != nil {
		return p, fmt.Errorf("intercom conversations: %w", err)
	}
	for _, raw := range items {
		var c intercomConversation
		if err := json.Unmarshal(raw, &c); err != nil || !isObject(raw) {
			p.bad++
			continue
		}
		t := ticket{id: ticketID(c.ID.String()), subject: boundText(c.Source.Subject), body: boundText(c.Source.Body), html: true,
			status: ticketStatus(c.State), channel: ticketChannel(c.Source.Type), created: epochTime(c.CreatedAt)}
		if t.channel == "" {
			t.channel = "chat"
		}
		if a := c.Source.Author.Type; a != "user" && a != "lead" {
			t.skip = "agent"
		}
		p.tickets = append(p.tickets, t)
	}
	return p, nil
}

// csvColumns are the header names of a ticket export's columns, by what they hold.
var csvColumns = map[string][]string{
	"subject": {"subject", "title", "summary", "topic"},
	"body":    {"description", "body", "message", "description_text", "text", "comment", "first message", "question"},
	"status":  {"status", "state"},
	"channel": {"channel", "source", "via", "medium"},
	"created": {"created", "created_at", "created at", "date", "date created", "creation date", "opened"},
	"id":      {"id", "ticket id", "ticket_id", "ticket", "number", "ticket number"},
}

// errNoTicketColumns: a CSV file whose header names no subject or message column.
var errNoTicketColumns = errors.New("no subject or description/body/message column in the header row")

// parseTicketsCSV reads a ticket export with a header row (comma-, semicolon- or tab-separated, names
// in any order and case). Rows that cannot be read are returned in bad, by line.
func parseTicketsCSV(r io.Reader) (tickets []ticket, bad []BadLine, err error) {
	br := decodeUTF16(r)
	head, _ := br.Peek(64 << 10)
	cr := csv.NewReader(br)
	cr.Comma = csvSeparator(head)
	cr.FieldsPerRecord, cr.LazyQuotes, cr.ReuseRecord = -1, true, true
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("csv header: %w", err)
	}
	col := csvHeader(header)
	if col["subject"] < 0 && col["body"] < 0 {
		return nil, nil, errNoTicketColumns
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return tickets, bad, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return tickets, bad, fmt.Errorf("csv: %w", err)
			}
			bad = append(bad, BadLine{Line: pe.StartLine, Err: pe.Err.Error()})
			continue
		}
		field := func(name string) string {
			if i := col[name]; i >= 0 && i < len(rec) {
				return boundText(strings.TrimSpace(rec[i]))
			}
			return ""
		}
		tickets = append(tickets, ticket{id: ticketID(field("id")), subject: field("subject"), body: field("body"),
			status: ticketStatus(field("status")), channel: ticketChannel(field("channel")), created: ticketTime(field("created"))})
	}
}

// csvSeparator is the separator of a CSV file's header row: tab, semicolon or comma, whichever its first
// line holds most of.
func csvSeparator(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	best, n := ',', bytes.Count(head, []byte(","))
	for _, sep := range []rune{';', '\t'} {
		if c := bytes.Count(head, []byte(string(sep))); c > n {
			best, n = sep, c
		}
	}
	return best
}

// csvHeader finds the columns of a header row: each name's index, -1 when there is none.
func csvHeader(header []string) map[string]int {
	col := namedColumns(header, csvColumns)
	for name := range csvColumns {
		if _, ok := col[name]; !ok {
			col[name] = -1
		}
	}
	return col
}

package imports

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// skipCounter records what a source counted as skipped.
type skipCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *skipCounter) Skipped(source, reason string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	if n > 0 {
		c.n[reason] += n
	}
}

func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func unix(sec int64) *time.Time {
	t := time.Unix(sec, 0).UTC()
	return &t
}

// fixture is the path of a help-desk fixture.
func fixture(name string) string { return filepath.Join("testdata", "helpdesk", name) }

// fetchHelpDesk builds a helpdesk source from spec and fetches its one unit.
func fetchHelpDesk(t *testing.T, raw string, d Deps) ([]heed.Sighting, error) {
	t.Helper()
	spec, err := crawler.ParseSpec(raw)
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHelpDesk(spec, d)
	if err != nil {
		t.Fatalf("NewHelpDesk(%q): %v", raw, err)
	}
	units := h.Units(nil)
	if len(units) != 1 {
		t.Fatalf("Units(nil) = %v, want one unit", units)
	}
	return h.Fetch(context.Background(), units[0])
}

// TestHelpDeskFiles reads an export of every format: the customer's question of each ticket (the
// subject, or the question of the first message when the subject says nothing), redacted, with its
// channel, status and date; agents' messages, spam, deleted and empty tickets are skipped and counted.
func TestHelpDeskFiles(t *testing.T) {
	tests := []struct {
		name, spec string
		want       []heed.Sighting
		skipped    map[string]int
	}{
		{"zendesk", "helpdesk=" + fixture("zendesk.json") + ";format=zendesk;name=desk", []heed.Sighting{
			{Text: "How do I charge the Lark battery? Call me on [phone] or [email]", Channel: "email", Status: "open", Created: at("2026-11-02T09:14:00Z"), URL: "zendesk:ticket/101"},
			{Text: "Can I take my Lark e-bike on the train?", Channel: "web", Status: "pending", Created: at("2026-11-04T15:30:00Z"), URL: "zendesk:ticket/102"},
			{Text: "Where is my order?", Channel: "chat", Status: "solved", Created: at("2026-11-05T08:00:00Z"), URL: "zendesk:ticket/103"},
			{Text: "Customer called about the Lark child seat.", Channel: "phone", Status: "hold", Created: at("2026-11-06T12:00:00Z"), URL: "zendesk:ticket/104"},
			{Text: "Lark app login fails é broken \ufffd\ufffd bytes ÿ", Channel: "social", Status: "closed", Created: at("2026-11-07T12:00:00Z"), URL: "zendesk:ticket/105"},
		}, map[string]int{"empty": 1, "invalid": 1, "deleted": 1}},
		{"freshdesk", "helpdesk=" + fixture("freshdesk.json") + ";format=freshdesk;name=desk", []heed.Sighting{
			{Text: "What is the range of the Lark in winter?", Channel: "email", Status: "open", Created: at("2026-11-02T09:00:00Z"), URL: "freshdesk:ticket/201"},
			{Text: "does the Lark fold small enough for a car boot?", Channel: "web", Status: "pending", Created: at("2026-11-03T10:00:00Z"), URL: "freshdesk:ticket/202"},
			{Text: "Warranty for a cracked frame", Channel: "phone", Status: "resolved", Created: at("2026-11-04T11:00:00Z"), URL: "freshdesk:ticket/203"},
			{Text: "I need the user manual for the Lark 2.", Channel: "chat", Status: "closed", Created: at("2026-11-05T12:00:00Z"), URL: "freshdesk:ticket/204"},
			{Text: "Can I get a spare key for the battery lock?", Channel: "web", Status: "open", URL: "freshdesk:ticket/207"},
		}, map[string]int{"agent": 1, "spam": 1, "invalid": 1}},
		{"intercom", "helpdesk=" + fixture("intercom.json") + ";format=intercom;name=desk", []heed.Sighting{
			{Text: "Is there a Lark dealer near Leeds?", Channel: "chat", Status: "open", Created: unix(1762074000), URL: "intercom:conversation/3001"},
			{Text: "Lark saddle height for tall riders", Channel: "email", Status: "snoozed", Created: unix(1762246800), URL: "intercom:conversation/3003"},
		}, map[string]int{"agent": 2, "invalid": 1}},
		{"csv", "helpdesk=" + fixture("tickets.csv") + ";format=csv;name=desk", []heed.Sighting{
			{Text: "How do I reset the Lark display?", Channel: "email", Status: "open", Created: at("2026-11-02T09:00:00Z"), URL: "csv:ticket/401"},
			{Text: "Which tyres fit the Lark 2?", Channel: "chat", Status: "solved", Created: at("2026-11-03T00:00:00Z"), URL: "csv:ticket/402"},
			{Text: "Bike stolen, call [phone]", Channel: "phone", Status: "pending", Created: at("2026-11-04T08:00:00Z"), URL: "csv:ticket/403"},
			{Text: "When will my Lark be delivered?", Channel: "other", Status: "new", Created: unix(1762333200), URL: "csv:ticket/405"},
		}, map[string]int{"empty": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &skipCounter{}
			var logs bytes.Buffer
			got, err := fetchHelpDesk(t, tt.spec, Deps{Count: c, Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{
				Level: slog.LevelDebug, ReplaceAttr: dropTime}))})
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.want {
				tt.want[i].Source, tt.want[i].SourceName, tt.want[i].Position = "helpdesk", "desk", i+1
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("sightings (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.skipped, c.n); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
			if leak := personalData(logs.String()); leak != "" {
				t.Errorf("the log holds %q:\n%s", leak, logs.String())
			}
			for reason := range tt.skipped {
				if !strings.Contains(logs.String(), "reason="+reason) {
					t.Errorf("the log does not name the tickets skipped as %s:\n%s", reason, logs.String())
				}
			}
		})
	}
}

// dropTime leaves the time out of a test's log (a date is not a phone number).
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}

// fixturePII is every e-mail address and phone number in the fixtures: none may reach a sighting.
var fixturePII = []string{
	"jane.doe@example.com", "+44 20 7946 0958", "7946 0958", "07700 900461", "sam.smith@example.org", "(555) 010-4477",
	"agent.kim@lark.example", "4111 1111 1111 1111", "lee@example.net", "s3cr3t", "202 555 0147", "olga@example.com",
	"020 7946 0321", "+33 1 23 45 67 89", "0800 123 4567", "07700 900123", "priya", "old@example.com", "kim@lark.example",
	"tall.rider@example.com", "07700 900999", "max@example.de", "+49 30 1234 5678", "1234 5678",
}

var (
	ticketEmail = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]`)
	ticketPhone = regexp.MustCompile(`\d[\d .()/-]{5,}\d`)
)

// personalData returns the first e-mail address, long run of digits or fixture PII string in s, else "".
func personalData(s string) string {
	for _, p := range fixturePII {
		if strings.Contains(s, p) {
			return p
		}
	}
	if m := ticketEmail.FindString(s); m != "" {
		return m
	}
	for _, m := range ticketPhone.FindAllString(s, -1) {
		digits := 0
		for _, c := range m {
			if c >= '0' && c <= '9' {
				digits++
			}
		}
		if digits >= 7 {
			return m
		}
	}
	return ""
}

// TestHelpDeskRedactsPersonalData: no e-mail address or phone number of any fixture reaches the
// sightings, whatever part of the ticket it was in.
func TestHelpDeskRedactsPersonalData(t *testing.T) {
	for _, f := range []string{"zendesk.json", "freshdesk.json", "intercom.json", "tickets.csv"} {
		format := strings.TrimSuffix(strings.TrimSuffix(f, ".json"), ".csv")
		if format == "tickets" {
			format = "csv"
		}
		got, err := fetchHelpDesk(t, "helpdesk="+fixture(f)+";format="+format, Deps{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range got {
			s.Created = nil // a date is not a phone number
			b, _ := json.Marshal(s)
			if leak := personalData(string(b)); leak != "" {
				t.Errorf("%s: a sighting holds %q:\n%s", f, leak, b)
			}
		}
	}
}

// TestHelpDeskRedactsConfiguredPatterns: the config's own patterns apply too.
func TestHelpDeskRedactsConfiguredPatterns(t *testing.T) {
	r, err := NewRedactor([]string{`(?i)lark battery`})
	if err != nil {
		t.Fatal(err)
	}
	got, err := fetchHelpDesk(t, "helpdesk="+fixture("zendesk.json")+";format=zendesk", Deps{Redact: r})
	if err != nil {
		t.Fatal(err)
	}
	if want := "How do I charge the [redacted]? Call me on [phone] or [email]"; got[0].Text != want {
		t.Errorf("got %q, want %q", got[0].Text, want)
	}
}

// TestHelpDeskHugeTicket: a huge subject or message is bounded: the request is cut to a sentence's
// length, and the rest never read into it.
func TestHelpDeskHugeTicket(t *testing.T) {
	huge := strings.Repeat("word ", 1<<20) // 5 MiB, no sentence end
	tickets := []map[string]any{
		{"id": 1, "subject": "Help", "description": huge + "is this read?", "status": "open"},
		{"id": 2, "subject": huge, "description": "x", "status": "open"},
		{"id": 3, "subject": "Help", "description": "Why? " + huge, "status": "open"},
	}
	b, _ := json.Marshal(map[string]any{"tickets": tickets, "end_of_stream": true})
	path := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := fetchHelpDesk(t, "helpdesk="+path+";format=zendesk", Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d sightings, want 3", len(got))
	}
	for _, s := range got[:2] {
		if n := len([]rune(s.Text)); n > maxRequest || !s.Truncated || strings.Contains(s.Text, "read?") {
			t.Errorf("%d characters, truncated %v: %.80q", n, s.Truncated, s.Text)
		}
	}
	if got[2].Text != "Why?" {
		t.Errorf("the third ticket's question = %.80q, want Why?", got[2].Text)
	}
}

// TestHelpDeskBadInput: a missing file, a directory, a file in another format, an unknown format and
// an API base without its settings are errors that say what to fix, and name no secret.
func TestHelpDeskBadInput(t *testing.T) {
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "x.json")
	os.WriteFile(notJSON, []byte("hello"), 0o644)
	t.Setenv("HEED_TEST_EMPTY_TOKEN", "")
	build := []struct{ spec, want string }{
		{"helpdesk", "needs an export file or the help desk's URL"},
		{"helpdesk=" + filepath.Join(dir, "none.json") + ";format=zendesk", "does not exist"},
		{"helpdesk=" + dir + ";format=zendesk", "directory"},
		{"helpdesk=" + fixture("zendesk.json"), "format"},
		{"helpdesk=" + fixture("zendesk.json") + ";format=kayako", `format "kayako"`},
		{"helpdesk=https://lark.zendesk.com;format=zendesk;token_env=HEED_TEST_EMPTY_TOKEN;email=a@b.example", "HEED_TEST_EMPTY_TOKEN"},
		{"helpdesk=https://lark.zendesk.com;format=zendesk;token_env=HEED_TEST_EMPTY_TOKEN", "email"},
		{"helpdesk=https://lark.example;format=csv", "csv is read from a file"},
		{"helpdesk=" + fixture("zendesk.json") + ";format=zendesk;pages=0", "pages"},
		{"helpdesk=" + fixture("zendesk.json") + ";format=zendesk;since=x", "since"},
	}
	for _, tt := range build {
		spec, err := crawler.ParseSpec(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := NewHelpDesk(spec, Deps{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want it to say %q", tt.spec, err, tt.want)
		}
	}
	noColumns := filepath.Join(dir, "x.csv")
	os.WriteFile(noColumns, []byte("keyword,clicks\nlark,3\n"), 0o644)
	for _, tt := range []struct{ spec, want string }{
		{"helpdesk=" + notJSON + ";format=zendesk", "x.json"},
		{"helpdesk=" + notJSON + ";format=intercom", "x.json"},
		{"helpdesk=" + fixture("intercom.json") + ";format=freshdesk", "freshdesk"},
		{"helpdesk=" + noColumns + ";format=csv", "no subject or description/body/message column"},
	} {
		_, err := fetchHelpDesk(t, tt.spec, Deps{})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, crawler.ErrBadInput) {
			t.Errorf("%s: err %v, want a bad-input error that says %q", tt.spec, err, tt.want)
		}
	}
}

// TestHelpDeskRequest: the request of a ticket is its subject, or when the subject says nothing, the
// first question of the customer's own words (quoted replies, signatures and greetings left out).
func TestHelpDeskRequest(t *testing.T) {
	tests := []struct {
		name          string
		subject, body string
		html          bool
		want          string
	}{
		{"a subject that asks", "Lark brake pads", "Which pads? Thanks", false, "Lark brake pads"},
		{"a reply's subject", "Re: Lark order 55", "Hi,\nwhen does it ship? Regards", false, "when does it ship?"},
		{"a reply's subject, no message", "RE: Fwd: Lark order", "", false, "Lark order"},
		{"a placeholder subject", "(no subject)", "Hello team,\n\nCan I ride the Lark in the rain?\n\nThanks", false, "Can I ride the Lark in the rain?"},
		{"a help desk's chat subject", "Chat with Visitor 4711", "is the shop open on Sunday?", false, "is the shop open on Sunday?"},
		{"a call subject", "Missed call from 0044 20 7946 0958", "", false, ""},
		{"no question: the first sentence", "Help", "Thanks for your help. The app crashes at start. It is v2.", false, "The app crashes at start."},
		{"quoted reply under a two-line header", "Help", "Why is it late?\n\nOn Tue, 2 Dec 2026, Jane <j@x.io>\nwrote:\n> Where is it?", false, "Why is it late?"},
		{"quoted reply only", "Help", "On Tue, 2 Dec 2026 Jane wrote:\n> Where is my Lark?", false, ""},
		{"an Outlook reply", "Help", "It broke.\nFrom: Lark Support\nSent: Monday\nCan we help?", false, "It broke."},
		{"a signature", "Help", "My Lark squeaks\n-- \nCan I call you? 0800 123 4567", false, "My Lark squeaks"},
		{"sent from a phone", "Help", "My Lark squeaks\nSent from my iPhone", false, "My Lark squeaks"},
		{"HTML with a quoted reply", "", `<div dir="ltr">Does it fit a child seat?</div><div class="gmail_quote"><div>Can we help?</div></div>`, true, "Does it fit a child seat?"},
		{"entities encoded twice", "Help", "Is a&amp;#64;b.co the right address?", false, "Is [email] the right address?"},
		{"a sentence over many lines", "Help", "Can I order\na spare\nbattery?", false, "Can I order a spare battery?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := request(ticket{subject: tt.subject, body: tt.body, html: tt.html}, nil)
			if got != tt.want {
				t.Errorf("request = %q, want %q", got, tt.want)
			}
		})
	}
}

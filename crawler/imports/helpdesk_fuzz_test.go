package imports

import (
	"html"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkRequests holds the requests of fuzzed tickets to what the crawler may store: at most maxRequest
// characters, and no e-mail address or phone number, even once the crawler decodes HTML entities.
func checkRequests(t *testing.T, tickets []ticket) {
	t.Helper()
	r, _ := NewRedactor(nil)
	for _, tk := range tickets {
		text, _ := request(tk, r)
		if n := utf8.RuneCountInString(text); n > maxRequest {
			t.Fatalf("request of %d characters: %.80q", n, text)
		}
		decoded := html.UnescapeString(text)
		if m := anyEmail.FindString(decoded); m != "" {
			t.Fatalf("request %q keeps %q", text, m)
		}
		if m := anyPhone.FindString(decoded); m != "" {
			t.Fatalf("request %q keeps %q", text, m)
		}
	}
}

func addFixture(f *testing.F, name string) {
	b, err := os.ReadFile(fixture(name))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

// FuzzParseZendesk: whatever the bytes, parsing never panics, and what it gives yields safe requests.
func FuzzParseZendesk(f *testing.F) {
	addFixture(f, "zendesk.json")
	f.Add([]byte(`[{"id":1,"subject":"Help","description":"a@b.co?"}]`))
	f.Add([]byte(`{"tickets":null,"end_of_stream":true}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseZendesk(b)
		if err != nil {
			return
		}
		checkRequests(t, p.tickets)
	})
}

// FuzzParseFreshdesk: as FuzzParseZendesk, for Freshdesk's ticket list.
func FuzzParseFreshdesk(f *testing.F) {
	addFixture(f, "freshdesk.json")
	f.Add([]byte(`[{"id":1,"subject":"Question","description":"<p>Call 555 123 4567?</p>","source":2,"status":9}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tickets, _, err := parseFreshdesk(b)
		if err != nil {
			return
		}
		checkRequests(t, tickets)
	})
}

// FuzzParseIntercom: as FuzzParseZendesk, for Intercom's conversation list.
func FuzzParseIntercom(f *testing.F) {
	addFixture(f, "intercom.json")
	f.Add([]byte(`{"conversations":[{"id":"1","source":{"body":"<div class=gmail_quote><div>x</div></div><p>a&amp;#64;b.co?</p>","author":{"type":"lead"}}}],"pages":{"next":"https://x"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseIntercom(b)
		if err != nil {
			return
		}
		checkRequests(t, p.tickets)
	})
}

// FuzzParseTicketsCSV: as FuzzParseZendesk, for CSV ticket exports.
func FuzzParseTicketsCSV(f *testing.F) {
	addFixture(f, "tickets.csv")
	f.Add([]byte("subject;body\nHelp;\"Hi,\n> quoted\nwhy 0800 123 4567?\"\n"))
	f.Add([]byte("\xff\xfes\x00u\x00b\x00j\x00e\x00c\x00t\x00\n\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tickets, _, err := parseTicketsCSV(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		checkRequests(t, tickets)
	})
}

// FuzzHelpDeskRequest: whatever a ticket's subject and message, the request chosen is bounded and safe.
func FuzzHelpDeskRequest(f *testing.F) {
	f.Add("Help", "Hi,\nhow do I reset it? Call +44 20 7946 0958", false)
	f.Add("Re: x", "<p>Is it &#64; a@b.co?</p><blockquote>q</blockquote>", true)
	f.Add("", "On Mon, Jane <j@x.io> wrote:\n> old", false)
	f.Fuzz(func(t *testing.T, subject, body string, isHTML bool) {
		checkRequests(t, []ticket{{subject: subject, body: body, html: isHTML}})
	})
}

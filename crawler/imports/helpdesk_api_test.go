package imports

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// lockedBuffer is a log the fetcher's goroutines write to.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// apiDeps are the deps of a source that calls a loopback stand-in: a real fetcher (retries, Retry-After),
// its log, the tokens given in env, and the clock at now.
func apiDeps(t *testing.T, env map[string]string, now time.Time) (Deps, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f, err := crawler.NewFetcher(crawler.FetchConfig{Retries: 2, RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 10 * time.Millisecond,
		MaxRetryAfter: 5 * time.Second, Delay: time.Millisecond}, log, crawler.NewMetrics(prometheus.NewRegistry()))
	if err != nil {
		t.Fatal(err)
	}
	return Deps{Fetch: f, Log: log, Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return now }}, logs
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func texts(s []heed.Sighting) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.Text)
	}
	return out
}

// zendeskTicketJSON is a ticket of the incremental export.
func zendeskTicketJSON(id int, subject, description string) map[string]any {
	return map[string]any{"url": fmt.Sprintf("https://lark.zendesk.com/api/v2/tickets/%d.json", id), "id": id,
		"via": map[string]any{"channel": "email"}, "created_at": "2026-11-20T10:00:00Z", "subject": subject,
		"description": description, "status": "open", "tags": []string{}}
}

// TestHelpDeskZendeskAPI pages through Zendesk's incremental export from its start_time, following
// after_url (on the API's own host only) and after_cursor until end_of_stream, waiting out a 429 with
// Retry-After, with the token in a Basic header that never reaches the log; a ticket that comes again on
// a later page is heard once.
func TestHelpDeskZendeskAPI(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var limited atomic.Bool
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != basic("agent@lark.example/token", "zd-secret-token") {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"Couldn't authenticate you"}`)
			return
		}
		if r.URL.Path != "/api/v2/incremental/tickets/cursor.json" {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		var page map[string]any
		switch {
		case q.Get("start_time") == strconv.FormatInt(now.Add(-30*24*time.Hour).Unix(), 10):
			page = map[string]any{"tickets": []any{zendeskTicketJSON(1, "How do I pair the Lark app?", ""), zendeskTicketJSON(2, "Help", "Hi,\nIs the Lark waterproof?")},
				"after_url": srv.URL + "/api/v2/incremental/tickets/cursor.json?cursor=c2", "after_cursor": "c2", "end_of_stream": false}
		case q.Get("cursor") == "c2" && !limited.Swap(true):
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		case q.Get("cursor") == "c2":
			// after_url on another host: not followed (the token would go there); the cursor is.
			page = map[string]any{"tickets": []any{zendeskTicketJSON(3, "Lark battery recall, call 07700 900461", "")},
				"after_url": "http://other.example/api/v2/incremental/tickets/cursor.json?cursor=c3", "after_cursor": "c3", "end_of_stream": false}
		case q.Get("cursor") == "c3":
			// Ticket 2 again: a ticket updated while the export ran comes again on a later page.
			page = map[string]any{"tickets": []any{zendeskTicketJSON(2, "Help", "Hi,\nIs the Lark waterproof?"), zendeskTicketJSON(4, "Where can I buy a Lark?", "")}, "after_url": nil, "after_cursor": "c4", "end_of_stream": true}
		default:
			t.Errorf("unexpected call %s", r.URL)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		json.NewEncoder(w).Encode(page)
	}))
	defer srv.Close()
	d, logs := apiDeps(t, map[string]string{"HEED_ZENDESK_TOKEN": "zd-secret-token"}, now)
	start := time.Now()
	got, err := fetchHelpDesk(t, "helpdesk="+srv.URL+";format=zendesk;email=agent@lark.example", d)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"How do I pair the Lark app?", "Is the Lark waterproof?", "Lark battery recall, call [phone]", "Where can I buy a Lark?"}
	if diff := cmp.Diff(want, texts(got)); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if got[3].Position != 4 || got[3].URL != "zendesk:ticket/4" {
		t.Errorf("last sighting %+v: want position 4, url zendesk:ticket/4", got[3])
	}
	if !strings.Contains(logs.String(), "reason=duplicate count=1") {
		t.Errorf("the ticket that came twice is not counted as a duplicate:\n%s", logs)
	}
	if time.Since(start) < 900*time.Millisecond {
		t.Error("the 429 with Retry-After: 1 was not waited out")
	}
	if !limited.Load() {
		t.Error("the 429 was never served")
	}
	if strings.Contains(logs.String(), "zd-secret-token") || strings.Contains(logs.String(), base64.StdEncoding.EncodeToString([]byte("agent@lark.example/token:zd-secret-token"))) {
		t.Errorf("the token reached the log:\n%s", logs)
	}
}

// TestHelpDeskAPIFailures: a refused token fails the unit with an error that names neither the token
// nor the ticket texts; a later page that fails keeps the pages before it (crawler.ReadPages).
func TestHelpDeskAPIFailures(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != basic("agent@lark.example/token", "good-token") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if calls.Add(1) > 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"tickets": []any{zendeskTicketJSON(1, "Lark gears slip", "")}, "after_cursor": "c2", "end_of_stream": false})
	}))
	defer srv.Close()
	now := time.Now()
	d, _ := apiDeps(t, map[string]string{"HEED_ZENDESK_TOKEN": "wrong-token"}, now)
	_, err := fetchHelpDesk(t, "helpdesk="+srv.URL+";format=zendesk;email=agent@lark.example", d)
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") || strings.Contains(err.Error(), "wrong-token") {
		t.Errorf("a refused token: %v", err)
	}
	d, logs := apiDeps(t, map[string]string{"ZD": "good-token"}, now)
	got, err := fetchHelpDesk(t, "helpdesk="+srv.URL+";format=zendesk;email=agent@lark.example;token_env=ZD", d)
	if err != nil || len(got) != 1 || got[0].Text != "Lark gears slip" {
		t.Errorf("a failing second page: %v, %v", texts(got), err)
	}
	if !strings.Contains(logs.String(), "page_http_5xx") {
		t.Errorf("the failed page was not logged as such:\n%s", logs)
	}
}

// freshdeskTicketJSON is a ticket of Freshdesk's list.
func freshdeskTicketJSON(id int, subject string) map[string]any {
	return map[string]any{"id": id, "subject": subject, "description_text": "", "description": "", "status": 2, "source": 1,
		"spam": false, "priority": 1, "requester_id": 7, "created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-20T10:00:00Z"}
}

// TestHelpDeskFreshdeskAPI pages through Freshdesk's ticket list while a page is full or its Link
// header names a next page, with the API key in a Basic header.
func TestHelpDeskFreshdeskAPI(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.Header.Get("Authorization") != basic("fd-api-key", "X") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.URL.Path != "/api/v2/tickets" || q.Get("per_page") != "100" || q.Get("include") != "description" || q.Get("updated_since") != "2026-11-01T12:00:00Z" {
			t.Errorf("unexpected call %s", r.URL)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		var tickets []any
		switch q.Get("page") {
		case "1": // a full page: there may be more
			for i := range 100 {
				tickets = append(tickets, freshdeskTicketJSON(i+1, fmt.Sprintf("Lark question %d", i+1)))
			}
		case "2": // not full, but a Link header names the next page
			w.Header().Set("Link", fmt.Sprintf(`<%s/api/v2/tickets?page=3&per_page=100>; rel="next"`, "https://lark.freshdesk.com"))
			tickets = []any{freshdeskTicketJSON(101, "Lark question 101"), freshdeskTicketJSON(102, "Lark question 102")}
		case "3":
			tickets = []any{freshdeskTicketJSON(103, "Lark question 103")}
		default:
			t.Errorf("page %s asked for", q.Get("page"))
		}
		json.NewEncoder(w).Encode(tickets)
	}))
	defer srv.Close()
	d, _ := apiDeps(t, map[string]string{"HEED_FRESHDESK_TOKEN": "fd-api-key"}, now)
	got, err := fetchHelpDesk(t, "helpdesk="+srv.URL+";format=freshdesk", d)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 103 || got[102].Text != "Lark question 103" || got[102].Position != 103 || got[102].Status != "open" || got[102].Channel != "email" {
		t.Errorf("got %d sightings, last %+v; want 103", len(got), got[len(got)-1])
	}
}

// TestHelpDeskIntercomAPI pages through Intercom's conversations by pages.next.starting_after with a
// Bearer token, keeping the conversations customers started since the window's start.
func TestHelpDeskIntercomAPI(t *testing.T) {
	now := time.Unix(1762333200, 0).Add(24 * time.Hour) // a day after the fixture's last conversation
	page1, err := os.ReadFile(fixture("intercom.json"))
	if err != nil {
		t.Fatal(err)
	}
	page1 = bytes.Replace(page1, []byte(`"total_pages": 1}`), []byte(`"total_pages": 2, "next": {"page": 2, "starting_after": "WzE3NjIzMzMyMDAsMzAwNF0="}}`), 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer ic-token" || r.URL.Path != "/conversations" || r.URL.Query().Get("per_page") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Query().Get("starting_after") {
		case "":
			w.Write(page1)
		case "WzE3NjIzMzMyMDAsMzAwNF0=":
			fmt.Fprint(w, `{"type":"conversation.list","pages":{"type":"pages","page":2,"per_page":50,"total_pages":2},"conversations":[
{"type":"conversation","id":"3006","created_at":1762333200,"state":"open","source":{"type":"conversation","delivered_as":"customer_initiated","subject":"","body":"<p>Do you ship the Lark to Ireland?</p>","author":{"type":"user","id":"u6"}}},
{"type":"conversation","id":"2001","created_at":1700000000,"state":"closed","source":{"type":"conversation","delivered_as":"customer_initiated","subject":"","body":"<p>An old question?</p>","author":{"type":"user","id":"u7"}}}]}`)
		default:
			t.Errorf("unexpected call %s", r.URL)
		}
	}))
	defer srv.Close()
	d, _ := apiDeps(t, map[string]string{"HEED_INTERCOM_TOKEN": "ic-token"}, now)
	got, err := fetchHelpDesk(t, "helpdesk="+srv.URL+";format=intercom", d)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Is there a Lark dealer near Leeds?", "Lark saddle height for tall riders", "Do you ship the Lark to Ireland?"}
	if diff := cmp.Diff(want, texts(got)); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

package review

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/report"
)

type memStore struct {
	mu    sync.Mutex
	os    []heed.Override
	pages []heed.Page
}

func (m *memStore) Pages(context.Context) ([]heed.Page, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]heed.Page{}, m.pages...), nil
}

// storedPages are the organisation's pages as a run stored them.
var storedPages = []heed.Page{{URL: "https://lark.example/charge", Title: "Charge"}, {URL: "https://lark.example/cargo", Title: "Cargo"}}

func (m *memStore) PutOverride(_ context.Context, o heed.Override) error {
	if err := o.Validate(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.os = append(m.os, o)
	return nil
}
func (m *memStore) DeleteOverride(_ context.Context, scope heed.OverrideScope, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var keep []heed.Override
	for _, o := range m.os {
		if o.Scope != scope || o.Key != key {
			keep = append(keep, o)
		}
	}
	m.os = keep
	return nil
}
func (m *memStore) Overrides(context.Context) ([]heed.Override, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]heed.Override{}, m.os...), nil
}

const hostile = `<script>window.heedPwned=1</script><img src=x onerror=alert(1)>`

func writeReport(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	r := &report.Report{Schema: report.Schema, Organisation: "Lark " + hostile,
		Summary: report.Summary{Requests: 3, Answered: 1, Gaps: 2, Coverage: 1.0 / 3, Topics: 1},
		Gaps: []report.Request{
			{Key: "lark child seat", Text: "lark child seat", GapKind: heed.GapNoContent, Intent: heed.Informational, Topic: "kid seat"},
			{Key: "x", Text: "lark jobs " + hostile, GapKind: heed.GapWeakMatch, URL: "javascript:alert(1)"},
		},
		Answered: []report.Request{{Key: "charge", Text: "charge lark battery", URL: "https://lark.example/charge", PageTitle: "Charge"}},
		Topics:   []report.Topic{{Topic: heed.Topic{Key: "kid seat", Label: "lark child seat", Requests: []string{"lark child seat"}, Texts: []string{"lark child seat"}}}},
		Pages:    []report.Page{{URL: "https://lark.example/charge", Title: "Charge"}, {URL: "https://lark.example/cargo", Title: "Cargo"}},
	}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, report.JSONFile), b.Bytes(), 0o644)
	return dir
}

func do(t *testing.T, h http.Handler, method, path string, form url.Values, auth func(*http.Request)) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if auth != nil {
		auth(req)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestReadOnlyWithoutCredentials(t *testing.T) {
	st := &memStore{}
	h := &Handler{Store: st, ReportDir: writeReport(t)}
	res, body := do(t, h, "GET", "/review/", nil, nil)
	if res.StatusCode != 200 || !strings.Contains(body, `data-figure="requests"><span class="n">3<`) {
		t.Fatalf("GET /review/ = %d\n%s", res.StatusCode, body)
	}
	if strings.Contains(body, "<form method=\"post\"") || !strings.Contains(body, "Read-only") {
		t.Error("read-only page offers decisions")
	}
	if strings.Contains(body, "<script>window") || strings.Contains(body, "<img src=x") || strings.Contains(body, `href="javascript:`) {
		t.Error("hostile text reached the page unescaped")
	}
	for k, want := range map[string]string{"Content-Security-Policy": "default-src 'none'", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"} {
		if !strings.Contains(res.Header.Get(k), want) {
			t.Errorf("%s = %q", k, res.Header.Get(k))
		}
	}
	res, _ = do(t, h, "POST", "/review/decide", url.Values{"scope": {"request"}, "key": {"x"}, "action": {"wont_answer"}}, nil)
	if res.StatusCode != http.StatusForbidden || len(st.os) != 0 {
		t.Errorf("POST without credentials configured = %d, %d stored", res.StatusCode, len(st.os))
	}
	if res, _ := do(t, h, "GET", "/review/login", nil, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("login without credentials configured = %d", res.StatusCode)
	}
}

func TestFilter(t *testing.T) {
	h := &Handler{Store: &memStore{}, ReportDir: writeReport(t)}
	_, body := do(t, h, "GET", "/review/?q=seat", nil, nil)
	if !strings.Contains(body, `data-shown="1"`) || strings.Contains(body, "lark jobs") {
		t.Errorf("filter q=seat:\n%s", body)
	}
	_, body = do(t, h, "GET", "/review/?kind=weak_match", nil, nil)
	if !strings.Contains(body, `data-shown="1"`) || !strings.Contains(body, "lark jobs") {
		t.Error("filter kind=weak_match")
	}
}

func TestDecisions(t *testing.T) {
	st := &memStore{pages: storedPages}
	h := &Handler{Store: st, ReportDir: writeReport(t), Auth: Auth{Username: "ana", Password: "s3cret", Token: "tok"}}
	basic := func(r *http.Request) { r.SetBasicAuth("ana", "s3cret") }
	// Not signed in: read-only page, 401 on post and login.
	_, body := do(t, h, "GET", "/review/", nil, nil)
	if strings.Contains(body, `name="csrf"`) || !strings.Contains(body, "Sign in") {
		t.Error("a signed-out page offers forms")
	}
	if res, _ := do(t, h, "GET", "/review/login", nil, nil); res.StatusCode != 401 || !strings.Contains(res.Header.Get("WWW-Authenticate"), "Basic") {
		t.Errorf("login = %d", res.StatusCode)
	}
	form := url.Values{"scope": {"request"}, "key": {"lark child seat"}, "action": {"pin"}, "url": {"https://lark.example/cargo"}, "note": {"the cargo page covers it"}}
	if res, _ := do(t, h, "POST", "/review/decide", form, nil); res.StatusCode != 401 {
		t.Errorf("post signed out = %d", res.StatusCode)
	}
	// Signed in: forms with a token.
	_, body = do(t, h, "GET", "/review/", nil, basic)
	if !strings.Contains(body, `name="csrf" value="`+h.csrf()+`"`) {
		t.Fatal("signed-in page has no form token")
	}
	if res, _ := do(t, h, "POST", "/review/decide", form, basic); res.StatusCode != http.StatusForbidden {
		t.Errorf("post without the form token = %d", res.StatusCode)
	}
	form.Set("csrf", h.csrf())
	if res, _ := do(t, h, "POST", "/review/decide", form, func(r *http.Request) { basic(r); r.Header.Set("Sec-Fetch-Site", "cross-site") }); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site post = %d", res.StatusCode)
	}
	res, _ := do(t, h, "POST", "/review/decide", form, basic)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/review/?saved=1" {
		t.Fatalf("post = %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if len(st.os) != 1 || st.os[0].URL != "https://lark.example/cargo" || st.os[0].By != "ana" || st.os[0].Note != "the cargo page covers it" {
		t.Fatalf("stored %+v", st.os)
	}
	// A page that is not the organisation's is refused; so is a bad action.
	bad := url.Values{"csrf": {h.csrf()}, "scope": {"request"}, "key": {"x"}, "action": {"pin"}, "url": {"https://evil.example/"}}
	if res, _ := do(t, h, "POST", "/review/decide", bad, basic); res.StatusCode != 400 {
		t.Errorf("pin to a foreign page = %d", res.StatusCode)
	}
	bad.Set("action", "delete_everything")
	if res, _ := do(t, h, "POST", "/review/decide", bad, basic); res.StatusCode != 400 {
		t.Errorf("bad action = %d", res.StatusCode)
	}
	// The token works as a bearer token; won't answer a topic, then remove the pin.
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer tok") }
	topic := url.Values{"csrf": {h.csrf()}, "scope": {"topic"}, "key": {"kid seat"}, "action": {"wont_answer"}, "url": {"https://lark.example/cargo"}}
	if res, _ := do(t, h, "POST", "/review/decide", topic, bearer); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bearer post = %d", res.StatusCode)
	}
	if st.os[1].URL != "" || st.os[1].Scope != heed.ScopeTopic {
		t.Errorf("won't answer stored %+v", st.os[1])
	}
	rm := url.Values{"csrf": {h.csrf()}, "scope": {"request"}, "key": {"lark child seat"}, "action": {"remove"}}
	do(t, h, "POST", "/review/decide", rm, basic)
	if len(st.os) != 1 || st.os[0].Scope != heed.ScopeTopic {
		t.Errorf("after remove %+v", st.os)
	}
	_, body = do(t, h, "GET", "/review/", nil, basic)
	if !strings.Contains(body, "topic: kid seat") || !strings.Contains(body, `data-figure="decisions"><span class="n">1<`) {
		t.Error("the kept decision is not listed")
	}
}

func TestNoReportYet(t *testing.T) {
	h := &Handler{Store: &memStore{}, ReportDir: t.TempDir()}
	res, body := do(t, h, "GET", "/review/", nil, nil)
	if res.StatusCode != 200 || !strings.Contains(body, "No report yet") {
		t.Errorf("%d %s", res.StatusCode, body)
	}
}

// TestPinsNeedAStoredPage: a pin names one of the pages the store holds, report or no report; anything
// else (a script or data url, a foreign page, a page before any run stored pages) is refused and nothing
// is stored.
func TestPinsNeedAStoredPage(t *testing.T) {
	basic := func(r *http.Request) { r.SetBasicAuth("ana", "s3cret") }
	for _, tt := range []struct {
		name   string
		pages  []heed.Page
		report bool
		url    string
		code   int
	}{
		{"javascript, no report", storedPages, false, "javascript:alert(document.cookie)", 400},
		{"data, no report", storedPages, false, "data:text/html,<script>alert(1)</script>", 400},
		{"foreign page, no report", storedPages, false, "https://evil.example/", 400},
		{"relative, no report", storedPages, false, "/charge", 400},
		{"nothing stored yet", nil, false, "https://lark.example/cargo", 400},
		{"javascript, with a report", storedPages, true, "javascript:alert(1)", 400},
		{"in the report, no longer stored", storedPages[:1], true, "https://lark.example/cargo", 400},
		{"stored page, no report", storedPages, false, "https://lark.example/cargo", http.StatusSeeOther},
		{"stored page, with a report", storedPages, true, "https://lark.example/charge", http.StatusSeeOther},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := &memStore{pages: tt.pages}
			dir := t.TempDir()
			if tt.report {
				dir = writeReport(t)
			}
			h := &Handler{Store: st, ReportDir: dir, Auth: Auth{Username: "ana", Password: "s3cret"}}
			form := url.Values{"csrf": {h.csrf()}, "scope": {"request"}, "key": {"lark child seat"}, "action": {"pin"}, "url": {tt.url}}
			res, body := do(t, h, "POST", "/review/decide", form, basic)
			if res.StatusCode != tt.code {
				t.Fatalf("pin %q = %d %q, want %d", tt.url, res.StatusCode, body, tt.code)
			}
			if tt.code != 400 {
				if len(st.os) != 1 || st.os[0].URL != tt.url {
					t.Errorf("stored %+v", st.os)
				}
				return
			}
			if len(st.os) != 0 {
				t.Errorf("a refused pin was stored: %+v", st.os)
			}
			if !strings.Contains(body, "pin:") {
				t.Errorf("the refusal does not say why: %q", body)
			}
		})
	}
}

// TestBidiControlsDoNotReachThePage: crawled text can carry bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE
// and its kin) that would reorder what the page shows after them; none reaches the page.
func TestBidiControlsDoNotReachThePage(t *testing.T) {
	dir := t.TempDir()
	spoof := "lark \u202eexe.tnemyap\u202c seat \u2067x\u2069 \u200f\u061c"
	r := &report.Report{Schema: report.Schema, Organisation: "Lark\u202e",
		Gaps:     []report.Request{{Key: "k", Text: spoof, Reason: spoof, GapKind: heed.GapNoContent, URL: "https://lark.example/\u202ex", PageTitle: spoof}},
		Answered: []report.Request{{Key: "a", Text: spoof, URL: "https://lark.example/charge", PageTitle: spoof}},
		Topics:   []report.Topic{{Topic: heed.Topic{Key: "k\u202e", Label: spoof, Texts: []string{spoof}}}},
		Pages:    []report.Page{{URL: "https://lark.example/charge", Title: spoof}},
	}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, report.JSONFile), b.Bytes(), 0o644)
	st := &memStore{pages: storedPages, os: []heed.Override{{Scope: heed.ScopeRequest, Key: "k", Action: heed.OverrideWontAnswer, Note: spoof, By: "ana\u202e"}}}
	h := &Handler{Store: st, ReportDir: dir, Auth: Auth{Token: "tok"}}
	_, body := do(t, h, "GET", "/review/?q=lark", nil, func(r *http.Request) { r.Header.Set("Authorization", "Bearer tok") })
	if !strings.Contains(body, "exe.tnemyap") {
		t.Fatalf("the text is not shown at all:\n%s", body)
	}
	for _, c := range bidiControls {
		if strings.ContainsRune(body, c) {
			t.Errorf("the page holds %U", c)
		}
	}
}

var bidiControls = []rune{'\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'}

// TestKindFilterNarrowsTopics: filtering by gap kind shows the topics holding a gap of that kind, not
// every topic.
func TestKindFilterNarrowsTopics(t *testing.T) {
	h := &Handler{Store: &memStore{}, ReportDir: writeReport(t)}
	for _, tt := range []struct {
		kind      string
		wantTopic bool
	}{{"", true}, {"no_content", true}, {"weak_match", false}, {"wrong_page_type", false}} {
		_, body := do(t, h, "GET", "/review/?kind="+tt.kind, nil, nil)
		topics := body[strings.Index(body, `id="topics-table"`):]
		topics = topics[:strings.Index(topics, "</table>")]
		if got := strings.Contains(topics, "key: kid seat"); got != tt.wantTopic {
			t.Errorf("kind=%q: topic kid seat shown %v, want %v", tt.kind, got, tt.wantTopic)
		}
	}
}

// TestTopicRequestsHaveNoStraySeparator: a topic's requests are listed with separators between them,
// not one after the last.
func TestTopicRequestsHaveNoStraySeparator(t *testing.T) {
	h := &Handler{Store: &memStore{}, ReportDir: writeReport(t)}
	_, body := do(t, h, "GET", "/review/", nil, nil)
	if !strings.Contains(body, `<div class="why">lark child seat</div>`) {
		t.Errorf("topic requests not listed plainly:\n%s", body)
	}
}

// TestTopicsAndGapsLinkEachOther: on the review page a gap links its topic's row and the topic row is
// there to land on.
func TestTopicsAndGapsLinkEachOther(t *testing.T) {
	h := &Handler{Store: &memStore{}, ReportDir: writeReport(t)}
	_, body := do(t, h, "GET", "/review/", nil, nil)
	id := report.Anchor("topic", "kid seat")
	for _, want := range []string{`<tr id="` + id + `">`, `<a href="#` + id + `">lark child seat</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("review page lacks %s", want)
		}
	}
}

package responder

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/heed-dev/heed"
)

func TestHandler(t *testing.T) {
	m := newTestMatcher(t, testSite(t))
	srv := httptest.NewServer(NewHandler(classifier, m))
	defer srv.Close()
	get := func(path string) (int, http.Header, map[string]any) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			t.Fatalf("GET %s: body is not JSON: %v", path, err)
		}
		return res.StatusCode, res.Header, body
	}
	tests := []struct {
		name, path string
		code       int
		check      func(t *testing.T, body map[string]any)
	}{
		{"answered", "/api/respond?q=" + url.QueryEscape("how long does it take to charge the battery"), 200, func(t *testing.T, b map[string]any) {
			if b["url"] != base+"/help/charge-battery" || b["gap"] != false || b["gap_kind"] != "none" || b["intent"] != "informational" {
				t.Errorf("body %v", b)
			}
			if _, ok := b["reason"]; ok {
				t.Error("reason given without explain=1")
			}
			if b["title"] != titleOf(t, m, base+"/help/charge-battery") {
				t.Errorf("title %v, want the page's title", b["title"])
			}
			alts, _ := b["alternatives"].([]any)
			for _, a := range alts {
				a := a.(map[string]any)
				if a["title"] != titleOf(t, m, a["url"].(string)) {
					t.Errorf("alternative %v: want its page's title", a)
				}
			}
			for _, k := range []string{"text", "intent", "url", "title", "score", "gap", "gap_kind", "alternatives"} {
				if _, ok := b[k]; !ok {
					t.Errorf("field %q missing (contracts.md)", k)
				}
			}
		}},
		{"gap with no page", "/api/respond?q=zzqx+flurb", 200, func(t *testing.T, b map[string]any) {
			if b["url"] != nil || b["title"] != nil || b["gap"] != true || b["gap_kind"] != "no_content" {
				t.Errorf("body %v", b)
			}
		}},
		{"explained", "/api/respond?explain=1&q=lark+care+insurance+cost", 200, func(t *testing.T, b map[string]any) {
			ex, _ := b["explain"].(map[string]any)
			if b["reason"] == "" || ex == nil || ex["answer_threshold"] == nil {
				t.Errorf("no explanation: %v", b)
			}
		}},
		{"hostile text comes back as data", "/api/respond?q=" + url.QueryEscape("<script>alert(1)</script> \xff battery"), 200, func(t *testing.T, b map[string]any) {
			if s, _ := b["text"].(string); !strings.Contains(s, "<script>") || !strings.Contains(s, "\uFFFD") {
				t.Errorf("text %q: want the request as sent, invalid bytes replaced", s)
			}
		}},
		{"long request is cut", "/api/respond?q=" + strings.Repeat("battery+", 300), 200, func(t *testing.T, b map[string]any) {
			if b["truncated"] != true {
				t.Errorf("truncated = %v", b["truncated"])
			}
		}},
		{"missing q", "/api/respond", 400, nil},
		{"too long", "/api/respond?q=" + strings.Repeat("a", MaxQuery+1), 413, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, h, body := get(tt.path)
			if code != tt.code {
				t.Fatalf("status %d, want %d (%v)", code, tt.code, body)
			}
			if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("headers %v", h)
			}
			if tt.code != 200 && body["error"] == "" {
				t.Errorf("no error message: %v", body)
			}
			if tt.check != nil {
				tt.check(t, body)
			}
		})
	}
	res, err := http.Post(srv.URL+"/api/respond?q=x", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", res.StatusCode)
	}
}

// titleOf is the title of the page at url, failing when there is none.
func titleOf(t *testing.T, m *Matcher, url string) string {
	t.Helper()
	for _, p := range m.Index().Pages() {
		if p.URL == url && p.Title != "" {
			return p.Title
		}
	}
	t.Fatalf("no page %s with a title", url)
	return ""
}

// TestHandlerAppliesDecisions: /api/respond answers as the content team decided, as a run would: a pin
// (on the request, or on the topic a run put it in) names the pinned page, "won't answer" is said, and
// removing the decision gives heed's own answer back.
func TestHandlerAppliesDecisions(t *testing.T) {
	m := newTestMatcher(t, testSite(t))
	h := NewHandler(classifier, m)
	const q = "how long does it take to charge the battery"
	ask := func(text string) Answer {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/respond?explain=1&q="+url.QueryEscape(text), nil))
		var a Answer
		if err := json.NewDecoder(rec.Body).Decode(&a); err != nil || rec.Code != 200 {
			t.Fatalf("%d %v", rec.Code, err)
		}
		return a
	}
	own := ask(q)
	other := base + "/help/battery-range"
	pin := heed.Override{Scope: heed.ScopeRequest, Key: heed.Normalize(q), Action: heed.OverridePin, URL: other}
	gapText := "zzqx flurb"
	tests := []struct {
		name      string
		overrides []heed.Override
		viaTopic  map[string]heed.Override
		text      string
		url       string
		override  heed.OverrideAction
		gap       bool
	}{
		{"heed's own", nil, nil, q, *own.URL, heed.OverrideNone, false},
		{"pinned request", []heed.Override{pin}, nil, q, other, heed.OverridePin, false},
		{"pinned, asked in other case and punctuation", []heed.Override{pin}, nil, "How long does it take to charge the battery?", other, heed.OverridePin, false},
		{"pinned through its topic", nil, map[string]heed.Override{heed.Normalize(gapText): {Scope: heed.ScopeTopic, Key: "flurb zzqx", Action: heed.OverridePin, URL: other}}, gapText, other, heed.OverridePin, false},
		{"won't answer", []heed.Override{{Scope: heed.ScopeRequest, Key: heed.Normalize(gapText), Action: heed.OverrideWontAnswer}}, nil, gapText, "", heed.OverrideWontAnswer, true},
		{"topic decisions are not matched by key alone", []heed.Override{{Scope: heed.ScopeTopic, Key: heed.Normalize(q), Action: heed.OverridePin, URL: other}}, nil, q, *own.URL, heed.OverrideNone, false},
		{"removed", nil, nil, q, *own.URL, heed.OverrideNone, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.SetDecisions(NewDecisions(tt.overrides, tt.viaTopic))
			a := ask(tt.text)
			got := ""
			if a.URL != nil {
				got = *a.URL
			}
			if got != tt.url || a.Override != tt.override || a.Gap != tt.gap {
				t.Errorf("url %q override %q gap %v, want %q %q %v (reason %q)", got, a.Override, a.Gap, tt.url, tt.override, tt.gap, a.Reason)
			}
			if tt.url != "" && (a.Title == nil || *a.Title != titleOf(t, m, tt.url)) {
				t.Errorf("title %v, want the title of %s", a.Title, tt.url)
			}
			if tt.override != heed.OverrideNone && !strings.Contains(a.Reason, "content team") {
				t.Errorf("reason %q does not say the content team decided", a.Reason)
			}
		})
	}
}

func TestHandlerWithoutPages(t *testing.T) {
	h := NewHandler(classifier, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/respond?q=battery", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("no matcher: %d, want 503", rec.Code)
	}
	h.SetMatcher(newTestMatcher(t, []heed.Page{{URL: base + "/a", Title: "Battery care"}}))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/respond?q=battery", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("after SetMatcher: %d, want 200", rec.Code)
	}
}

func BenchmarkHandler(b *testing.B) {
	h := NewHandler(classifier, newTestMatcher(b, testSite(b)))
	req := httptest.NewRequest("GET", "/api/respond?q=how+far+can+a+lark+go+on+one+battery", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}

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
			for _, k := range []string{"text", "intent", "url", "score", "gap", "gap_kind", "alternatives"} {
				if _, ok := b[k]; !ok {
					t.Errorf("field %q missing (contracts.md)", k)
				}
			}
		}},
		{"gap with no page", "/api/respond?q=zzqx+flurb", 200, func(t *testing.T, b map[string]any) {
			if b["url"] != nil || b["gap"] != true || b["gap_kind"] != "no_content" {
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

package review

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed/report"
)

// TestConversationsEndpoint: /api/conversations lists the pages that answer public questions, and
// gives one page's questions and threads, readable from any origin; a page not in the report is a 404,
// and before any report a 503.
func TestConversationsEndpoint(t *testing.T) {
	dir := t.TempDir()
	h := Conversations{Review: &Handler{ReportDir: dir}}
	get := func(path string) (int, http.Header, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, rec.Header(), rec.Body.String()
	}
	if code, _, _ := get("/api/conversations"); code != http.StatusServiceUnavailable {
		t.Errorf("before a report: %d, want 503", code)
	}
	conv := report.Conversation{Text: "how long to charge a lark", Threads: []string{"https://forum.example/t/1"}, Unanswered: 1, Views: 90, Demand: 3.5}
	r := &report.Report{Schema: report.Schema, Pages: []report.Page{
		{URL: "https://lark.example/charge", Title: "Charge", Conversations: []report.Conversation{conv}},
		{URL: "https://lark.example/cargo", Title: "Cargo"},
	}}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, report.JSONFile), b.Bytes(), 0o644)

	code, hdr, body := get("/api/conversations")
	var list []pageCount
	json.Unmarshal([]byte(body), &list)
	if code != 200 || hdr.Get("Access-Control-Allow-Origin") != "*" || !cmp.Equal(list, []pageCount{{URL: "https://lark.example/charge", Title: "Charge", Conversations: 1}}) {
		t.Errorf("listing: %d %v %s", code, hdr, body)
	}
	code, _, body = get("/api/conversations?url=" + url.QueryEscape("https://lark.example/charge"))
	var one conversationsReply
	json.Unmarshal([]byte(body), &one)
	if code != 200 || one.Title != "Charge" || !cmp.Equal(one.Conversations, []report.Conversation{conv}) {
		t.Errorf("one page: %d %s", code, body)
	}
	if code, _, body := get("/api/conversations?url=" + url.QueryEscape("https://lark.example/cargo")); code != 200 || body != "{\"url\":\"https://lark.example/cargo\",\"title\":\"Cargo\",\"conversations\":[]}\n" {
		t.Errorf("a page with none: %d %s", code, body)
	}
	if code, _, _ := get("/api/conversations?url=https://elsewhere.example/"); code != http.StatusNotFound {
		t.Errorf("unknown page: %d, want 404", code)
	}
}

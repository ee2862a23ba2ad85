package review

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"

	"github.com/heed-dev/heed/report"
)

// Conversations serves /api/conversations?url=PAGE: the public questions and threads a page answers,
// from the last run's report, as JSON, so that a site can show real customer questions beside the
// product or article they concern. Without url it lists every page that has some (url, title and how
// many). The answers are public forum questions: any origin may read them.
type Conversations struct {
	Review *Handler // whose report it reads (gaps.json, read again when it changed)
}

// conversationsReply is the body for one page.
type conversationsReply struct {
	URL           string                `json:"url"`
	Title         string                `json:"title"`
	Conversations []report.Conversation `json:"conversations"`
}

// pageCount is one line of the listing.
type pageCount struct {
	URL           string `json:"url"`
	Title         string `json:"title"`
	Conversations int    `json:"conversations"`
}

func (c Conversations) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		jsonError(w, http.StatusMethodNotAllowed, "use GET /api/conversations?url=PAGE")
		return
	}
	rep, err := c.Review.load()
	switch {
	case errors.Is(err, os.ErrNotExist):
		jsonError(w, http.StatusServiceUnavailable, "no report yet: a run writes it")
		return
	case err != nil:
		c.Review.log().Error("conversations: report not read", "err", err)
		jsonError(w, http.StatusInternalServerError, "the last report could not be read")
		return
	}
	want := r.URL.Query().Get("url")
	if want == "" {
		list := []pageCount{}
		for _, p := range rep.Pages {
			if len(p.Conversations) > 0 {
				list = append(list, pageCount{URL: p.URL, Title: p.Title, Conversations: len(p.Conversations)})
			}
		}
		json.NewEncoder(w).Encode(list)
		return
	}
	for _, p := range rep.Pages {
		if p.URL == want {
			cs := p.Conversations
			if cs == nil {
				cs = []report.Conversation{}
			}
			json.NewEncoder(w).Encode(conversationsReply{URL: p.URL, Title: p.Title, Conversations: cs})
			return
		}
	}
	jsonError(w, http.StatusNotFound, "no such page in the last report")
}

func jsonError(w http.ResponseWriter, code int, msg string) {
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

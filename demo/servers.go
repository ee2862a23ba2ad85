package demo

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Servers are the sample world's services, each on its own loopback port.
type Servers struct {
	Site    string // the help centre's root URL
	Suggest string // the suggestion service's URL template, {q} for the query
	API     string // the Stack Exchange API's scheme://host:port
	servers []*http.Server
}

// Start serves w from loopback until ctx ends or Close is called.
func Start(ctx context.Context, w *World) (*Servers, error) {
	s := &Servers{}
	site, err := s.serve(ctx, siteHandler(w, func() string { return s.Site }))
	if err != nil {
		return nil, err
	}
	s.Site = site + "/"
	sug, err := s.serve(ctx, suggestHandler(w))
	if err != nil {
		s.Close()
		return nil, err
	}
	s.Suggest = sug + "/complete/search?client=firefox&hl=en&q={q}"
	api, err := s.serve(ctx, stackExchangeHandler(w))
	if err != nil {
		s.Close()
		return nil, err
	}
	s.API = api
	return s, nil
}

func (s *Servers) serve(ctx context.Context, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("demo: listen on loopback: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	s.servers = append(s.servers, srv)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the demo's run reports the fetch errors this causes
		}
	}()
	return "http://" + ln.Addr().String(), nil
}

// Close stops the servers.
func (s *Servers) Close() {
	for _, srv := range s.servers {
		srv.Close()
	}
}

// suggestHandler answers like a search engine's suggestion endpoint (client=firefox): the OpenSearch
// shape, up to ten known queries that start with the typed text, most popular first. For a question word
// typed before a seed ("how lark battery"), it offers the queries that start with that word and hold the
// seed's words, as engines do.
func suggestHandler(w *World) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/complete/search" {
			http.NotFound(rw, r)
			return
		}
		q := strings.ToLower(strings.Join(strings.Fields(r.URL.Query().Get("q")), " "))
		out := []string{}
		if q != "" {
			out = complete(w.Suggestions, q, 10)
		}
		rw.Header().Set("Content-Type", "application/x-suggestions+json; charset=utf-8")
		json.NewEncoder(rw).Encode([]any{r.URL.Query().Get("q"), out, []string{}, []string{}})
	})
}

func complete(all []Suggestion, q string, n int) []string {
	out := []string{}
	for _, s := range all {
		if strings.HasPrefix(strings.ToLower(s.Text), q) {
			out = append(out, s.Text)
			if len(out) == n {
				return out
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	words := strings.Fields(q)
	if len(words) < 2 {
		return out
	}
	for _, s := range all {
		t := strings.ToLower(s.Text)
		if !strings.HasPrefix(t, words[0]+" ") {
			continue
		}
		all := true
		for _, w := range words[1:] {
			if !strings.Contains(t, w) {
				all = false
				break
			}
		}
		if all {
			out = append(out, s.Text)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// seQuestion is the part of a forum question the sample API filters and sorts on.
type seQuestion struct {
	Title        string   `json:"title"`
	Tags         []string `json:"tags"`
	CreationDate int64    `json:"creation_date"`
	IsAnswered   bool     `json:"is_answered"`
}

// stackExchangeHandler answers like the Stack Exchange API 2.3: search/advanced, questions and
// questions/unanswered, paged with has_more, always gzip-compressed, with the quota fields.
func stackExchangeHandler(w *World) http.Handler {
	type item struct {
		raw json.RawMessage
		q   seQuestion
	}
	var items []item
	for _, raw := range w.Forum {
		var q seQuestion
		if json.Unmarshal(raw, &q) == nil {
			items = append(items, item{raw, q})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].q.CreationDate > items[j].q.CreationDate })
	quota := 300
	var quotaMu sync.Mutex // requests are served at once
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		v := r.URL.Query()
		var want func(q seQuestion) bool
		switch r.URL.Path {
		case "/2.3/search/advanced":
			words := strings.Fields(strings.ToLower(v.Get("q")))
			want = func(q seQuestion) bool { return hasWords(q, words) }
		case "/2.3/questions":
			want = func(seQuestion) bool { return true }
		case "/2.3/questions/unanswered":
			want = func(q seQuestion) bool { return !q.IsAnswered }
		default:
			seError(rw, 404, 404, "no_method", "no method found with this name")
			return
		}
		if v.Get("site") != "bicycles" {
			seError(rw, 400, 400, "bad_parameter", "site is required")
			return
		}
		tagged := strings.Split(strings.ToLower(v.Get("tagged")), ";")
		page, _ := strconv.Atoi(v.Get("page"))
		size, _ := strconv.Atoi(v.Get("pagesize"))
		if page < 1 {
			page = 1
		}
		if size < 1 || size > 100 {
			size = 30
		}
		var match []json.RawMessage
		for _, it := range items {
			if want(it.q) && hasTags(it.q, tagged) {
				match = append(match, it.raw)
			}
		}
		lo := min((page-1)*size, len(match))
		hi := min(lo+size, len(match))
		quotaMu.Lock()
		if quota > 0 {
			quota--
		}
		left := quota
		quotaMu.Unlock()
		body := map[string]any{"items": match[lo:hi], "has_more": hi < len(match), "quota_max": 300, "quota_remaining": left}
		writeGzipJSON(rw, 200, body)
	})
}

func hasWords(q seQuestion, words []string) bool {
	title := strings.ToLower(html.UnescapeString(q.Title))
	for _, w := range words {
		if strings.Contains(title, w) {
			continue
		}
		found := false
		for _, t := range q.Tags {
			if strings.EqualFold(t, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func hasTags(q seQuestion, tagged []string) bool {
	for _, want := range tagged {
		if want == "" {
			continue
		}
		found := false
		for _, t := range q.Tags {
			if strings.EqualFold(t, want) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func seError(rw http.ResponseWriter, status, id int, name, msg string) {
	writeGzipJSON(rw, status, map[string]any{"error_id": id, "error_name": name, "error_message": msg})
}

func writeGzipJSON(rw http.ResponseWriter, status int, v any) {
	rw.Header().Set("Content-Type", "application/json; charset=utf-8")
	rw.Header().Set("Content-Encoding", "gzip")
	rw.WriteHeader(status)
	zw := gzip.NewWriter(rw)
	json.NewEncoder(zw).Encode(v)
	zw.Close()
}

// canonical is the URL the site declares for a path.
func canonical(w *World, path string) string {
	return (&url.URL{Scheme: "https", Host: w.Host, Path: path}).String()
}

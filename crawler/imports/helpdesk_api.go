package imports

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// get fetches one page of the API with the source's credentials. A status that is not 2xx is an error
// that names the URL (its secrets dropped), never the credentials.
func (h *HelpDesk) get(ctx context.Context, rawURL string) (*crawler.Response, error) {
	hdr := http.Header{"Accept": {"application/json"}, "Authorization": {h.auth}}
	if h.format == "intercom" {
		hdr.Set("Intercom-Version", "2.11")
	}
	resp, err := h.d.Fetch.Get(ctx, rawURL, crawler.GetOptions{Source: h.name, Header: hdr})
	if err != nil {
		return nil, err
	}
	if err := crawler.CheckStatus(resp); err != nil {
		if resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden {
			return nil, fmt.Errorf("%w (check the token and the account it belongs to)", err)
		}
		return nil, err
	}
	return resp, nil
}

// sinceTime is the start of the window the API is asked about.
func (h *HelpDesk) sinceTime() time.Time {
	return h.d.Now().Add(-time.Duration(h.since) * 24 * time.Hour).UTC()
}

// zendeskPages reads Zendesk's incremental ticket export, cursor based: GET
// /api/v2/incremental/tickets/cursor.json?start_time=EPOCH, then its after_url (or ?cursor=after_cursor)
// until end_of_stream.
func (h *HelpDesk) zendeskPages(ctx context.Context, tl *tally) func(int) ([]heed.Sighting, bool, error) {
	endpoint := h.root + "/api/v2/incremental/tickets/cursor.json"
	next := endpoint + "?start_time=" + strconv.FormatInt(h.sinceTime().Unix(), 10)
	return func(page int) ([]heed.Sighting, bool, error) {
		resp, err := h.get(ctx, next)
		if err != nil {
			return nil, false, fmt.Errorf("source %s: zendesk page %d: %w", h.name, page, err)
		}
		p, err := parseZendesk(resp.Body)
		if err != nil {
			return nil, false, fmt.Errorf("source %s: zendesk page %d: %w: %w", h.name, page, crawler.ErrParse, err)
		}
		out := h.sightings(p.tickets, p.bad, tl)
		if p.endOfStream {
			return out, false, nil
		}
		after := ""
		switch {
		case p.afterURL != "" && h.sameAPI(p.afterURL):
			after = p.afterURL
		case p.afterCursor != "":
			after = endpoint + "?cursor=" + url.QueryEscape(p.afterCursor)
		}
		if after == "" || after == next {
			return out, false, nil
		}
		next = after
		return out, true, nil
	}
}

// sameAPI reports whether a URL an API response names is on the configured API's host and below its
// path: the credentials go nowhere else.
func (h *HelpDesk) sameAPI(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil {
		return false
	}
	return strings.HasPrefix(u.Scheme+"://"+u.Host+u.Path, h.root+"/")
}

// freshdeskPerPage is the most tickets Freshdesk gives a page.
const freshdeskPerPage = 100

// freshdeskPages reads Freshdesk's ticket list: GET
// /api/v2/tickets?per_page=100&page=N&updated_since=ISO&include=description, on while a page is full or
// its Link header names a next page.
func (h *HelpDesk) freshdeskPages(ctx context.Context, tl *tally) func(int) ([]heed.Sighting, bool, error) {
	since := h.sinceTime().Format(time.RFC3339)
	return func(page int) ([]heed.Sighting, bool, error) {
		v := url.Values{"per_page": {strconv.Itoa(freshdeskPerPage)}, "page": {strconv.Itoa(page)},
			"updated_since": {since}, "include": {"description"}}
		resp, err := h.get(ctx, h.root+"/api/v2/tickets?"+v.Encode())
		if err != nil {
			return nil, false, fmt.Errorf("source %s: freshdesk page %d: %w", h.name, page, err)
		}
		tickets, bad, err := parseFreshdesk(resp.Body)
		if err != nil {
			return nil, false, fmt.Errorf("source %s: freshdesk page %d: %w: %w", h.name, page, crawler.ErrParse, err)
		}
		more := len(tickets)+bad >= freshdeskPerPage || linkNext(resp.Header.Get("Link"))
		return h.sightings(tickets, bad, tl), more && len(tickets)+bad > 0, nil
	}
}

// linkNext reports whether a Link header names a next page (rel="next").
func linkNext(link string) bool {
	for _, part := range strings.Split(link, ",") {
		for _, p := range strings.Split(part, ";")[1:] {
			p = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(p)), `"`, "")
			if p == "rel=next" {
				return true
			}
		}
	}
	return false
}

// intercomPerPage is the conversations asked for a page.
const intercomPerPage = 50

// intercomPages reads Intercom's conversation list: GET /conversations?per_page=N&starting_after=CURSOR,
// on while pages.next names a cursor. Conversations started before since are left out (the list has no
// filter by date).
func (h *HelpDesk) intercomPages(ctx context.Context, tl *tally) func(int) ([]heed.Sighting, bool, error) {
	cursor := ""
	since := h.sinceTime()
	return func(page int) ([]heed.Sighting, bool, error) {
		v := url.Values{"per_page": {strconv.Itoa(intercomPerPage)}}
		if cursor != "" {
			v.Set("starting_after", cursor)
		}
		resp, err := h.get(ctx, h.root+"/conversations?"+v.Encode())
		if err != nil {
			return nil, false, fmt.Errorf("source %s: intercom page %d: %w", h.name, page, err)
		}
		p, err := parseIntercom(resp.Body)
		if err != nil {
			return nil, false, fmt.Errorf("source %s: intercom page %d: %w: %w", h.name, page, crawler.ErrParse, err)
		}
		kept := p.tickets[:0]
		for _, t := range p.tickets {
			if t.created == nil || !t.created.Before(since) {
				kept = append(kept, t)
			}
		}
		more := p.next != "" && p.next != cursor
		cursor = p.next
		return h.sightings(kept, p.bad, tl), more, nil
	}
}

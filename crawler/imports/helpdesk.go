package imports

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

// Getter is what the first-party sources need of the crawler's fetcher (crawler.Fetcher) to call a
// vendor's API: a fetch with the crawler's politeness, retries and Retry-After, and the count of a
// later page that failed.
type Getter interface {
	Get(ctx context.Context, rawURL string, opt crawler.GetOptions) (*crawler.Response, error)
	// PageFailed counts a later page of a listing that failed.
	PageFailed(source string, page int, err error)
}

// Deps is what a first-party source (helpdesk, sitesearch, searchconsole) is built with. Every field
// may be left out: a source without Fetch reads files only; without Redact it redacts with the built-in
// patterns; Getenv defaults to os.Getenv and Now to time.Now.
type Deps struct {
	Fetch  Getter
	Redact *Redactor
	Log    *slog.Logger
	// Count counts the tickets skipped, by reason: invalid, empty, agent, spam, deleted, duplicate.
	Count  counter
	Getenv func(string) string
	Now    func() time.Time
}

// withDefaults fills in what d leaves out.
func (d Deps) withDefaults() Deps {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Redact == nil {
		d.Redact = &Redactor{} // the built-in patterns always apply
	}
	if d.Getenv == nil {
		d.Getenv = os.Getenv
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return d
}

// HelpDesk is the `helpdesk` source: the requests customers sent the organisation's help desk, read
// from an export file or from the help desk's API (Zendesk, Freshdesk, Intercom; CSV from a file).
// Each ticket gives its customer's question (request), redacted, with its channel, status and date.
// Nothing of a ticket but its redacted request is kept, logged or put in an error.
type HelpDesk struct {
	name, format string
	path         string // the export file, or "" for the API
	root         string // the API's scheme://host[/path], or ""
	auth         string // the Authorization header for the API
	email        string
	pages, since int
	d            Deps
}

// helpDeskFormats are the formats of the format option, and the variable each API's token is read from
// by default ("" for formats read from files only).
var helpDeskFormats = map[string]string{
	"zendesk": "HEED_ZENDESK_TOKEN", "freshdesk": "HEED_FRESHDESK_TOKEN", "intercom": "HEED_INTERCOM_TOKEN", "csv": "",
}

// NewHelpDesk returns the source for spec: its Base is an export file's path or the help desk's URL
// (https://SUBDOMAIN.zendesk.com, https://DOMAIN.freshdesk.com, https://api.intercom.io). Options: format
// (zendesk, freshdesk, intercom or csv; required), pages (most API pages, default 10), since (days back,
// default 30, for the API), email (Zendesk), token_env (the environment variable holding the API token).
func NewHelpDesk(spec crawler.Spec, d Deps) (*HelpDesk, error) {
	h := &HelpDesk{name: spec.SourceName(), format: strings.ToLower(spec.Option("format", "")), email: spec.Option("email", ""), d: d.withDefaults()}
	if spec.Base == "" {
		return nil, fmt.Errorf("source %s: helpdesk needs an export file or the help desk's URL, as helpdesk=PATH;format=zendesk", h.name)
	}
	if _, ok := helpDeskFormats[h.format]; !ok {
		return nil, fmt.Errorf("source %s: helpdesk format %q: want format=zendesk, freshdesk, intercom or csv", h.name, h.format)
	}
	var err error
	if h.pages, err = spec.IntOption("pages", 10, 1, 1000); err != nil {
		return nil, err
	}
	if h.since, err = spec.IntOption("since", 30, 1, 3650); err != nil {
		return nil, err
	}
	if isAPI(spec.Base) {
		return h, h.api(spec)
	}
	return h, h.file(spec.Base)
}

// file checks the export file.
func (h *HelpDesk) file(path string) error {
	if err := checkFile(h.name, "helpdesk", path); err != nil {
		return err
	}
	h.path = path
	return nil
}

// api checks the API's settings and reads its token from the environment.
func (h *HelpDesk) api(spec crawler.Spec) error {
	if h.format == "csv" {
		return fmt.Errorf("source %s: helpdesk format csv is read from a file, not a URL", h.name)
	}
	u, err := url.Parse(spec.Base)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("source %s: helpdesk base %q: want scheme://host[:port][/path]", h.name, crawler.Redact(spec.Base))
	}
	h.root = strings.TrimSuffix(u.Scheme+"://"+u.Host+u.Path, "/")
	if h.format == "zendesk" && h.email == "" {
		return fmt.Errorf("source %s: helpdesk zendesk API needs the agent's e-mail address (email=agent@example.com) to go with the token", h.name)
	}
	env := spec.Option("token_env", helpDeskFormats[h.format])
	token := h.d.Getenv(env)
	if token == "" {
		return fmt.Errorf("source %s: helpdesk %s API needs its token in the environment variable %s (set it, or name another with token_env=)", h.name, h.format, env)
	}
	switch h.format {
	case "zendesk":
		h.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(h.email+"/token:"+token))
	case "freshdesk":
		h.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(token+":X"))
	case "intercom":
		h.auth = "Bearer " + token
	}
	if h.d.Fetch == nil {
		return fmt.Errorf("source %s: helpdesk API: no fetcher", h.name)
	}
	return nil
}

// Name is the configured source name.
func (h *HelpDesk) Name() string { return h.name }

// Kind is "helpdesk".
func (h *HelpDesk) Kind() string { return "helpdesk" }

// Units: a help desk is read once, whatever the seeds.
func (h *HelpDesk) Units([]string) []crawler.Unit {
	return []crawler.Unit{{Source: h.name, Query: h.format}}
}

// Fetch reads the export file, or pages through the API (see crawler.ReadPages: a failing first page
// fails the unit, a failing later page keeps the pages before it).
func (h *HelpDesk) Fetch(ctx context.Context, _ crawler.Unit) ([]heed.Sighting, error) {
	if h.path != "" {
		return h.readFile(ctx)
	}
	tl := newTally()
	var read func(page int) ([]heed.Sighting, bool, error)
	switch h.format {
	case "zendesk":
		read = h.zendeskPages(ctx, tl)
	case "freshdesk":
		read = h.freshdeskPages(ctx, tl)
	default:
		read = h.intercomPages(ctx, tl)
	}
	return crawler.ReadPages(ctx, h.d.Fetch, h.name, h.pages, read)
}

// maxExportFile bounds an export file.
const maxExportFile = 256 << 20

// readFile reads the export file.
func (h *HelpDesk) readFile(ctx context.Context) ([]heed.Sighting, error) {
	f, err := os.Open(h.path)
	if err != nil {
		return nil, fmt.Errorf("source %s: helpdesk file %s: %w: %w", h.name, h.path, crawler.ErrBadInput, err)
	}
	defer f.Close()
	var tickets []ticket
	var bad int
	if h.format == "csv" {
		var lines []BadLine
		tickets, lines, err = parseTicketsCSV(io.LimitReader(f, maxExportFile))
		for _, l := range lines {
			h.d.Log.Warn("skipped a bad row of a help-desk export", "source", h.name, "file", h.path, "line", l.Line, "err", l.Err)
		}
		bad = len(lines)
	} else {
		tickets, bad, err = h.parseJSON(io.LimitReader(f, maxExportFile+1))
	}
	if err != nil {
		return nil, fmt.Errorf("source %s: helpdesk file %s: %w: %w", h.name, h.path, crawler.ErrBadInput, err)
	}
	out := h.sightings(tickets, bad, newTally())
	if len(out) == 0 {
		h.d.Log.Warn("a help-desk export gave no request", "source", h.name, "file", h.path, "tickets", len(tickets), "invalid", bad)
	}
	return out, ctx.Err()
}

// parseJSON reads a JSON export of the source's format.
func (h *HelpDesk) parseJSON(r io.Reader) ([]ticket, int, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, 0, err
	}
	if len(b) > maxExportFile {
		return nil, 0, fmt.Errorf("larger than %d MiB", maxExportFile>>20)
	}
	switch h.format {
	case "zendesk":
		p, err := parseZendesk(b)
		return p.tickets, p.bad, err
	case "freshdesk":
		return parseFreshdesk(b)
	default:
		p, err := parseIntercom(b)
		return p.tickets, p.bad, err
	}
}

// tally is what one read of a help desk has seen so far: the position of its last request, and the
// ids of its tickets. An export read page by page gives a ticket updated while it ran again on a later
// page (Zendesk's incremental export says so); one file may hold a ticket twice too.
type tally struct {
	pos  int
	seen map[string]bool
}

func newTally() *tally { return &tally{seen: map[string]bool{}} }

// sightings are the requests of tickets, redacted, numbered on from the tally's position. Tickets that
// hold none, or came before, are counted by reason (bad of them were not tickets at all).
func (h *HelpDesk) sightings(tickets []ticket, bad int, tl *tally) []heed.Sighting {
	skipped := map[string]int{"invalid": bad}
	out := make([]heed.Sighting, 0, len(tickets))
	for _, t := range tickets {
		if t.skip != "" {
			skipped[t.skip]++
			continue
		}
		if t.id != "" {
			if tl.seen[t.id] {
				skipped["duplicate"]++
				continue
			}
			tl.seen[t.id] = true
		}
		text, cut := request(t, h.d.Redact)
		if text == "" {
			skipped["empty"]++
			continue
		}
		tl.pos++
		s := heed.Sighting{Text: text, Source: "helpdesk", Position: tl.pos, Truncated: cut, Channel: t.channel, Status: t.status, Created: t.created}
		if h.name != "helpdesk" {
			s.SourceName = h.name
		}
		if t.id != "" {
			s.URL = h.format + ":" + map[bool]string{true: "conversation", false: "ticket"}[h.format == "intercom"] + "/" + t.id
		}
		out = append(out, s)
	}
	h.countSkipped(skipped)
	return out
}

// countSkipped counts and logs the tickets skipped, by reason: items that were not tickets as a warning,
// tickets without a customer's request (an agent's message, spam, deleted, empty) at debug level. The
// log names reasons and counts only, never a ticket's text.
func (h *HelpDesk) countSkipped(skipped map[string]int) {
	for _, reason := range slices.Sorted(maps.Keys(skipped)) {
		n := skipped[reason]
		if n == 0 {
			continue
		}
		if h.d.Count != nil {
			h.d.Count.Skipped(h.name, reason, n)
		}
		level := slog.LevelDebug
		if reason == "invalid" {
			level = slog.LevelWarn
		}
		h.d.Log.Log(context.Background(), level, "skipped help-desk tickets", "source", h.name, "reason", reason, "count", n)
	}
}

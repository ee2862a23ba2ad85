package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/agnivade/levenshtein"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/config"
	"github.com/heed-dev/heed/store"
)

// overrideUsage is the usage of each action of heed override ("": the command's).
var overrideUsage = map[string]string{
	"":            "list | pin | wont-answer | remove [flags]",
	"list":        "[-c FILE | --data DIR]",
	"pin":         "(--request TEXT | --topic KEY) --url URL [--note TEXT] [--by NAME] [-c FILE | --data DIR]",
	"wont-answer": "(--request TEXT | --topic KEY) [--note TEXT] [--by NAME] [-c FILE | --data DIR]",
	"remove":      "(--request TEXT | --topic KEY) [-c FILE | --data DIR]",
}

// cmdOverride records a content team's decisions in the store: pin a request or a gap topic to a page,
// mark one "won't answer", list or remove them. The next run applies them.
func cmdOverride(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		printCommandHelp(e.stderr, "override", overrideUsage[""], nil)
		return usagef("give an action: list, pin, wont-answer or remove")
	}
	action := args[0]
	if action == "-h" || action == "-help" || action == "--help" || action == "help" {
		printCommandHelp(e.stdout, "override", overrideUsage[""], nil)
		return nil
	}
	usage, ok := overrideUsage[action]
	if !ok || action == "" {
		return usagef("unknown action %q%s: want list, pin, wont-answer or remove", action, config.DidYouMean(action, []string{"list", "pin", "wont-answer", "remove"}))
	}
	fs := newFlags(e, "override "+action, usage)
	f := runFlags{storeOnly: true}
	fs.StringVar(&f.config, "c", "", "config file (default: heed.yaml in the current directory, when it exists)")
	fs.StringVar(&f.data, "data", "", "the embedded store's directory (default ./heed-data)")
	request := fs.String("request", "", "the request, as worded in the report")
	topic := fs.String("topic", "", "the gap topic's key, as the report shows it")
	pageURL := fs.String("url", "", "the page that answers it (pin)")
	note := fs.String("note", "", "why, for the team")
	by := fs.String("by", "", "who decided")
	force := fs.Bool("force", false, "store the decision on a request no run has heard yet (it applies once one does)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := resolveConfig(f)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, e, cfg, slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer st.Close()
	if action == "list" {
		return listOverrides(ctx, st, e.stdout)
	}
	jobs := make([]string, len(cfg.Jobs))
	for i, j := range cfg.Jobs {
		jobs[i] = j.Name
	}
	o := heed.Override{Note: *note, By: *by, Created: time.Now().UTC()}
	switch {
	case (*request == "") == (*topic == ""):
		return usagef("give one of --request or --topic")
	case *request != "":
		o.Scope, o.Key = heed.ScopeRequest, heed.Normalize(*request)
	default:
		o.Scope, o.Key = heed.ScopeTopic, strings.Join(strings.Fields(*topic), " ")
	}
	if action != "remove" && o.Scope == heed.ScopeRequest {
		if err := checkHeard(ctx, st, jobs, o.Key, *force, e.stderr); err != nil {
			return err
		}
	}
	switch action {
	case "remove":
		if err := checkDecided(ctx, st, o); err != nil {
			return err
		}
		if err := st.DeleteOverride(ctx, o.Scope, o.Key); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "removed the decision on %s %q\n", o.Scope, o.Key)
		return nil
	case "pin":
		o.Action, o.URL = heed.OverridePin, *pageURL
		if err := checkPinURL(ctx, st, *pageURL); err != nil {
			return err
		}
	case "wont-answer":
		o.Action = heed.OverrideWontAnswer
		if *pageURL != "" {
			return usagef("-url is for pin, not wont-answer")
		}
	}
	if err := st.PutOverride(ctx, o); err != nil {
		return usageError{err}
	}
	fmt.Fprintf(e.stdout, "%s %s %q%s; the next run applies it\n", o.Action, o.Scope, o.Key, map[bool]string{true: " to " + o.URL, false: ""}[o.URL != ""])
	return nil
}

// listOverrides writes the stored decisions to out: a table on a terminal, else one JSON object a line.
func listOverrides(ctx context.Context, st store.Store, out io.Writer) error {
	os, err := st.Overrides(ctx)
	if err != nil {
		return err
	}
	if isTerminal(out) {
		tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SCOPE\tKEY\tACTION\tPAGE\tBY\tNOTE\tCREATED")
		for _, o := range os {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.Scope, cell(o.Key), o.Action, cell(o.URL), cell(o.By), cell(o.Note), o.Created.Format("2006-01-02 15:04"))
		}
		if len(os) == 0 {
			fmt.Fprintln(tw, "(no decisions)")
		}
		return tw.Flush()
	}
	enc := json.NewEncoder(out)
	for _, o := range os {
		if err := enc.Encode(o); err != nil {
			return err
		}
	}
	return nil
}

// cell is text for one table cell: on one line, control characters dropped (a terminal would obey
// them), at most 60 characters.
func cell(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if s == "" {
		return "-"
	}
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}

// checkHeard refuses a decision on a request no run of jobs has heard (a typo would otherwise be kept
// and never apply), naming the closest requests heard; with force it only warns.
func checkHeard(ctx context.Context, st store.Store, jobs []string, key string, force bool, stderr io.Writer) error {
	heard := map[string]bool{}
	for _, job := range jobs {
		runs, err := st.Runs(ctx, job, 1)
		if err != nil {
			return err
		}
		for _, r := range runs {
			reqs, err := st.RunRequests(ctx, r.ID)
			if err != nil {
				return err
			}
			for _, q := range reqs {
				heard[q.Key] = true
			}
		}
	}
	if heard[key] {
		return nil
	}
	msg := fmt.Sprintf("no run has heard %q%s", key, closeMatches(key, heard))
	if force {
		fmt.Fprintf(stderr, "heed override: warning: %s; the decision is kept, and applies once a run hears it\n", msg)
		return nil
	}
	return usagef("%s; give the request as the report words it, or --force to decide on it before it is heard", msg)
}

// checkDecided refuses to remove a decision that does not exist, naming the closest ones stored.
func checkDecided(ctx context.Context, st store.Store, o heed.Override) error {
	all, err := st.Overrides(ctx)
	if err != nil {
		return err
	}
	keys := map[string]bool{}
	for _, x := range all {
		if x.Scope == o.Scope {
			if x.Key == o.Key {
				return nil
			}
			keys[x.Key] = true
		}
	}
	return usagef("no decision on %s %q%s (heed override list shows them)", o.Scope, o.Key, closeMatches(o.Key, keys))
}

// closeMatches is ": the closest are "a", "b"" for the keys nearest key (sharing a word with it, by edit
// distance), or "".
func closeMatches(key string, keys map[string]bool) string {
	words := strings.Fields(key)
	type near struct {
		key string
		d   int
	}
	var found []near
	for k := range keys {
		if !slices.ContainsFunc(words, func(w string) bool { return strings.Contains(k, w) }) {
			continue
		}
		if d := levenshtein.ComputeDistance(key, k); d <= max(3, len(key)/3) {
			found = append(found, near{k, d})
		}
	}
	if len(found) == 0 {
		return ""
	}
	slices.SortFunc(found, func(a, b near) int { return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.key, b.key)) })
	var quoted []string
	for _, f := range found[:min(3, len(found))] {
		quoted = append(quoted, strconv.Quote(f.key))
	}
	return "; did you mean " + strings.Join(quoted, " or ") + "?"
}

// checkPinURL checks that pageURL, a page to pin to, is the http(s) address of one of the stored pages.
func checkPinURL(ctx context.Context, st store.Store, pageURL string) error {
	u, err := url.Parse(pageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("-url %q: want the http(s) address of one of the organisation's pages", pageURL)
	}
	pages, err := st.Pages(ctx)
	if err != nil {
		return err
	}
	if len(pages) == 0 {
		return usagef("-url %q: no pages are stored yet, so none can be pinned (heed run stores them first)", pageURL)
	}
	if !slices.ContainsFunc(pages, func(p heed.Page) bool { return p.URL == pageURL }) {
		return usagef("-url %q is none of the %d stored pages (heed run stores them; check the address)", pageURL, len(pages))
	}
	return nil
}

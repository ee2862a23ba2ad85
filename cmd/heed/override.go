package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

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
	o := heed.Override{Note: *note, By: *by, Created: time.Now().UTC()}
	switch {
	case (*request == "") == (*topic == ""):
		return usagef("give one of --request or --topic")
	case *request != "":
		o.Scope, o.Key = heed.ScopeRequest, heed.Normalize(*request)
	default:
		o.Scope, o.Key = heed.ScopeTopic, strings.Join(strings.Fields(*topic), " ")
	}
	switch action {
	case "remove":
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

// listOverrides writes the stored decisions to out, one JSON object a line.
func listOverrides(ctx context.Context, st store.Store, out io.Writer) error {
	os, err := st.Overrides(ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	for _, o := range os {
		if err := enc.Encode(o); err != nil {
			return err
		}
	}
	return nil
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

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/heed-dev/heed/config"
)

// helpText is what `heed CMD --help` and `heed help CMD` print beside the flags.
type helpText struct {
	about    string   // what the command does, a paragraph
	examples []string // command lines, each with a comment after "  # "
}

// helpOf is the help of a command ("run", "override pin").
func helpOf(name string) helpText {
	return map[string]helpText{
		"run": {"The nightly job once: refresh the pages, crawl the sources, classify, match, compare with the last run on the same data directory, and write report.html, gaps.json and gaps.csv. Prints a one-line summary. Exit 0 done (some sources may have failed: see the summary), 1 the job could not be done, 2 a usage, config or input-file error.",
			[]string{"heed run -c heed.yaml  # the config's first job", "heed run --source requests=keywords.txt --pages https://help.example.com/ --out ./out  # a keyword list against a site, no config", "heed run -c heed.yaml --job weekly --shard 0/4  # one job, the first of four shares of its seeds and sources"}},
		"serve": {"Runs the config's jobs on their schedules and serves /metrics, /healthz, /readyz, /api/respond?q=..., /api/conversations?url=PAGE and the review pages (/review/) until SIGINT or SIGTERM.",
			[]string{"heed serve -c heed.yaml  # on the config's serve.listen", "heed serve -c heed.yaml --listen 127.0.0.1:9464"}},
		"crawl": {"Crawls sources and prints one JSONL line per sighting. Sources that ask per seed (suggestions, forum searches) need --seed.",
			[]string{"heed crawl --source google --seed 'e-bike battery' --expand questions  # Google's suggestions for the questions about a seed", "heed crawl --source 'stackexchange;site=bicycles' --seed 'chain' --out sightings.jsonl"}},
		"classify": {"Labels requests, one a line, with intent, question type and modifiers: one JSONL line per request, in input order.",
			[]string{"heed classify requests.txt", "echo 'lark e-bike price' | heed classify --brand lark --explain"}},
		"match": {"Matches requests, one a line, to the pages and decides the gaps: one JSONL line per request.",
			[]string{"heed match --pages pages.jsonl requests.txt", "heed match --pages pages.csv --explain --show-calibration requests.txt  # why, and the thresholds learnt from the pages", "heed match --pages pages.jsonl --data ./heed-data requests.txt  # reuse the vectors a run kept"}},
		"override": {"A content team's decisions, kept in the store and applied by every later run and by /api/respond: pin a request or gap topic to a page, mark it \"won't answer\", list them or remove one.\n\nActions:\n  list         the decisions (a table on a terminal, JSONL when piped)\n  pin          answered by the given page, whatever heed finds\n  wont-answer  no page will be written: not an open gap\n  remove       forget a decision",
			[]string{"heed override list -c heed.yaml", "heed override pin --request 'how far does a lark go' --url https://help.example.com/range -c heed.yaml", "heed override wont-answer --topic 'batteri lark recycl' --note 'legal says no' -c heed.yaml", "heed override remove --request 'how far does a lark go' -c heed.yaml"}},
		"override list": {"Lists the stored decisions: a table on a terminal, one JSON object a line when piped.",
			[]string{"heed override list -c heed.yaml", "heed override list --data ./heed-data | jq .key"}},
		"override pin": {"Pins a request (as worded in the report) or a gap topic (its key) to one of the stored pages: it counts as answered by that page.",
			[]string{"heed override pin --request 'how far does a lark go' --url https://help.example.com/range -c heed.yaml", "heed override pin --topic 'batteri charg lark' --url https://help.example.com/charge --by ana --data ./heed-data"}},
		"override wont-answer": {"Marks a request or gap topic \"won't answer\": it leaves the open gaps and is listed as dismissed.",
			[]string{"heed override wont-answer --request 'lark stock price' --note 'not for the help centre' -c heed.yaml"}},
		"override remove": {"Removes the decision on a request or gap topic; the next run decides it again.",
			[]string{"heed override remove --topic 'batteri charg lark' -c heed.yaml"}},
		"demo": {"Serves the bundled sample world from loopback and runs the nightly job on it, offline, with the embedded store; writes the report. Run it twice to see a second night compare itself with the first.",
			[]string{"heed demo  # report in ./out/demo", "heed demo --out /tmp/demo"}},
		"eval": {"Measures quality on the shared development data (../shared): intent, question type, matching and gaps, gap topics.",
			[]string{"heed eval --shared ../shared --check  # fail when a figure falls under its floor", "heed eval --peers  # also the scikit-learn peers"}},
		"train": {"Trains the intent model from labelled requests (intent/training); `go generate ./intent` runs it.",
			[]string{"heed train --data intent/training --out intent/model.json"}},
		"version": {"Prints heed's version.", []string{"heed version", "heed --version"}},
		"help":    {"Prints the help of heed, or of a command.", []string{"heed help", "heed help run"}},
	}[name]
}

// newFlags returns a flag set for command name ("run", "override pin"): `--help` prints the command's
// usage, what it does, its flags and examples to stdout (parse returns flag.ErrHelp, and the command
// exits 0); a bad flag is one usage error, named once, with a "did you mean".
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("heed "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned, not printed (run prints them once)
	fs.Usage = func() { printCommandHelp(e.stdout, name, usage, fs) }
	return fs
}

// printCommandHelp writes a command's help.
func printCommandHelp(w io.Writer, name, usage string, fs *flag.FlagSet) {
	h := helpOf(name)
	fmt.Fprintf(w, "Usage: heed %s %s\n", name, usage)
	if h.about != "" {
		fmt.Fprintf(w, "\n%s\n", h.about)
	}
	if fs != nil {
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(w, "\nFlags:")
			fs.SetOutput(w)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	}
	if len(h.examples) > 0 {
		fmt.Fprintln(w, "\nExamples:")
		for _, ex := range h.examples {
			fmt.Fprintf(w, "  %s\n", ex)
		}
	}
}

var undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)

// parse parses flags: `--help` prints the command's help and returns flag.ErrHelp; a bad flag is a
// usage error naming it, with the closest flag and where the help is.
func parse(fs *flag.FlagSet, args []string) error {
	show := fs.Usage
	fs.Usage = func() {} // the flag package calls it on errors too
	err := fs.Parse(args)
	fs.Usage = show
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		show()
		return err
	}
	msg := err.Error()
	if m := undefinedFlag.FindStringSubmatch(msg); m != nil {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if c := config.Closest(m[1], names); c != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", dashes(c))
		}
	}
	return usageError{fmt.Errorf("%s; run `%s --help` for its flags", msg, fs.Name())}
}

// dashes writes a flag as the README does: -c, --source.
func dashes(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// printHelp writes heed's help: the commands, then examples.
func printHelp(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "heed: hear what customers ask, and whether your pages answer it.")
	fmt.Fprintln(w, "\nUsage: heed <command> [flags]\n\nCommands:")
	names := commandNames(cmds)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nExamples:\n  heed demo                 # the whole nightly job on the bundled sample, offline\n  heed run -c heed.yaml     # the nightly job of a config\n  heed help run             # a command's flags and examples")
	fmt.Fprintln(w, "\nRun `heed help <command>` (or `heed <command> --help`) for a command's flags and examples.\nExit codes: 0 done, 1 failed, 2 usage, config or input-file error.")
}

func commandNames(cmds map[string]command) []string {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// unknownCommand is the error for a command heed does not have.
func unknownCommand(name string, options []string) error {
	return usagef("unknown command %q%s; run `heed help` for the commands", name, config.DidYouMean(name, options))
}

// cmdHelp prints heed's help, or a command's.
func cmdHelp(ctx context.Context, e *env, cmds map[string]command, args []string) error {
	if len(args) == 0 {
		printHelp(e.stdout, cmds)
		return nil
	}
	name := strings.Join(args, " ")
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || name == "help" || name == "help --help" {
		printCommandHelp(e.stdout, "help", "[COMMAND]", nil)
		return nil
	}
	if _, ok := cmds[args[0]]; !ok {
		return unknownCommand(args[0], commandNames(cmds))
	}
	// The command prints its own help, with its flags.
	err := cmds[args[0]].run(ctx, e, append(args[1:], "--help"))
	if errors.Is(err, flag.ErrHelp) || err == nil {
		return nil
	}
	return fmt.Errorf("help %s: %w", name, err)
}

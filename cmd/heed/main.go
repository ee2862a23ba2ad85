// Command heed listens to what customers ask (search suggestions, forum questions, keyword lists),
// works out the intent behind each request, finds the organisation's page that answers it, and reports
// the gaps.
//
// Usage: heed <command> [flags]; run `heed help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// HEED_CPUPROFILE=FILE writes a CPU profile of the whole command (for `go tool pprof`).
	if path := os.Getenv("HEED_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer f.Close()
			}
		}
	}
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	pprof.StopCPUProfile()
	stop()
	os.Exit(code)
}

// Exit codes (contracts.md).
const (
	exitOK    = 0 // done, even if some sources or items failed
	exitFail  = 1 // the command could not do its job
	exitUsage = 2 // usage, config or input-file error
)

// usageError is an error in how heed was called: a flag, a config key or an input file line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a command may touch: its streams, and nothing global.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

func commands() map[string]command {
	return map[string]command{
		"run":      {"run the nightly job once: crawl, classify, match, report", cmdRun},
		"serve":    {"run the config's schedules and serve /metrics, /healthz, /readyz and /api/respond", cmdServe},
		"crawl":    {"crawl sources and print every sighting as JSONL", cmdCrawl},
		"classify": {"label requests with intent, question type and modifiers (JSONL)", cmdClassify},
		"match":    {"match requests to pages and decide gaps (JSONL)", cmdMatch},
		"override": {"pin a request or gap topic to a page, or mark it won't answer (kept in the store)", cmdOverride},
		"demo":     {"serve the bundled sample world from loopback and run the nightly job on it", cmdDemo},
		"eval":     {"measure quality on the shared evaluation data", cmdEval},
		"train":    {"train the intent model from labelled requests (intent/training)", cmdTrain},
		"version":  {"print the version", cmdVersion},
	}
}

// run is heed's main, testable: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(stderr, cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "heed: unknown command %q\n", args[0])
		printHelp(stderr, cmds)
		return exitUsage
	}
	err := c.run(ctx, e, args[1:])
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "heed %s: %v\n", args[0], err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "heed %s: %v\n", args[0], err)
		return exitFail
	}
}

func printHelp(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "heed: hear what customers ask, and whether your pages answer it.")
	fmt.Fprintln(w, "\nUsage: heed <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun `heed <command> -h` for a command's flags. Exit codes: 0 done, 1 failed, 2 usage or input error.")
}

// newFlags returns a flag set whose errors are usage errors and whose help goes to stderr.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("heed "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: heed %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, turning their errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	return nil
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ", ") }
func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// commaList splits "a,b, c" into its items.
func commaList(v string) []string {
	var out []string
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func cmdVersion(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "version", "")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "heed %s\n", version)
	return nil
}

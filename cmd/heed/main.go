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
		"serve":    {"run the config's schedules and serve /metrics, /healthz, /readyz, /api/respond, /api/conversations and /review/", cmdServe},
		"crawl":    {"crawl sources and print every sighting as JSONL", cmdCrawl},
		"classify": {"label requests with intent, question type and modifiers (JSONL)", cmdClassify},
		"match":    {"match requests to pages and decide gaps (JSONL)", cmdMatch},
		"override": {"pin a request or gap topic to a page, or mark it won't answer (kept in the store)", cmdOverride},
		"demo":     {"serve the bundled sample world from loopback and run the nightly job on it", cmdDemo},
		"eval":     {"measure quality on the shared evaluation data", cmdEval},
		"train":    {"train the intent model from labelled requests (intent/training)", cmdTrain},
		"version":  {"print the version", cmdVersion},
		"help": {"print this help, or a command's (heed help run)", func(ctx context.Context, e *env, args []string) error {
			return cmdHelp(ctx, e, commands(), args)
		}},
	}
}

// run is heed's main, testable: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	cmds := commands()
	var err error
	switch name := firstArg(args); name {
	case "":
		printHelp(stderr, cmds)
		return exitUsage
	case "help", "-h", "-help", "--help":
		err = cmdHelp(ctx, e, cmds, args[1:])
	case "-version", "--version":
		err = cmdVersion(ctx, e, args[1:])
		name = "version"
	default:
		c, ok := cmds[name]
		if !ok {
			return exitCode(stderr, "heed", unknownCommand(name, commandNames(cmds)))
		}
		err = c.run(ctx, e, args[1:])
		return exitCode(stderr, "heed "+name, err)
	}
	return exitCode(stderr, "heed", err)
}

// firstArg is the command named by args ("" for none).
func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// exitCode prints err, once, after prefix, and returns the exit code it means.
func exitCode(stderr io.Writer, prefix string, err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return exitFail
	}
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

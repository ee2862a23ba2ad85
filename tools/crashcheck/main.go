// Command crashcheck is `make crashcheck`: it kills `heed run` with SIGKILL at many points of a large run
// (a big requests import beside a live suggestion source: pages, crawl and import, load, classify, index,
// match, triage, storing the results, building and writing the report), reruns the same command on the
// same data directory, and checks that every rerun finishes with a store, a gaps.csv and a gaps.json
// identical to those of an uninterrupted run (run ids and times normalised), and no temporary file left.
//
//	go run ./tools/crashcheck -heed bin/heed -requests 200000 -pages 20000 -points 22
//
// The inputs are generated with tools/benchgen (and reused when they have the right length); the
// suggestion source is a loopback OpenSearch server this process keeps up for every run, so that its URL
// is the same in every store and report. Each point's data directory is kept when it differs (with the
// normalised dumps and the logs); -keep keeps them all. Opt-in: not part of `make test`.
package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

type options struct {
	heed     string
	requests int
	pages    int
	points   int
	dir      string
	seeds    int
	latency  time.Duration
	control  bool
	keep     bool
}

func main() {
	var o options
	flag.StringVar(&o.heed, "heed", "bin/heed", "the heed binary to test")
	flag.IntVar(&o.requests, "requests", 200000, "requests in the imported file")
	flag.IntVar(&o.pages, "pages", 20000, "pages in the organisation's export")
	flag.IntVar(&o.points, "points", 22, "kill points, spread over the reference run")
	flag.StringVar(&o.dir, "dir", "out/crashcheck", "work directory (inputs, reference, one data directory per point)")
	flag.IntVar(&o.seeds, "seeds", 60, "seeds asked of the suggestion source")
	flag.DurationVar(&o.latency, "latency", 20*time.Millisecond, "how long the suggestion server takes to answer")
	flag.BoolVar(&o.control, "control", true, "also compare a second uninterrupted run with the reference (tells nondeterminism from crash damage)")
	flag.BoolVar(&o.keep, "keep", false, "keep every point's data directory, not only those that differ")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ok, err := run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashcheck:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

// stages are the pipeline's stages in order, as ops logs them at debug level ("stage done").
var stages = []string{"pages", "crawl", "load", "classify", "index", "match", "triage", "store results", "report", "write report"}

// point is one kill point's outcome.
type point struct {
	n          int
	killAt     time.Duration
	stage      string // the stage in progress when the kill came, from the child's log
	firstExit  string // killed, or how the first process ended before the kill
	completed  bool   // the first process had finished its run (recorded it) before the kill
	tmpAtKill  int    // temporary files the kill left
	rerunRC    int
	rerunTook  time.Duration
	resumed    bool
	store      bool
	csv        bool
	json       bool
	tmpLeft    []string
	details    []string
	expectRuns int
	firstTook  time.Duration // how long the first process ran, when it finished before the kill
	target     time.Duration // the point of the reference run aimed at
	tries      int
}

func (p point) identical() bool {
	return p.rerunRC == 0 && p.store && p.csv && p.json && len(p.tmpLeft) == 0
}

func run(ctx context.Context, o options) (bool, error) {
	o, err := resolve(o)
	if err != nil {
		return false, err
	}
	reqs, pages, err := inputs(ctx, o)
	if err != nil {
		return false, err
	}
	srv := suggestServer(o.latency)
	defer srv.Close()
	h := &harness{o: o, requests: reqs, pagesFile: pages, suggest: srv.URL}
	fmt.Printf("heed %s; %d requests (%s), %d pages (%s); suggestions at %s; %d seeds\n", o.heed, o.requests, reqs, o.pages, pages, srv.URL, o.seeds)

	ref, res, err := h.referenceRun(ctx)
	if err != nil {
		return false, err
	}
	refDur := res.took
	tl := res // the timeline the kills are spread over: the quickest uninterrupted run's
	controlOK := true
	if o.control {
		if controlOK, tl, err = h.control(ctx, ref, tl); err != nil {
			return false, err
		}
	}

	fmt.Printf("the kills are spread over %s (the quickest uninterrupted run), each aimed at its stage as the child logs its progress\n", tl.took.Round(time.Millisecond))
	pts, err := h.killPoints(ctx, tl)
	if err != nil {
		return false, err
	}
	return summary(o, refDur, pts, controlOK), nil
}

// resolve checks the options and makes the heed binary's and the work directory's paths absolute,
// creating the work directory.
func resolve(o options) (options, error) {
	var err error
	if o.heed, err = filepath.Abs(o.heed); err != nil {
		return o, err
	}
	if _, err := os.Stat(o.heed); err != nil {
		return o, fmt.Errorf("heed binary: %w (run make build)", err)
	}
	if o.dir, err = filepath.Abs(o.dir); err != nil {
		return o, err
	}
	if o.points < 1 {
		return o, errors.New("-points must be at least 1")
	}
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return o, err
	}
	return o, nil
}

// referenceRun makes the reference, one uninterrupted run in DIR/ref, prints its timeline and snapshots
// it; it returns the directory and the run.
func (h *harness) referenceRun(ctx context.Context) (string, runResult, error) {
	ref := filepath.Join(h.o.dir, "ref")
	res, err := h.full(ctx, ref, 1)
	if err != nil {
		return "", res, fmt.Errorf("reference run: %w", err)
	}
	fmt.Printf("reference run: %s, exit %d\n", res.took.Round(time.Millisecond), res.rc)
	fmt.Printf("  pipeline started at %s;", res.pipelineStart.Round(time.Millisecond))
	for _, s := range res.stageEnds {
		fmt.Printf(" %s ends %s;", s.name, s.at.Round(time.Millisecond))
	}
	fmt.Println()
	if res.rc != 0 {
		return "", res, fmt.Errorf("the reference run failed (exit %d): see %s", res.rc, filepath.Join(ref, "run1.log"))
	}
	if left := tempFiles(ref); len(left) > 0 {
		fmt.Printf("  the reference run left temporary files: %v\n", left)
	}
	if err := snapshot(ref); err != nil {
		return "", res, fmt.Errorf("reference: %w", err)
	}
	h.refs = map[int]string{1: ref}
	if n, err := countLines(filepath.Join(ref, "norm", "store.txt")); err == nil {
		fmt.Printf("  reference store dump: %d lines\n", n)
	}
	return ref, res, nil
}

// control makes a second uninterrupted run in a fresh directory and compares it with the reference in
// ref, which tells nondeterminism from crash damage. It returns whether the two are identical, and the
// timeline to spread the kills over: tl, or the control run's when it was quicker.
func (h *harness) control(ctx context.Context, ref string, tl runResult) (bool, runResult, error) {
	ctl := filepath.Join(h.o.dir, "control")
	cres, err := h.full(ctx, ctl, 1)
	if err != nil {
		return false, tl, fmt.Errorf("control run: %w", err)
	}
	if err := snapshot(ctl); err != nil {
		return false, tl, fmt.Errorf("control: %w", err)
	}
	var p point
	p.rerunRC = cres.rc
	h.compare(&p, ref, ctl)
	p.tmpLeft = tempFiles(ctl)
	controlOK := p.identical()
	if cres.rc == 0 && cres.took < tl.took && len(cres.stageEnds) == len(stages) {
		tl = cres // the first run of a cold machine is the slowest
	}
	if controlOK {
		fmt.Printf("control (a second uninterrupted run in a fresh directory, %s): identical to the reference\n", cres.took.Round(time.Millisecond))
		if !h.o.keep {
			os.RemoveAll(ctl)
		}
	} else {
		fmt.Printf("control (a second uninterrupted run in a fresh directory, %s): DIFFERS from the reference (store %s, csv %s, json %s, temporary files %d): heed's output is not deterministic, differences below may not be crash damage\n",
			cres.took.Round(time.Millisecond), yes(p.store), yes(p.csv), yes(p.json), len(p.tmpLeft))
		for _, d := range p.details {
			fmt.Println("   ", d)
		}
	}
	return controlOK, tl, nil
}

// killPoints kills a run at each of the points spread over the timeline tl, reruns it and compares the
// outcome, printing each point as it ends.
func (h *harness) killPoints(ctx context.Context, tl runResult) ([]point, error) {
	var pts []point
	for i := range h.o.points {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		frac := (float64(i) + 0.5) / float64(h.o.points)
		target := time.Duration(frac * float64(tl.took))
		p, err := h.aimedPoint(ctx, i, target, tl)
		if err != nil {
			return nil, err
		}
		pts = append(pts, p)
		h.printPoint(i, target, p)
	}
	return pts, nil
}

// aimedPoint is point i, aimed at target of the timeline tl, and aimed again (twice at most) when the
// first process finished before the kill came.
func (h *harness) aimedPoint(ctx context.Context, i int, target time.Duration, tl runResult) (point, error) {
	for try := 0; ; try++ {
		p, err := h.point(ctx, i, target, tl, try < 2)
		if err != nil {
			return p, fmt.Errorf("point %d: %w", i, err)
		}
		p.tries = try + 1
		if !p.completed || p.firstTook <= 0 || p.rerunTook > 0 {
			return p, nil
		}
		// The run ended before the kill came: aim again.
		fmt.Printf("point %2d: the first process finished (in %s) before the kill at %s; again\n",
			i, p.firstTook.Round(time.Millisecond), p.killAt.Round(time.Millisecond))
	}
}

// printPoint prints point i's outcome, and removes its data directory when it is identical (unless
// -keep), or writes its differences there.
func (h *harness) printPoint(i int, target time.Duration, p point) {
	at := p.killAt
	fmt.Printf("point %2d: aimed at %s of the reference, killed at %s (%s): %s; rerun exit %d in %s; store %s, csv %s, json %s, temporary files left %d\n",
		i, target.Round(time.Millisecond), at.Round(time.Millisecond), p.stage, p.firstExit, p.rerunRC, p.rerunTook.Round(time.Millisecond), yes(p.store), yes(p.csv), yes(p.json), len(p.tmpLeft))
	for _, d := range p.details {
		fmt.Println("   ", d)
	}
	d := filepath.Join(h.o.dir, fmt.Sprintf("point%02d", i))
	if p.identical() && !h.o.keep {
		os.RemoveAll(d)
	} else if len(p.details) > 0 {
		os.WriteFile(filepath.Join(d, "differences.txt"), []byte(strings.Join(p.details, "\n")+"\n"), 0o644)
	}
}

// summary prints the table of points and reports whether every one was identical.
func summary(o options, refDur time.Duration, pts []point, controlOK bool) bool {
	fmt.Println()
	fmt.Printf("reference run %s; %d requests, %d pages, %d seeds\n", refDur.Round(time.Millisecond), o.requests, o.pages, o.seeds)
	fmt.Printf("%-5s %-8s %-9s %-14s %-17s %-6s %-9s %-7s %-6s %-5s %-5s %-5s %s\n",
		"point", "aim", "kill at", "stage hit", "first process", "rerun", "took", "resumed", "store", "csv", "json", "tmp", "(tmp after kill; tries)")
	identical := 0
	for _, p := range pts {
		if p.identical() {
			identical++
		}
		fmt.Printf("%-5d %-8s %-9s %-14s %-17s %-6d %-9s %-7s %-6s %-5s %-5s %-5d (%d; %d)\n", p.n, secs(p.target), secs(p.killAt), p.stage, p.firstExit,
			p.rerunRC, secs(p.rerunTook), yes(p.resumed), same(p.store), same(p.csv), same(p.json), len(p.tmpLeft), p.tmpAtKill, p.tries)
	}
	if !controlOK {
		fmt.Println("note: the control run differed from the reference too")
	}
	fmt.Printf("%d points: %d identical, %d differ\n", len(pts), identical, len(pts)-identical)
	return identical == len(pts)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func same(b bool) string {
	if b {
		return "same"
	}
	return "DIFF"
}

// inputs generates (or reuses) the requests file and the page export.
func inputs(ctx context.Context, o options) (reqs, pages string, err error) {
	reqs, pages = filepath.Join(o.dir, "requests.txt"), filepath.Join(o.dir, "pages.jsonl")
	nr, err1 := countLines(reqs)
	np, err2 := countLines(pages)
	if err1 == nil && err2 == nil && nr == o.requests && np == o.pages {
		return reqs, pages, nil
	}
	fmt.Printf("generating %d requests and %d pages with tools/benchgen\n", o.requests, o.pages)
	cmd := exec.CommandContext(ctx, "go", "run", "./tools/benchgen", "-requests", strconv.Itoa(o.requests), "-out", reqs,
		"-pages", strconv.Itoa(o.pages), "-pages-out", pages)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", "", fmt.Errorf("benchgen (run crashcheck from the module's root): %w", err)
	}
	return reqs, pages, nil
}

func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	buf := make([]byte, 1<<20)
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// suggestServer is a deterministic OpenSearch suggestion endpoint on loopback.
func suggestServer(latency time.Duration) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(latency) // a crawl that lasts long enough to be killed in
		q := r.URL.Query().Get("q")
		b, _ := json.Marshal([]any{q, []string{q + " battery", q + " price", "lark charger", q + " near me", "how to charge " + q}})
		w.Header().Set("Content-Type", "application/x-suggestions+json")
		w.Write(b)
	}))
}

type harness struct {
	o         options
	requests  string
	pagesFile string
	suggest   string
	refs      map[int]string // reference directories by the number of runs they hold
}

// config writes d's heed.yaml and returns heed's arguments for a run on d.
func (h *harness) config(d string) ([]string, error) {
	if err := os.MkdirAll(d, 0o755); err != nil {
		return nil, err
	}
	var seeds []string
	for i := range h.o.seeds {
		seeds = append(seeds, strconv.Quote(fmt.Sprintf("lark topic %02d", i)))
	}
	cfg := fmt.Sprintf(`sources:
  - kind: requests
    base: %q
  - kind: opensearch
    base: %q
seeds: [%s]
crawl: {delay: 1ms, parallel: 4, workers: 4}
organisation: {pages: %q}
`, h.requests, h.suggest+"/complete?q={q}", strings.Join(seeds, ", "), h.pagesFile)
	path := filepath.Join(d, "heed.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	return []string{"run", "-c", path, "--data", filepath.Join(d, "store"), "--out", filepath.Join(d, "out"), "--log-level", "debug"}, nil
}

// start starts heed on d, its stdout and stderr in d/NAME.out and d/NAME.log.
func (h *harness) start(ctx context.Context, d, name string) (*exec.Cmd, time.Time, error) {
	args, err := h.config(d)
	if err != nil {
		return nil, time.Time{}, err
	}
	stdout, err := os.Create(filepath.Join(d, name+".out"))
	if err != nil {
		return nil, time.Time{}, err
	}
	stderr, err := os.Create(filepath.Join(d, name+".log"))
	if err != nil {
		stdout.Close()
		return nil, time.Time{}, err
	}
	cmd := exec.CommandContext(ctx, h.o.heed, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.Dir = d
	start := time.Now()
	if err := cmd.Start(); err != nil {
		stdout.Close()
		stderr.Close()
		return nil, time.Time{}, err
	}
	// The files are the child's now; ours can go.
	stdout.Close()
	stderr.Close()
	return cmd, start, nil
}

// runResult is one run carried to its end.
type runResult struct {
	rc            int
	took          time.Duration
	pipelineStart time.Duration
	stageEnds     []stageEnd
	resumed       bool
}

type stageEnd struct {
	name string
	at   time.Duration // since the process started
}

// wait runs cmd to its end (or a timeout) and returns its exit code and duration.
func wait(cmd *exec.Cmd, start time.Time, timeout time.Duration) (int, time.Duration) {
	done := make(chan struct{})
	if timeout > 0 {
		t := time.AfterFunc(timeout, func() {
			select {
			case <-done:
			default:
				cmd.Process.Signal(syscall.SIGKILL)
			}
		})
		defer t.Stop()
	}
	cmd.Wait()
	close(done)
	return cmd.ProcessState.ExitCode(), time.Since(start)
}

// full makes n uninterrupted runs on a fresh d; the last one's result is returned.
func (h *harness) full(ctx context.Context, d string, n int) (runResult, error) {
	if err := os.RemoveAll(d); err != nil {
		return runResult{}, err
	}
	var res runResult
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("run%d", i)
		cmd, start, err := h.start(ctx, d, name)
		if err != nil {
			return res, err
		}
		res.rc, res.took = wait(cmd, start, 0)
		lg := readLog(filepath.Join(d, name+".log"))
		res.stageEnds, res.pipelineStart, res.resumed = lg.ends(start), lg.pipelineStart(start), lg.resumed
		if res.rc != 0 {
			return res, nil
		}
	}
	return res, nil
}

// point kills a run at `at`, reruns it and compares the outcome with the reference.
// With retry, a first process that finished before the kill is left there: the caller aims again.
func (h *harness) point(ctx context.Context, i int, target time.Duration, ref runResult, retry bool) (point, error) {
	p := point{n: i, target: target}
	d := filepath.Join(h.o.dir, fmt.Sprintf("point%02d", i))
	if err := os.RemoveAll(d); err != nil {
		return p, err
	}
	cmd, start, err := h.start(ctx, d, "first")
	if err != nil {
		return p, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	aim(ctx, filepath.Join(d, "first.log"), start, target, ref, exited)
	p.killAt = time.Since(start)
	cmd.Process.Signal(syscall.SIGKILL)
	<-exited
	elapsed := p.killAt
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	switch {
	case ws.Signaled() && ws.Signal() == syscall.SIGKILL:
		p.firstExit = "killed"
	case ws.Exited():
		p.firstExit = fmt.Sprintf("exited %d first", ws.ExitStatus())
	default:
		p.firstExit = cmd.ProcessState.String()
	}
	lg := readLog(filepath.Join(d, "first.log"))
	p.completed = lg.summary || (ws.Exited() && ws.ExitStatus() == 0)
	if ends := lg.ends(start); p.completed && len(ends) > 0 {
		p.firstTook = ends[len(ends)-1].at
	}
	p.stage = lg.inProgress(elapsed, ref.pipelineStart)
	if p.completed {
		p.stage += "*"
	}
	p.tmpAtKill = len(tempFiles(d))
	if retry && p.completed && p.firstTook > 0 {
		return p, nil
	}

	rerun, rstart, err := h.start(ctx, d, "rerun")
	if err != nil {
		return p, err
	}
	p.rerunRC, p.rerunTook = wait(rerun, rstart, 5*ref.took+2*time.Minute)
	p.resumed = readLog(filepath.Join(d, "rerun.log")).resumed
	if ctx.Err() != nil {
		return p, ctx.Err()
	}
	if p.rerunRC != 0 {
		p.details = append(p.details, "the rerun failed; its log ends:\n"+tail(filepath.Join(d, "rerun.log"), 15))
	}
	p.tmpLeft = tempFiles(d)
	if len(p.tmpLeft) > 0 {
		p.details = append(p.details, fmt.Sprintf("temporary files left after the rerun: %s", strings.Join(p.tmpLeft, ", ")))
	}
	if err := snapshot(d); err != nil {
		p.details = append(p.details, "could not read the outcome: "+err.Error())
		return p, nil
	}
	// A first process that recorded its run before the kill leaves a finished run: the rerun is then
	// the job's next run, and the outcome is compared with two uninterrupted runs.
	p.expectRuns = 1
	if p.completed {
		p.expectRuns = 2
		p.details = append(p.details, "the first process had recorded its run before the kill: compared with two uninterrupted runs")
	}
	refDir, err := h.reference(ctx, p.expectRuns)
	if err != nil {
		return p, err
	}
	h.compare(&p, refDir, d)
	return p, nil
}

// aim returns when a child started at start has reached target of the reference run ref: it waits for
// the child to log the end of the stage before the one target falls in, then for target's offset into
// that stage, scaled by how much slower or quicker than the reference the child has been so far. So each
// kill lands in the stage it is meant for, however busy the machine. It returns early when the child
// exits.
func aim(ctx context.Context, logPath string, start time.Time, target time.Duration, ref runResult, exited <-chan struct{}) {
	// The stage before target's: its end in the reference.
	k := -1
	for j, e := range ref.stageEnds {
		if e.at <= target {
			k = j
		}
	}
	wake := start.Add(target)
	if k >= 0 {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if ends := readLog(logPath).ends(start); len(ends) > k {
				at := ends[k].at
				scale := float64(at) / float64(ref.stageEnds[k].at)
				wake = start.Add(at + time.Duration(scale*float64(target-ref.stageEnds[k].at)))
				break
			}
			select {
			case <-tick.C:
			case <-exited:
				return
			case <-ctx.Done():
				return
			}
		}
	}
	select {
	case <-time.After(time.Until(wake)):
	case <-exited:
	case <-ctx.Done():
	}
}

// reference returns the directory of n uninterrupted runs, making it on first use.
func (h *harness) reference(ctx context.Context, n int) (string, error) {
	if d, ok := h.refs[n]; ok {
		return d, nil
	}
	d := filepath.Join(h.o.dir, fmt.Sprintf("ref%d", n))
	fmt.Printf("making the reference of %d uninterrupted runs in %s\n", n, d)
	res, err := h.full(ctx, d, n)
	if err != nil {
		return "", err
	}
	if res.rc != 0 {
		return "", fmt.Errorf("reference of %d runs failed (exit %d)", n, res.rc)
	}
	if err := snapshot(d); err != nil {
		return "", err
	}
	h.refs[n] = d
	return d, nil
}

func (h *harness) compare(p *point, ref, got string) {
	var d []string
	p.store, d = diffSorted(filepath.Join(ref, "norm", "store.txt"), filepath.Join(got, "norm", "store.txt"))
	p.details = append(p.details, prefix("store: ", d)...)
	p.csv, d = diffDocs(filepath.Join(ref, "norm", "gaps.csv.txt"), filepath.Join(got, "norm", "gaps.csv.txt"))
	p.details = append(p.details, prefix("gaps.csv: ", d)...)
	p.json, d = diffDocs(filepath.Join(ref, "norm", "gaps.json.txt"), filepath.Join(got, "norm", "gaps.json.txt"))
	p.details = append(p.details, prefix("gaps.json: ", d)...)
}

func prefix(p string, lines []string) []string {
	for i := range lines {
		lines[i] = p + lines[i]
	}
	return lines
}

func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "      " + strings.Join(lines, "\n      ")
}

// heedLog is what a child's log says of its progress.
type heedLog struct {
	done    []stageEnd // stage, and its log time as an offset from the process start (set by ends)
	times   []time.Time
	took    []time.Duration
	summary bool // the run was recorded (the one-line summary is logged after FinishRun)
	resumed bool
}

var (
	stageLine   = regexp.MustCompile(`^time=(\S+) level=DEBUG msg="stage done" .*?\bstage=(?:"([^"]*)"|(\S+)) took=(\S+)`)
	summaryLine = regexp.MustCompile(`msg="heed run \d+ \(`)
)

func readLog(path string) heedLog {
	var lg heedLog
	b, err := os.ReadFile(path)
	if err != nil {
		return lg
	}
	// Only whole lines: the last may have been cut by the kill.
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[:i+1]
	} else {
		b = nil
	}
	for _, l := range strings.Split(string(b), "\n") {
		if m := stageLine.FindStringSubmatch(l); m != nil {
			t, _ := time.Parse(time.RFC3339Nano, m[1])
			took, _ := time.ParseDuration(m[4])
			lg.done = append(lg.done, stageEnd{name: m[2] + m[3]})
			lg.times = append(lg.times, t)
			lg.took = append(lg.took, took)
		}
		if summaryLine.MatchString(l) {
			lg.summary = true
		}
		if strings.Contains(l, "resuming an interrupted run") {
			lg.resumed = true
		}
	}
	return lg
}

func (lg heedLog) ends(start time.Time) []stageEnd {
	out := make([]stageEnd, len(lg.done))
	for i, s := range lg.done {
		out[i] = stageEnd{s.name, lg.times[i].Sub(start)}
	}
	return out
}

// pipelineStart is when the pipeline began (after the process started, opened its store, took its lock
// and loaded its models): the first stage's end less its duration.
func (lg heedLog) pipelineStart(start time.Time) time.Duration {
	if len(lg.done) == 0 {
		return 0
	}
	return lg.times[0].Add(-lg.took[0]).Sub(start)
}

// inProgress names the stage a process was in when it died elapsed after its start.
func (lg heedLog) inProgress(elapsed, pipelineStart time.Duration) string {
	if lg.summary {
		return "exit"
	}
	if len(lg.done) == 0 {
		if elapsed < pipelineStart {
			return "startup"
		}
		return stages[0]
	}
	last := lg.done[len(lg.done)-1].name
	i := slices.Index(stages, last)
	switch {
	case i < 0:
		return "after " + last
	case i == len(stages)-1:
		return "finish run"
	}
	return stages[i+1]
}

// tempFiles lists the temporary files under d's report and store directories.
func tempFiles(d string) []string {
	var out []string
	for _, sub := range []string{"out", "store"} {
		root := filepath.Join(d, sub)
		filepath.WalkDir(root, func(path string, e os.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			name := e.Name()
			if strings.Contains(name, ".tmp") {
				rel, _ := filepath.Rel(d, path)
				out = append(out, rel)
			}
			return nil
		})
	}
	return out
}

// snapshot writes d/norm: the store's dump, gaps.csv and gaps.json, each normalised.
func snapshot(d string) error {
	norm := filepath.Join(d, "norm")
	if err := os.MkdirAll(norm, 0o755); err != nil {
		return err
	}
	runs, err := dumpStore(filepath.Join(d, "store", "heed.db"), filepath.Join(norm, "store.txt"), d)
	if err != nil {
		return fmt.Errorf("store of %s: %w", d, err)
	}
	if err := normCSV(filepath.Join(d, "out", "gaps.csv"), filepath.Join(norm, "gaps.csv.txt"), d); err != nil {
		return err
	}
	return normJSON(filepath.Join(d, "out", "gaps.json"), filepath.Join(norm, "gaps.json.txt"), d, runs)
}

// timeKey says whether a JSON field holds a time or a duration, which differ from run to run.
func timeKey(k string) bool {
	k = strings.ToLower(k)
	for _, w := range []string{"time", "duration", "_sec", "started", "finished", "generated"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

var timestamp = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?\b`)

// normString blanks timestamps (and dates) and names the data directory $D.
func normString(s, dir string) string {
	s = strings.ReplaceAll(s, dir, "$D")
	return timestamp.ReplaceAllString(s, "<time>")
}

// runIDs maps a store's run ids to their ordinals, 1 for its first run.
type runIDs map[int64]int

func (r runIDs) name(id int64) string {
	if n, ok := r[id]; ok {
		return "R" + strconv.Itoa(n)
	}
	return "R?" + strconv.FormatInt(id, 10)
}

func (r runIDs) nameStr(s string) string {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return s
	}
	return r.name(id)
}

// normJSONText normalises a small JSON document of the store (stats, a sighting, a match): time fields
// dropped, timestamps blanked, keys sorted.
func normJSONText(s, dir string) string {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "!bad json: " + s
	}
	b, _ := json.Marshal(normValue(v, dir))
	return string(b)
}

func normValue(v any, dir string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if timeKey(k) {
				delete(t, k)
				continue
			}
			t[k] = normValue(x, dir)
		}
	case []any:
		for i, x := range t {
			t[i] = normValue(x, dir)
		}
	case string:
		return normString(t, dir)
	}
	return v
}

// dumpStore writes the store's content, normalised and sorted, one row a line.
func dumpStore(db, out, dir string) (runIDs, error) {
	if _, err := os.Stat(db); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	conn, err := sql.Open("sqlite", "file:"+db+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	d := &storeDump{conn: conn, ctx: context.Background()}
	if err := d.schema(); err != nil {
		return nil, err
	}
	runs, err := d.runIDs()
	if err != nil {
		return nil, err
	}
	if err := d.rows(runs, dir); err != nil {
		return nil, err
	}
	slices.Sort(d.lines)
	return runs, writeLines(out, d.lines)
}

// storeDump collects the lines of a store's dump.
type storeDump struct {
	conn  *sql.DB
	ctx   context.Context
	lines []string
}

// add adds a line of tab-separated parts, their tabs and newlines escaped.
func (d *storeDump) add(parts ...string) {
	for i, p := range parts {
		parts[i] = strings.NewReplacer("\t", `\t`, "\n", `\n`).Replace(p)
	}
	d.lines = append(d.lines, strings.Join(parts, "\t"))
}

// query calls fn with each row of q, every column as a string.
func (d *storeDump) query(q string, fn func(row []sql.NullString)) error {
	rows, err := d.conn.QueryContext(d.ctx, q)
	if err != nil {
		return fmt.Errorf("%s: %w", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		row := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		fn(row)
	}
	return rows.Err()
}

// str is a column's text, NULL for a null.
func str(n sql.NullString) string {
	if !n.Valid {
		return "NULL"
	}
	return n.String
}

// schema dumps the integrity check, the schema and the number of rows of every table (a staging table
// left full, say).
func (d *storeDump) schema() error {
	var tables []string
	err := d.query(`PRAGMA integrity_check`, func(r []sql.NullString) { d.add("0integrity", str(r[0])) })
	if err == nil {
		err = d.query(`PRAGMA user_version`, func(r []sql.NullString) { d.add("0user_version", str(r[0])) })
	}
	if err == nil {
		err = d.query(`SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'`, func(r []sql.NullString) {
			d.add("0schema", str(r[0]), str(r[1]))
			if str(r[0]) == "table" {
				tables = append(tables, str(r[1]))
			}
		})
	}
	if err != nil {
		return err
	}
	for _, t := range tables {
		if err := d.query(`SELECT count(*) FROM "`+t+`"`, func(r []sql.NullString) { d.add("0count", t, str(r[0])) }); err != nil {
			return err
		}
	}
	return nil
}

// runIDs numbers the store's runs in the order of their ids.
func (d *storeDump) runIDs() (runIDs, error) {
	runs := runIDs{}
	var ids []int64
	if err := d.query(`SELECT id FROM runs ORDER BY id`, func(r []sql.NullString) {
		id, _ := strconv.ParseInt(str(r[0]), 10, 64)
		ids = append(ids, id)
	}); err != nil {
		return nil, err
	}
	for i, id := range ids {
		runs[id] = i + 1
	}
	return runs, nil
}

// rows dumps the rows of the store's tables, run ids named by their ordinals and the data directory and
// times normalised.
func (d *storeDump) rows(runs runIDs, dir string) error {
	err := d.query(`SELECT id, job, status, stats FROM runs`, func(r []sql.NullString) {
		d.add("runs", runs.nameStr(str(r[0])), str(r[1]), str(r[2]), normJSONText(str(r[3]), dir))
	})
	if err == nil {
		err = d.query(`SELECT key, text, first_run, last_run, runs_seen, class FROM requests`, func(r []sql.NullString) {
			class := str(r[5])
			if class != "" {
				class = normJSONText(class, dir)
			}
			d.add("requests", str(r[0]), str(r[1]), runs.nameStr(str(r[2])), runs.nameStr(str(r[3])), str(r[4]), class)
		})
	}
	if err == nil {
		err = d.query(`SELECT run_id, unit, sightings FROM units`, func(r []sql.NullString) {
			d.add("units", runs.nameStr(str(r[0])), normString(str(r[1]), dir), str(r[2]))
		})
	}
	if err == nil {
		err = d.query(`SELECT run_id, unit, key, data FROM sightings`, func(r []sql.NullString) {
			d.add("sightings", runs.nameStr(str(r[0])), normString(str(r[1]), dir), str(r[2]), normJSONText(str(r[3]), dir))
		})
	}
	if err == nil {
		err = d.query(`SELECT run_id, key, data FROM results`, func(r []sql.NullString) {
			d.add("results", runs.nameStr(str(r[0])), str(r[1]), normJSONText(str(r[2]), dir))
		})
	}
	if err == nil {
		err = d.query(`SELECT ord, url, data FROM pages`, func(r []sql.NullString) {
			d.add("pages", str(r[1]), str(r[0]), normJSONText(str(r[2]), dir))
		})
	}
	if err == nil {
		err = d.query(`SELECT scope, key, data FROM overrides`, func(r []sql.NullString) {
			d.add("overrides", str(r[0]), str(r[1]), normJSONText(str(r[2]), dir))
		})
	}
	return err
}

func writeLines(path string, lines []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// normCSV rewrites a gaps.csv one record a line, with its time columns blanked and timestamps
// normalised.
func normCSV(in, out, dir string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.FieldsPerRecord = -1
	var lines []string
	var blank []bool
	for n := 0; ; n++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
		if n == 0 {
			for _, h := range rec {
				blank = append(blank, timeKey(h))
			}
		}
		for i, c := range rec {
			if i < len(blank) && blank[i] && n > 0 {
				rec[i] = "<time>"
			} else {
				rec[i] = strconv.Quote(normString(c, dir))
			}
		}
		lines = append(lines, strings.Join(rec, ","))
	}
	return writeLines(out, lines)
}

// normJSON flattens gaps.json into one `path = value` line per scalar, in document order: time fields
// dropped, timestamps blanked, run ids replaced by their ordinals.
func normJSON(in, out, dir string, runs runIDs) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(o, 1<<20)
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	dec.UseNumber()
	if err := flatten(dec, w, "", "", dir, runs); err != nil {
		o.Close()
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := w.Flush(); err != nil {
		o.Close()
		return err
	}
	return o.Close()
}

func flatten(dec *json.Decoder, w *bufio.Writer, path, key, dir string, runs runIDs) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		empty := true
		switch t {
		case '{':
			for dec.More() {
				empty = false
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				if timeKey(k) {
					if err := skipValue(dec); err != nil {
						return err
					}
					continue
				}
				if err := flatten(dec, w, path+"."+k, k, dir, runs); err != nil {
					return err
				}
			}
		case '[':
			for i := 0; dec.More(); i++ {
				empty = false
				if err := flatten(dec, w, path+"["+strconv.Itoa(i)+"]", "", dir, runs); err != nil {
					return err
				}
			}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return err
		}
		if empty {
			fmt.Fprintf(w, "%s = %c%c\n", path, t, t+2)
		}
	case string:
		fmt.Fprintf(w, "%s = %q\n", path, normString(t, dir))
	case json.Number:
		v := t.String()
		if key == "run_id" || key == "previous_run" || path == ".run.id" {
			v = runs.nameStr(v)
		}
		fmt.Fprintf(w, "%s = %s\n", path, v)
	default:
		fmt.Fprintf(w, "%s = %v\n", path, t)
	}
	return nil
}

func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

func readLines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil, nil
	}
	return strings.Split(s, "\n"), nil
}

func short(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}

// diffSorted compares two sorted dumps: the lines only in the reference (-) and only in the other (+),
// the first few of each and their number by table.
func diffSorted(refPath, gotPath string) (bool, []string) {
	ref, err1 := readLines(refPath)
	got, err2 := readLines(gotPath)
	if err := errors.Join(err1, err2); err != nil {
		return false, []string{err.Error()}
	}
	var minus, plus []string
	i, j := 0, 0
	for i < len(ref) || j < len(got) {
		switch {
		case j >= len(got) || (i < len(ref) && ref[i] < got[j]):
			minus = append(minus, ref[i])
			i++
		case i >= len(ref) || got[j] < ref[i]:
			plus = append(plus, got[j])
			j++
		default:
			i++
			j++
		}
	}
	if len(minus) == 0 && len(plus) == 0 {
		return true, nil
	}
	byTable := map[string][2]int{}
	for _, l := range minus {
		t, _, _ := strings.Cut(l, "\t")
		c := byTable[t]
		c[0]++
		byTable[t] = c
	}
	for _, l := range plus {
		t, _, _ := strings.Cut(l, "\t")
		c := byTable[t]
		c[1]++
		byTable[t] = c
	}
	var counts []string
	for t, c := range byTable {
		counts = append(counts, fmt.Sprintf("%s -%d +%d", t, c[0], c[1]))
	}
	slices.Sort(counts)
	out := []string{fmt.Sprintf("%d lines only in the reference, %d only here (%s)", len(minus), len(plus), strings.Join(counts, ", "))}
	for k := 0; k < 6 && k < len(minus); k++ {
		out = append(out, "  - "+short(minus[k]))
	}
	for k := 0; k < 6 && k < len(plus); k++ {
		out = append(out, "  + "+short(plus[k]))
	}
	return false, out
}

var index = regexp.MustCompile(`\[\d+\]`)

// diffDocs compares two normalised documents line by line: the first differing lines, how many lines
// differ, and whether the same lines are there in another order.
func diffDocs(refPath, gotPath string) (bool, []string) {
	ref, err1 := readLines(refPath)
	got, err2 := readLines(gotPath)
	if err := errors.Join(err1, err2); err != nil {
		return false, []string{err.Error()}
	}
	if slices.Equal(ref, got) {
		return true, nil
	}
	var out []string
	ndiff := 0
	for k := 0; k < max(len(ref), len(got)); k++ {
		var a, b string
		if k < len(ref) {
			a = ref[k]
		}
		if k < len(got) {
			b = got[k]
		}
		if a == b {
			continue
		}
		if ndiff < 6 {
			out = append(out, fmt.Sprintf("  line %d: - %s", k+1, short(a)), fmt.Sprintf("  line %d: + %s", k+1, short(b)))
		}
		ndiff++
	}
	// The same lines in another order? (positions in paths ignored)
	count := map[string]int{}
	for _, l := range ref {
		count[index.ReplaceAllString(l, "[]")]++
	}
	for _, l := range got {
		count[index.ReplaceAllString(l, "[]")]--
	}
	var only []string
	for l, c := range count {
		if c != 0 {
			only = append(only, fmt.Sprintf("%+d× %s", -c, short(l)))
		}
	}
	slices.Sort(only)
	head := fmt.Sprintf("%d of %d lines differ (reference %d lines)", ndiff, len(got), len(ref))
	if len(only) == 0 {
		head += "; the same content in another order"
	} else {
		head += fmt.Sprintf("; %d distinct lines (array positions ignored) are not in both", len(only))
	}
	out = append([]string{head}, out...)
	for k := 0; k < 6 && k < len(only); k++ {
		out = append(out, "  "+only[k])
	}
	return false, out
}

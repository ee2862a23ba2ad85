package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler/suggest"
	"github.com/heed-dev/heed/report"
)

// heedRun runs the command line as main would, returning the exit code and output.
func heedRun(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func jsonLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(strings.NewReader(s))
	for {
		var m map[string]any
		if err := dec.Decode(&m); err == io.EOF {
			return out
		} else if err != nil {
			t.Fatalf("output is not JSONL: %v\n%s", err, s)
		}
		out = append(out, m)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHelpAndUnknownCommand(t *testing.T) {
	if code, out, _ := heedRun(t, "", "help"); code != 0 || !strings.Contains(out, "classify") {
		t.Errorf("help: code %d, %q", code, out)
	}
	if code, _, _ := heedRun(t, ""); code != exitUsage {
		t.Errorf("no command: code %d, want 2", code)
	}
	if code, _, errs := heedRun(t, "", "frobnicate"); code != exitUsage || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: code %d, %q", code, errs)
	}
	if code, out, _ := heedRun(t, "", "version"); code != 0 || !strings.HasPrefix(out, "heed ") {
		t.Errorf("version: code %d, %q", code, out)
	}
	if code, _, errs := heedRun(t, "", "classify", "-nope"); code != exitUsage || !strings.Contains(errs, "-nope") {
		t.Errorf("a bad flag: code %d, %q", code, errs)
	}
}

func TestClassifyContract(t *testing.T) {
	long := strings.Repeat("é", 1200)
	in := "lark login\n\n   \nhow to charge a lark battery\r\nbad\xffbyte\n" + long + "\n"
	code, out, errs := heedRun(t, in, "classify", "--brand", "lark", "--explain")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	lines := jsonLines(t, out)
	if len(lines) != 4 {
		t.Fatalf("%d output lines for 4 non-blank input lines", len(lines))
	}
	wantText := []string{"lark login", "how to charge a lark battery", "bad\uFFFDbyte", strings.Repeat("é", 1000)}
	for i, l := range lines {
		if l["text"] != wantText[i] {
			t.Errorf("line %d text = %q, want %q (input order, cleaned)", i+1, l["text"], wantText[i])
		}
		for _, k := range []string{"intent", "confidence", "question_type", "modifiers"} {
			if _, ok := l[k]; !ok {
				t.Errorf("line %d lacks %q: %v", i+1, k, l)
			}
		}
	}
	if lines[0]["intent"] != "navigational" || lines[1]["question_type"] != "how_to" {
		t.Errorf("labels: %v / %v", lines[0], lines[1])
	}
	if lines[3]["truncated"] != true || lines[0]["truncated"] != nil {
		t.Errorf("truncated flags: %v, %v", lines[3]["truncated"], lines[0]["truncated"])
	}
	if _, ok := lines[0]["reasons"]; !ok {
		t.Error("--explain gave no reasons")
	}
	// From a file argument, and the same result for the same input.
	f := writeFile(t, t.TempDir(), "in.txt", in)
	if code, out2, _ := heedRun(t, "", "classify", "--brand", "lark", "--explain", f); code != 0 || out2 != out {
		t.Errorf("classify FILE differs from classify on stdin (code %d)", code)
	}
	if code, _, errs := heedRun(t, "", "classify", filepath.Join(t.TempDir(), "missing.txt")); code != exitUsage || !strings.Contains(errs, "missing.txt") {
		t.Errorf("a missing file: code %d, %q", code, errs)
	}
}

const pagesJSONL = `{"url": "https://h.example/charge", "title": "How to charge your Lark battery", "body": "Plug the Lark charger in. A full charge takes five hours.", "type": "guide"}
{"url": "https://h.example/brakes", "title": "Adjust the brakes of your Lark", "body": "Turn the barrel adjuster to tighten the brake cable.", "type": "guide"}
{"url": "https://h.example/pricing", "title": "Lark prices", "body": "The Lark Commuter costs 1,999 pounds.", "queries": ["how much is a lark"], "type": "pricing"}
{"url": "https://h.example/blog/cargo", "title": "Why cargo bikes replace the family car", "body": "Cargo bikes from Lark carry children and shopping.", "type": "article"}
{"url": "javascript:alert(1)", "title": "hostile"}
`

func TestMatchContract(t *testing.T) {
	dir := t.TempDir()
	pages := writeFile(t, dir, "pages.jsonl", pagesJSONL)
	in := "how long to charge a lark battery\n\nzebra crossing\nlark brake cable loose\n"
	code, out, errs := heedRun(t, in, "match", "--pages", pages)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	if !strings.Contains(errs, "pages.jsonl:5: skipped") {
		t.Errorf("the hostile page line was not reported with its line number: %q", errs)
	}
	lines := jsonLines(t, out)
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	if lines[0]["url"] != "https://h.example/charge" || lines[0]["gap"] != false || lines[0]["gap_kind"] != "none" {
		t.Errorf("line 1 = %v", lines[0])
	}
	if lines[1]["url"] != nil || lines[1]["gap"] != true || lines[1]["gap_kind"] != "no_content" {
		t.Errorf("a request sharing nothing = %v, want url null and a no_content gap", lines[1])
	}
	for i, l := range lines {
		for _, k := range []string{"text", "intent", "url", "score", "gap", "gap_kind", "alternatives"} {
			if _, ok := l[k]; !ok {
				t.Errorf("line %d lacks %q", i+1, k)
			}
		}
		if alts := l["alternatives"].([]any); len(alts) > 3 {
			t.Errorf("line %d has %d alternatives", i+1, len(alts))
		}
		if (l["gap_kind"] == "none") == l["gap"].(bool) {
			t.Errorf("line %d: gap %v with gap_kind %v", i+1, l["gap"], l["gap_kind"])
		}
	}
	for i, l := range lines {
		if _, ok := l["reason"]; ok {
			t.Errorf("line %d has a reason without --explain", i+1)
		}
	}
	// --explain adds why, on the same answers.
	code, explained, _ := heedRun(t, in, "match", "--explain", "--pages", pages)
	ex := jsonLines(t, explained)
	if code != 0 || len(ex) != 3 {
		t.Fatalf("--explain: code %d, %d lines", code, len(ex))
	}
	for i, l := range ex {
		if l["url"] != lines[i]["url"] || l["gap_kind"] != lines[i]["gap_kind"] || l["reason"] == "" || l["explain"] == nil {
			t.Errorf("--explain line %d = %v", i+1, l)
		}
	}
	if r, _ := ex[0]["reason"].(string); !strings.Contains(r, "How to charge your Lark battery") {
		t.Errorf("reason %q does not name the page", r)
	}
	// CSV pages give the same answers.
	csvPages := writeFile(t, dir, "pages.csv", "url,title,body,queries,type\n"+
		"https://h.example/charge,How to charge your Lark battery,Plug the Lark charger in. A full charge takes five hours.,,guide\n"+
		"https://h.example/brakes,Adjust the brakes of your Lark,Turn the barrel adjuster to tighten the brake cable.,,guide\n"+
		"https://h.example/pricing,Lark prices,\"The Lark Commuter costs 1,999 pounds.\",how much is a lark,pricing\n"+
		"https://h.example/blog/cargo,Why cargo bikes replace the family car,Cargo bikes from Lark carry children and shopping.,,article\n")
	code, outCSV, errs := heedRun(t, in, "match", "--pages", csvPages)
	if code != 0 || outCSV != out {
		t.Errorf("CSV pages: code %d (%s), output differs from JSONL pages:\n%s\nvs\n%s", code, errs, outCSV, out)
	}
	if code, _, errs := heedRun(t, in, "match"); code != exitUsage || !strings.Contains(errs, "-pages is required") {
		t.Errorf("without --pages: code %d, %q", code, errs)
	}
	empty := writeFile(t, dir, "empty.jsonl", "{\"title\": \"no url\"}\n")
	if code, _, errs := heedRun(t, in, "match", "--pages", empty); code != exitUsage || !strings.Contains(errs, "no pages") {
		t.Errorf("no valid page: code %d, %q", code, errs)
	}
}

// TestMatchAnswersInBatchesAsAlone: heed match encodes a batch of requests together and answers a
// request asked again from memory; each line's answer is still the one it gets alone.
func TestMatchAnswersInBatchesAsAlone(t *testing.T) {
	dir := t.TempDir()
	pages := writeFile(t, dir, "pages.jsonl", pagesJSONL)
	texts := []string{"how long to charge a lark battery", "lark brake cable loose", "how long to charge a lark battery",
		"what does a lark cost", "lark brake cable loose", "zebra crossing", "how long to charge a lark battery"}
	code, out, errs := heedRun(t, strings.Join(texts, "\n")+"\n", "match", "--explain", "--pages", pages)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(got) != len(texts) {
		t.Fatalf("%d lines for %d requests", len(got), len(texts))
	}
	for i, text := range texts {
		code, alone, errs := heedRun(t, text+"\n", "match", "--explain", "--pages", pages)
		if code != 0 {
			t.Fatalf("%q alone: code %d: %s", text, code, errs)
		}
		if diff := cmp.Diff(strings.TrimSuffix(alone, "\n"), got[i]); diff != "" {
			t.Errorf("line %d (%q) differs from its answer alone (-alone +batch):\n%s", i+1, text, diff)
		}
	}
}

// sampleSources serves an OpenSearch suggestion endpoint, a Stack Exchange API and a small site.
func sampleSources(t *testing.T) (suggest, api, site string) {
	t.Helper()
	sug := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("q")
		all := []string{"lark battery charging time", "lark battery child seat", "lark battery price"}
		var out []string
		for _, s := range all {
			if strings.HasPrefix(s, q) {
				out = append(out, s)
			}
		}
		json.NewEncoder(w).Encode([]any{q, out})
	}))
	t.Cleanup(sug.Close)
	se := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"items":[{"question_id":1,"title":"Lark brakes squeal &amp; rub","link":"https://bicycles.stackexchange.com/q/1","tags":["e-bike"],"is_answered":false,"answer_count":0,"score":3,"view_count":400,"creation_date":1757000000}],"has_more":false,"quota_max":300,"quota_remaining":299}`)
	}))
	t.Cleanup(se.Close)
	var s *httptest.Server
	s = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprintf(w, "User-agent: *\nSitemap: %s/sitemap.xml\n", s.URL)
		case "/sitemap.xml":
			fmt.Fprintf(w, `<urlset><url><loc>%[1]s/charge</loc></url><url><loc>%[1]s/brakes</loc></url></urlset>`, s.URL)
		case "/charge":
			fmt.Fprint(w, `<html><title>How to charge your Lark battery</title><main><h1>Charging</h1><p>A full charge of the Lark battery takes five hours.</p></main></html>`)
		case "/brakes":
			fmt.Fprint(w, `<html><title>Adjust the brakes of your Lark</title><main><p>Squealing brakes need new pads.</p></main></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return sug.URL + "/complete?q={q}", se.URL, s.URL + "/"
}

func TestCrawlCommand(t *testing.T) {
	sug, api, _ := sampleSources(t)
	kw := writeFile(t, t.TempDir(), "kw.txt", "lark e-bike price\n\nlark login\n")
	code, out, errs := heedRun(t, "", "crawl", "--source", "opensearch="+sug, "--source", "stackexchange="+api+";site=bicycles",
		"--source", "requests="+kw, "--seed", "lark battery", "--delay", "1ms")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	lines := jsonLines(t, out)
	var texts []string
	for _, l := range lines {
		texts = append(texts, fmt.Sprintf("%s|%s|%v", l["source"], l["text"], l["position"]))
		for _, k := range []string{"text", "source", "url", "seed", "expansion", "position"} {
			if _, ok := l[k]; !ok {
				t.Errorf("sighting lacks %q: %v", k, l)
			}
		}
	}
	want := []string{"opensearch|lark battery charging time|1", "opensearch|lark battery child seat|2", "opensearch|lark battery price|3",
		"requests|lark e-bike price|1", "requests|lark login|2", "stackexchange|Lark brakes squeal & rub|1"}
	if diff := cmp.Diff(want, texts); diff != "" {
		t.Errorf("sightings (-want +got):\n%s", diff)
	}
	for _, l := range lines {
		if l["source"] == "stackexchange" && (l["views"] != 400.0 || l["answered"] != false) {
			t.Errorf("forum evidence lost: %v", l)
		}
	}
	outFile := filepath.Join(t.TempDir(), "sub", "crawl.jsonl")
	if code, _, errs := heedRun(t, "", "crawl", "--source", "requests="+kw, "--out", outFile); code != 0 {
		t.Fatalf("crawl --out: %d %s", code, errs)
	}
	if b, err := os.ReadFile(outFile); err != nil || len(jsonLines(t, string(b))) != 2 {
		t.Errorf("crawl --out wrote %q, %v", b, err)
	}
}

func TestEveryContractKindIsBuilt(t *testing.T) {
	for _, kind := range []string{"opensearch", "google", "bing", "duckduckgo", "youtube", "amazon", "wikipedia",
		"stackexchange", "reddit", "discourse", "feed", "requests", "html"} {
		if err := checkKind(kind); err != nil {
			t.Errorf("kind %s: %v", kind, err)
		}
	}
	if code, _, errs := heedRun(t, "", "crawl", "--source", "altavista"); code != exitUsage || !strings.Contains(errs, "unknown source kind") {
		t.Errorf("unknown kind: code %d, %q", code, errs)
	}
	if code, _, errs := heedRun(t, "", "crawl", "--source", "feed"); code != exitUsage || !strings.Contains(errs, "feed needs the feed's URL") {
		t.Errorf("a feed without its URL: code %d, %q", code, errs)
	}
	if code, _, _ := heedRun(t, "", "crawl"); code != exitUsage {
		t.Errorf("crawl without sources: code %d, want 2", code)
	}
}

func TestCrawlEverySourceFailing(t *testing.T) {
	dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusForbidden) }))
	defer dead.Close()
	code, _, errs := heedRun(t, "", "crawl", "--source", "opensearch="+dead.URL+"/?q={q}", "--seed", "x")
	if code != exitFail || !strings.Contains(errs, "every source failed") {
		t.Errorf("code %d, %q; want 1 and every source failed", code, errs)
	}
}

func TestRunFromFlagsAlone(t *testing.T) {
	dir := t.TempDir()
	pages := writeFile(t, dir, "pages.jsonl", pagesJSONL)
	reqs := writeFile(t, dir, "requests.txt", "how long to charge a lark battery\nlark child seat\nlark brake cable loose\nbuy lark cargo bike\n")
	data, out := filepath.Join(dir, "data"), filepath.Join(dir, "out")
	code, stdout, errs := heedRun(t, "", "run", "--data", data, "--source", "requests="+reqs, "--pages", pages, "--out", out, "--log-level", "warn")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "4 requests (4 new") || !strings.Contains(stdout, "report in "+out) {
		t.Errorf("summary line = %q", stdout)
	}
	for _, f := range []string{report.HTMLFile, report.JSONFile, report.CSVFile} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	// The second run on the same data directory sees the first.
	writeFile(t, dir, "requests.txt", "how long to charge a lark battery\nlark child seat\nlark puncture\n")
	code, stdout, errs = heedRun(t, "", "run", "--data", data, "--source", "requests="+reqs, "--pages", pages, "--out", out, "--log-level", "warn")
	if code != 0 {
		t.Fatalf("second run: code %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "3 requests (1 new, 2 recurring, 2 disappeared)") {
		t.Errorf("second summary = %q", stdout)
	}
}

func TestRunWithAConfigAgainstLiveSources(t *testing.T) {
	sug, api, site := sampleSources(t)
	dir := t.TempDir()
	writeFile(t, dir, "kw.txt", "lark login\n")
	cfg := writeFile(t, dir, "heed.yaml", fmt.Sprintf(`organisation:
  name: Lark
  brands: [lark]
  site: %s
sources:
  - kind: opensearch
    base: "%s"
  - kind: stackexchange
    base: %s
    options: {site: bicycles}
  - kind: requests
    base: kw.txt
seeds: [lark battery]
expand: [alphabet]
crawl: {delay: 1ms, parallel: 4}
`, site, sug, api))
	start := time.Now()
	code, stdout, errs := heedRun(t, "", "run", "-c", cfg, "--log-level", "warn")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out", report.JSONFile))
	if err != nil {
		t.Fatalf("the report is not in the config's directory: %v (stdout %s)", err, stdout)
	}
	var r report.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Summary.Pages != 2 || r.Summary.Requests != 5 {
		t.Errorf("report: %d pages, %d requests; want 2 crawled pages and 5 requests (3 suggestions, 1 question, 1 keyword)", r.Summary.Pages, r.Summary.Requests)
	}
	var answered []string
	for _, a := range r.Answered {
		answered = append(answered, a.Text+" -> "+a.URL)
	}
	if !strings.Contains(strings.Join(answered, "\n"), "lark battery charging time -> "+site+"charge") {
		t.Errorf("answered = %v", answered)
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("a small run took %v", time.Since(start))
	}
}

func TestRunUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.yaml", "sources:\n  - kind: opensearch\n    base: \"http://x/?q={q}\"\n  - kind: gogle\n")
	code, _, errs := heedRun(t, "", "run", "-c", bad)
	if code != exitUsage || !strings.Contains(errs, "bad.yaml:4: sources[1].kind: unknown source kind \"gogle\"") {
		t.Errorf("a config with an unknown kind: code %d, %q", code, errs)
	}
	if code, _, errs := heedRun(t, "", "run", "-c", filepath.Join(dir, "none.yaml")); code != exitUsage || !strings.Contains(errs, "none.yaml") {
		t.Errorf("a missing config: code %d, %q", code, errs)
	}
	if code, _, errs := heedRun(t, "", "run", "--data", dir); code != exitUsage || !strings.Contains(errs, "no sources") {
		t.Errorf("no sources: code %d, %q", code, errs)
	}
	if code, _, errs := heedRun(t, "", "run", "--source", "requests=x", "--shard", "3/2"); code != exitUsage || !strings.Contains(errs, "-shard") {
		t.Errorf("a bad shard: code %d, %q", code, errs)
	}
}

// TestRunFailsWhenEverySourceFails: a source that yields nothing fails; when every one does, the run
// could not do its job (exit 1). A missing file is an input-file error instead (TestBadInputFiles).
func TestRunFailsWhenEverySourceFails(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := heedRun(t, "", "run", "--data", filepath.Join(dir, "d"), "--out", filepath.Join(dir, "o"),
		"--source", "requests="+writeFile(t, dir, "empty.txt", ""), "--log-level", "error")
	if code != exitFail || !strings.Contains(errs, "every source failed") || !strings.Contains(errs, "empty.txt") {
		t.Errorf("code %d, %q; want 1 and every source failed", code, errs)
	}
}

func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo crawls a few hundred loopback URLs")
	}
	out := filepath.Join(t.TempDir(), "demo")
	start := time.Now()
	code, stdout, errs := heedRun(t, "", "demo", "--out", out)
	took := time.Since(start)
	if code != 0 {
		t.Fatalf("demo: code %d\n%s\n%s", code, stdout, errs)
	}
	if took > 60*time.Second {
		t.Errorf("the demo took %v, want under a minute", took)
	}
	for _, f := range []string{report.HTMLFile, report.JSONFile, report.CSVFile, "heed.yaml"} {
		if !strings.Contains(stdout, filepath.Join(out, f)) && f != "heed.yaml" && f != report.CSVFile {
			t.Errorf("the demo does not say where %s is: %q", f, stdout)
		}
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(out, report.JSONFile))
	var r report.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Summary.Pages < 30 || len(r.Answered) == 0 || len(r.Gaps) == 0 || r.Run.Status != "ok" {
		t.Errorf("demo report: %d pages, %d answered, %d gaps, status %s; want 30+ pages, both answered requests and gaps, ok",
			r.Summary.Pages, len(r.Answered), len(r.Gaps), r.Run.Status)
	}
	// The sample site is served from loopback, but its pages are the help centre's: the report links
	// the public URLs its canonical links name, not the loopback copy that is gone once the demo ends.
	for _, pg := range r.Pages {
		if !strings.HasPrefix(pg.URL, "https://help.larkcycles.example/") {
			t.Errorf("demo page %s: want the help centre's canonical URL", pg.URL)
			break
		}
	}
	kinds := map[string]int{}
	for _, g := range r.Gaps {
		kinds[string(g.GapKind)]++
	}
	if kinds["no_content"] == 0 || kinds["wrong_page_type"] == 0 {
		t.Errorf("demo gap kinds = %v, want no_content and wrong_page_type among them", kinds)
	}
	// The config it leaves loads, and a second demo run sees the first.
	if _, err := loadConfig(filepath.Join(out, "heed.yaml")); err != nil {
		t.Errorf("out/demo/heed.yaml does not load: %v", err)
	}
	if code, stdout, errs := heedRun(t, "", "demo", "--out", out); code != 0 || !strings.Contains(stdout, "0 new") {
		t.Errorf("second demo: code %d, %q %s", code, stdout, errs)
	}
}

// TestEverySourceKindHasASightingKind holds heed.SightingKindOf (the vocabulary's one table of what a
// sighting is evidence of) to the source kinds heed builds: forum sources give questions, the requests
// import gives imports, every suggestion source gives suggestions. A new kind must be placed there.
func TestEverySourceKindHasASightingKind(t *testing.T) {
	want := map[string]heed.SightingKind{
		"stackexchange": heed.SightingQuestion, "reddit": heed.SightingQuestion, "discourse": heed.SightingQuestion,
		"feed": heed.SightingQuestion, "html": heed.SightingQuestion, "requests": heed.SightingImport,
		"sitesearch": heed.SightingSiteSearch, "searchconsole": heed.SightingSearchConsole,
		"helpdesk": heed.SightingHelpDesk,
	}
	for kind := range suggest.Kinds {
		want[kind] = heed.SightingSuggestion
	}
	for kind := range sourceKinds() {
		w, ok := want[kind]
		if !ok {
			t.Errorf("source kind %q: say here (and in heed.SightingKindOf) what its sightings are evidence of", kind)
			continue
		}
		if got := heed.SightingKindOf(kind); got != w {
			t.Errorf("SightingKindOf(%q) = %q, want %q", kind, got, w)
		}
	}
	if len(want) != len(sourceKinds()) {
		t.Errorf("%d kinds placed here, %d built", len(want), len(sourceKinds()))
	}
}

// TestMatchKeepsVectorsInTheStore: with --data, heed match reads the vectors of texts encoded before (by
// a run or an earlier match) from the store and keeps those it encodes, and says how many of each; its
// answers are those of a match without the store, byte for byte.
func TestMatchKeepsVectorsInTheStore(t *testing.T) {
	dir := t.TempDir()
	pages := writeFile(t, dir, "pages.jsonl", pagesJSONL)
	data := filepath.Join(dir, "data")
	stdin := "how long to charge a lark battery\nlark brake cable loose\nwhat does a lark cost\n"
	code, want, errs := heedRun(t, stdin, "match", "--explain", "--pages", pages)
	if code != 0 {
		t.Fatalf("without the store: code %d: %s", code, errs)
	}
	for i, wantStats := range []*regexp.Regexp{
		regexp.MustCompile(`vectors: 0 read from the store, [1-9][0-9]* encoded and kept`),
		regexp.MustCompile(`vectors: [1-9][0-9]* read from the store, 0 encoded and kept`),
	} {
		code, got, errs := heedRun(t, stdin, "match", "--explain", "--pages", pages, "--data", data)
		if code != 0 {
			t.Fatalf("match %d with --data: code %d: %s", i+1, code, errs)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("match %d with --data answers differently (-without +with):\n%s", i+1, diff)
		}
		if !wantStats.MatchString(errs) {
			t.Errorf("match %d: stderr %q, want it to match %q", i+1, errs, wantStats)
		}
	}
}

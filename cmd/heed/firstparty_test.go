package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/report"
)

// personal are the e-mail addresses and phone numbers the first-party fixtures hold: none may reach the
// store, the report or the log.
var personal = []string{"ana.lopez@example.com", "0151 496 0123", "bob@example.org", "token=abc123"}

// noPersonalData fails when any file under dirs, or text, holds one of secrets.
func noPersonalData(t *testing.T, secrets []string, text string, dirs ...string) {
	t.Helper()
	for _, p := range secrets {
		if strings.Contains(text, p) {
			t.Errorf("the output holds %q", p)
		}
	}
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range secrets {
				if strings.Contains(string(b), p) {
					t.Errorf("%s holds %q", path, p)
				}
			}
			return nil
		})
	}
}

// TestRunWithSiteSearch: a run takes site-search exports beside a keyword list; each source is counted
// under its own kind, a request heard from both kinds says so in its evidence, and no e-mail address,
// phone number or link token from a search reaches the store, the report or the log.
func TestRunWithSiteSearch(t *testing.T) {
	dir := t.TempDir()
	fixtures := filepath.Join("..", "..", "crawler", "imports", "testdata", "sitesearch")
	data, out := filepath.Join(dir, "data"), filepath.Join(dir, "out")
	code, stdout, errs := heedRun(t, "", "run", "--data", data, "--out", out, "--log-level", "debug",
		"--pages", writeFile(t, dir, "pages.jsonl", pagesJSONL),
		"--source", "requests="+writeFile(t, dir, "kw.txt", "refund\nlark child seat\n"),
		"--source", "sitesearch="+filepath.Join(fixtures, "algolia-noresults.json")+";format=algolia",
		"--source", "sitesearch="+filepath.Join(fixtures, "searches.csv")+";format=csv",
		"--source", "sitesearch="+filepath.Join(fixtures, "typesense-nohits.jsonl")+";format=typesense;results=none")
	if code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	r := readReport(t, out)
	kinds := map[string]int{}
	for _, s := range r.Sources {
		kinds[s.Kind]++
	}
	if kinds["sitesearch"] != 3 || kinds["requests"] != 1 {
		t.Errorf("sources by kind %v, want 3 sitesearch and 1 requests", kinds)
	}
	var refund *report.Request
	for _, rows := range [][]report.Request{r.Gaps, r.Answered, r.ServiceIssues} {
		if i := slices.IndexFunc(rows, func(q report.Request) bool { return q.Text == "refund" }); i >= 0 {
			refund = &rows[i]
		}
	}
	if refund == nil {
		t.Fatal("refund is nowhere in the report")
	}
	if ev := refund.Evidence; !slices.Contains(ev.Kinds, heed.SightingSiteSearch) || !slices.Contains(ev.Kinds, heed.SightingSuggestion) && ev.Imported == 0 || ev.SiteSearches != 830+830 || ev.NoResults != 830+830 {
		t.Errorf("refund's evidence %+v: want site searches counted from both exports", ev)
	}
	if k := r.Summary.ByKind; k["site_search"].Requests != 9 || k["import"].Requests != 2 || k["site_search"].Demand <= 0 {
		t.Errorf("summary.by_kind %+v: want the 9 distinct searches (refund is in two exports) and the 2 listed requests", k)
	}
	if html, _ := os.ReadFile(filepath.Join(out, "report.html")); !strings.Contains(string(html), "your site search") {
		t.Error("report.html does not show the demand heard from the site search")
	}
	noPersonalData(t, personal, stdout+errs, data, out)
}

// TestRunWithSearchConsole: Search Console rows beside a keyword list give summary.search_console in
// gaps.json (Google's page against heed's) and the disagreements in the report.
func TestRunWithSearchConsole(t *testing.T) {
	dir := t.TempDir()
	rows := writeFile(t, dir, "rows.json", `{"rows":[
 {"keys":["how long to charge a lark battery","https://h.example/charge"],"clicks":40,"impressions":900},
 {"keys":["how long to charge a lark battery","https://h.example/brakes"],"clicks":1,"impressions":20},
 {"keys":["lark child seat","https://h.example/pricing"],"clicks":3,"impressions":300}]}`)
	out := filepath.Join(dir, "out")
	code, _, errs := heedRun(t, "", "run", "--data", filepath.Join(dir, "data"), "--out", out, "--log-level", "warn",
		"--pages", writeFile(t, dir, "pages.jsonl", pagesJSONL), "--source", "searchconsole="+rows,
		"--source", "requests="+writeFile(t, dir, "kw.txt", "lark child seat\n"))
	if code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	r := readReport(t, out)
	sc := r.Summary.SearchConsole
	if sc == nil || sc.Queries != 2 || sc.Same != 1 || sc.Agreement != 0.5 {
		t.Fatalf("summary.search_console = %+v, want 2 queries, agreeing on the charging one", sc)
	}
	if len(r.Disagreements) != 1 || r.Disagreements[0].Text != "lark child seat" || r.Disagreements[0].GooglePage != "https://h.example/pricing" {
		t.Errorf("disagreements %+v", r.Disagreements)
	}
	kinds := map[string]bool{}
	for _, s := range r.Sources {
		kinds[s.Kind] = true
	}
	if !kinds["searchconsole"] || !kinds["requests"] {
		t.Errorf("sources %+v: want searchconsole and requests", r.Sources)
	}
	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	if !strings.Contains(string(html), `<section id="search-console">`) {
		t.Error("report.html has no Search Console section")
	}
}

// TestDemoHearsFirstPartySources: the demo's one run takes a site-search export, a help-desk export and
// Search Console rows beside its public sources; each is counted under its own kind, the report gives
// the Search Console agreement, and no e-mail address, phone or card number from the exports reaches
// the store, the report or the log.
func TestDemoHearsFirstPartySources(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo")
	}
	dir := filepath.Join(t.TempDir(), "demo")
	code, stdout, errs := heedRun(t, "", "demo", "--out", dir)
	if code != 0 {
		t.Fatalf("demo: %d %s", code, errs)
	}
	r := readReport(t, dir)
	kinds := map[string]int{}
	for _, s := range r.Sources {
		kinds[s.Kind] += s.Requests
	}
	for _, k := range []string{"opensearch", "stackexchange", "requests", "sitesearch", "helpdesk", "searchconsole"} {
		if kinds[k] == 0 {
			t.Errorf("no requests counted under source kind %s: %v", k, kinds)
		}
	}
	for _, k := range []heed.SightingKind{heed.SightingSiteSearch, heed.SightingHelpDesk, heed.SightingSearchConsole} {
		if r.Summary.ByKind[string(k)].Requests == 0 {
			t.Errorf("summary.by_kind has no %s: %v", k, r.Summary.ByKind)
		}
	}
	if sc := r.Summary.SearchConsole; sc == nil || sc.Queries != 12 || sc.Agreement <= 0 || sc.Agreement >= 1 {
		t.Errorf("summary.search_console = %+v", sc)
	}
	exports := []string{"helpdesk-zendesk.json", "site-search.csv"} // heed's input, written by the demo
	for _, name := range exports {
		os.Rename(filepath.Join(dir, name), filepath.Join(t.TempDir(), name))
	}
	noPersonalData(t, []string{"jane.doe@example.net", "sam.smith@example.org", "7946 0018", "900461", "4111 1111 1111 1111"}, stdout+errs, dir)
}

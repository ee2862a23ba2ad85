package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/heed-dev/heed/report"
)

// chromiumPath finds Debian's chromium; the browser tests skip without it, and fail under
// HEED_REQUIRE_BROWSER=1 (CI installs it).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("HEED_REQUIRE_BROWSER") == "1" {
		t.Fatal("HEED_REQUIRE_BROWSER=1 but no chromium is installed (apt-get install chromium)")
	}
	t.Skip("no chromium: install Debian's chromium to run the browser tests")
	return ""
}

// browser starts a headless Chromium; dialogs (an alert() from hostile text would open one) are
// recorded and dismissed.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	exe := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancel(); cancelA() })
	var mu sync.Mutex
	var dialogs []string
	err := chromedp.Listen(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			mu.Lock()
			dialogs = append(dialogs, d.Message)
			mu.Unlock()
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string{}, dialogs...) }
}

// screenshot saves the page, in HEED_SCREENSHOT_DIR when set, else in the test's temporary directory.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if len(png) < 10_000 {
		t.Errorf("screenshot %s is only %d bytes", name, len(png))
	}
	dir := os.Getenv("HEED_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
}

// noScriptRan checks that no hostile text ran: no dialog opened and nothing set window.heedPwned (the
// demo's hostile pages and requests try both).
func noScriptRan(t *testing.T, ctx context.Context, dialogs func() []string) {
	t.Helper()
	pwned, err := chromedp.Run(ctx, chromedp.Evaluate[string](`String(window.heedPwned)`))
	if err != nil {
		t.Fatal(err)
	}
	if pwned != "undefined" {
		t.Errorf("hostile text ran: window.heedPwned = %q", pwned)
	}
	if d := dialogs(); len(d) > 0 {
		t.Errorf("hostile text opened dialogs: %q", d)
	}
}

func demoReport(t *testing.T) (string, report.Report) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, errs := heedRun(t, "", "demo", "--out", dir); code != 0 {
		t.Fatalf("heed demo: %d %s", code, errs)
	}
	return dir, readReport(t, dir)
}

func figure(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-figure="`+name+`"] .n`)))
	if err != nil {
		t.Fatalf("figure %s: %v", name, err)
	}
	return strings.TrimSpace(s)
}

// TestReportInChromium opens the demo's report.html in headless Chromium: the headline figures are the
// run's, filtering narrows the gaps, the demo's hostile pages and requests show as text and none of
// them runs.
func TestReportInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	dir, r := demoReport(t)
	ctx, dialogs := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+filepath.Join(dir, report.HTMLFile)), chromedp.WaitVisible(chromedp.CSS(`#gaps-table`))); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"requests": fmt.Sprint(r.Summary.Requests), "gaps": fmt.Sprint(r.Summary.Gaps),
		"coverage": fmt.Sprintf("%.0f%%", r.Summary.Coverage*100), "topics": fmt.Sprint(r.Summary.Topics),
	} {
		if got := figure(t, ctx, name); got != want {
			t.Errorf("figure %s = %q, want %q", name, got, want)
		}
	}
	// Filtering: type a word, only the rows holding it stay.
	total, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#gaps-table tbody tr').length`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`input[data-filter="gaps-table"]`), "battery")); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll('#gaps-table tbody tr')).filter(r => !r.hidden).length`))
	if err != nil {
		t.Fatal(err)
	}
	allMatch, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Array.from(document.querySelectorAll('#gaps-table tbody tr')).filter(r => !r.hidden).every(r => r.textContent.toLowerCase().includes('battery'))`))
	if err != nil {
		t.Fatal(err)
	}
	counter, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-count="gaps-table"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if total != len(r.Gaps) || shown == 0 || shown >= total || !allMatch {
		t.Errorf("filter: %d rows, %d shown after typing battery, all matching %v", total, shown, allMatch)
	}
	if want := fmt.Sprintf("%d of %d shown", shown, total); counter != want {
		t.Errorf("counter %q, want %q", counter, want)
	}
	// The hostile texts are on the page, as text.
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.textContent`))
	if err != nil {
		t.Fatal(err)
	}
	for _, hostile := range []string{`onerror="window.heedPwned='page title'"`, `<script>alert("xss")</script>`} {
		if !strings.Contains(text, hostile) {
			t.Errorf("hostile text %q is not shown as text", hostile)
		}
	}
	noScriptRan(t, ctx, dialogs)
	screenshot(t, ctx, "report.jpg")
}

// TestReviewPagesInChromium serves the demo's store with `heed serve` and uses the review pages in
// Chromium: the figures are the run's, the filter form narrows the gaps, a signed-in content team marks
// a gap "won't answer", and no hostile text runs.
func TestReviewPagesInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	dir, r := demoReport(t)
	base := serveReview(t, dir)

	ctx, dialogs := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/review/"), chromedp.WaitVisible(chromedp.CSS(`#gaps-table`))); err != nil {
		t.Fatal(err)
	}
	if got := figure(t, ctx, "requests"); got != fmt.Sprint(r.Summary.Requests) {
		t.Errorf("requests figure %q, want %d", got, r.Summary.Requests)
	}
	forms, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('form[method="post"]').length`))
	if forms != 0 {
		t.Errorf("signed out, the page offers %d decision forms", forms)
	}
	checkGapFilter(t, ctx, r)
	noScriptRan(t, ctx, dialogs)
	screenshot(t, ctx, "review.jpg")

	first := markFirstGapWontAnswer(t, ctx, base)
	if got := figure(t, ctx, "decisions"); got != "1" {
		t.Errorf("decisions figure %q after one decision", got)
	}
	code, out, _ := heedRun(t, "", "override", "list", "-c", filepath.Join(dir, "heed.yaml"))
	if code != 0 || !strings.Contains(out, `"action":"wont_answer"`) || !strings.Contains(out, fmt.Sprintf("%q", first)) {
		t.Errorf("stored decisions: %s", out)
	}
	noScriptRan(t, ctx, dialogs)
	screenshot(t, ctx, "review-signed-in.jpg")
}

// serveReview runs `heed serve` on the demo's store in dir, with the review token review-secret, until
// the test ends, and returns its base URL once it is ready.
func serveReview(t *testing.T, dir string) string {
	t.Helper()
	t.Setenv("HEED_REVIEW_TOKEN", "review-secret")
	addr := freeAddr(t)
	sctx, stop := context.WithCancel(context.Background())
	served := make(chan int, 1)
	go func() {
		var out, errb strings.Builder
		served <- run(sctx, []string{"serve", "-c", filepath.Join(dir, "heed.yaml"), "--listen", addr, "--log-level", "warn"}, strings.NewReader(""), &out, &errb)
	}()
	t.Cleanup(func() { stop(); <-served })
	base := "http://" + addr
	waitFor(t, base+"/readyz", 30*time.Second)
	return base
}

// checkGapFilter filters the review page's gaps with its form and checks that it shows as many as the
// report has gaps mentioning "battery".
func checkGapFilter(t *testing.T, ctx context.Context, r report.Report) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="q"]`), "battery"),
		chromedp.Submit(chromedp.CSS(`input[name="q"]`)),
		// The filtered page, not the one the form was on: only the server writes the value attribute.
		chromedp.WaitVisible(chromedp.CSS(`input[name="q"][value="battery"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#shown`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#shown`), "data-shown"))
	if err != nil {
		t.Fatal(err)
	}
	shown := attr.Value
	want := 0
	for _, g := range r.Gaps {
		if strings.Contains(strings.ToLower(g.Text+" "+g.PageTitle+" "+g.URL+" "+string(g.Intent)), "battery") {
			want++
		}
	}
	if shown != fmt.Sprint(want) || want == 0 {
		t.Errorf("filtered gaps shown %s, want %d", shown, want)
	}
}

// signInToReview opens the review page as the content team (Basic auth), with its decision forms.
func signInToReview(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("team:review-secret"))
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": auth}}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/review/"), chromedp.WaitVisible(chromedp.CSS(`#gaps-table form`))); err != nil {
		t.Fatal(err)
	}
}

// markFirstGapWontAnswer signs in as the content team, marks the first gap of the review page "won't
// answer" and returns its key.
func markFirstGapWontAnswer(t *testing.T, ctx context.Context, base string) string {
	t.Helper()
	signInToReview(t, ctx, base)
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#gaps-table form input[name="key"]').value`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#gaps-table form button[value="wont_answer"]`)), chromedp.WaitVisible(chromedp.CSS(`[role="status"]`))); err != nil {
		t.Fatal(err)
	}
	return first
}

// phoneWidth is a phone's width in CSS pixels: the report and review pages reflow to it.
const phoneWidth = 400

// phoneScreenshot saves the top of the page (6,000 CSS px at most: a phone's page of cards is too tall
// for one image) at the phone's width, where screenshot saves its pages.
func phoneScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	h, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollHeight`))
	if err != nil {
		t.Fatal(err)
	}
	q, yes := int64(80), true
	r, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatJpeg, Quality: &q,
		CaptureBeyondViewport: &yes, FromSurface: &yes, Clip: &page.Viewport{Width: phoneWidth, Height: min(h, 6000), Scale: 1}})
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if len(r.Data) < 10_000 {
		t.Errorf("screenshot %s is only %d bytes", name, len(r.Data))
	}
	dir := os.Getenv("HEED_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, r.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(r.Data))
}

// noSidewaysScroll checks that the page fits the viewport's width: no table or word pushes it wider.
func noSidewaysScroll(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	widths, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
	if err != nil {
		t.Fatal(err)
	}
	if widths[1] != phoneWidth || widths[0] > widths[1] {
		t.Errorf("%s at %d px: the document is %d px wide in a %d px viewport", page, phoneWidth, widths[0], widths[1])
	}
}

// TestReportOnAPhoneInChromium opens the demo's report at a phone's width: nothing scrolls sideways, the
// charts' text renders at least 10 px high, and the questions section is there.
func TestReportOnAPhoneInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	dir, _ := demoReport(t)
	ctx, dialogs := browser(t)
	err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, 800, chromedp.EmulatePortrait),
		chromedp.Navigate("file://"+filepath.Join(dir, report.HTMLFile)), chromedp.WaitVisible(chromedp.CSS(`#gaps-table`)))
	if err != nil {
		t.Fatal(err)
	}
	noSidewaysScroll(t, ctx, "report.html")
	chartsReadable(t, ctx, phoneWidth)
	// The gaps table, reflowed into cards, has no header to sort by: its menu sorts it.
	sorted, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function () {
		const menu = document.querySelector('#gaps-table').previousElementSibling;
		if (!menu || !menu.matches('select.phone-sort') || menu.getBoundingClientRect().height === 0) { return ["no visible sort menu"]; }
		const cells = col => Array.from(document.querySelectorAll('#gaps-table tbody tr')).filter(r => r.cells.length > col).map(r => r.cells[col].textContent.trim());
		const out = [];
		for (const [ending, before] of [[", highest first", (a, b) => (parseFloat(a) || 0) >= (parseFloat(b) || 0)], [", A to Z", (a, b) => a.localeCompare(b) <= 0]]) {
			const opt = Array.from(menu.options).find(o => o.text.endsWith(ending));
			if (!opt) { out.push("no option ending " + ending); continue; }
			menu.value = opt.value;
			menu.dispatchEvent(new Event('change'));
			const col = parseInt(opt.value, 10), cs = cells(col);
			if (cs.length < 2) { out.push(opt.text + ": too few rows"); }
			for (let i = 1; i < cs.length; i++) { if (!before(cs[i-1], cs[i])) { out.push(opt.text + ": " + cs[i-1] + " before " + cs[i]); break; } }
		}
		return out;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	for _, problem := range sorted {
		t.Errorf("sorting the gaps table on a phone: %s", problem)
	}
	questions, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#questions .qgroup').length`))
	if err != nil {
		t.Fatal(err)
	}
	if questions == 0 {
		t.Error("the report has no question groups")
	}
	noScriptRan(t, ctx, dialogs)
	phoneScreenshot(t, ctx, "report-phone.jpg")
}

// chartsReadable checks the charts' visible text at the viewport's width: rendered (its font size times
// the scale its SVG is drawn at) at least 10 px high at the median and 9 px at the least, and none of it
// cut off by the edge of its chart.
func chartsReadable(t *testing.T, ctx context.Context, width int) {
	t.Helper()
	type text struct {
		Size    float64
		Outside bool
		Text    string
	}
	texts, err := chromedp.Run(ctx, chromedp.Evaluate[[]text](`Array.from(document.querySelectorAll('svg.chart text'))
		.filter(e => e.getBoundingClientRect().height > 0)
		.map(e => { const svg = e.ownerSVGElement, r = e.getBoundingClientRect(), b = svg.getBoundingClientRect();
			return {Size: parseFloat(getComputedStyle(e).fontSize) * b.width / svg.viewBox.baseVal.width,
				Outside: r.left < b.left - 1 || r.right > b.right + 1, Text: e.textContent}; })`))
	if err != nil {
		t.Fatal(err)
	}
	if len(texts) == 0 {
		t.Fatalf("no chart text is shown at %d px", width)
	}
	sizes := make([]float64, len(texts))
	for i, x := range texts {
		sizes[i] = x.Size
		if x.Outside {
			t.Errorf("at %d px, chart text %q runs past the edge of its chart", width, x.Text)
		}
	}
	slices.Sort(sizes)
	t.Logf("at %d px, chart text renders %.1f px high at the median of %d, %.1f at the least", width, sizes[len(sizes)/2], len(sizes), sizes[0])
	if median := sizes[len(sizes)/2]; median < 10 || sizes[0] < 9 {
		t.Errorf("at %d px, chart text renders %.1f px high at the median of %d, %.1f at the least; want at least 10 and 9", width, median, len(sizes), sizes[0])
	}
}

// TestReportChartsOnADesktopInChromium: at a laptop's and a desktop's width, where the charts share a
// row, their text is as readable as on a phone, and the tables sort by their headers, not a menu.
func TestReportChartsOnADesktopInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	dir, _ := demoReport(t)
	ctx, _ := browser(t)
	for _, width := range []int{1024, 1280, 1920} {
		err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 900),
			chromedp.Navigate("file://"+filepath.Join(dir, report.HTMLFile)), chromedp.WaitVisible(chromedp.CSS(`#gaps-table`)))
		if err != nil {
			t.Fatal(err)
		}
		chartsReadable(t, ctx, width)
		// Where the tables have their header, it sorts them: the phones' menu is hidden.
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll('select.phone-sort')).filter(e => e.getBoundingClientRect().height > 0).length`))
		if err != nil {
			t.Fatal(err)
		}
		if shown != 0 {
			t.Errorf("at %d px, %d phone sort menus are shown beside the tables' headers", width, shown)
		}
	}
}

// TestReportLinksInChromium: in the demo's report, every gap row links its sightings (its forum threads
// among them), gaps link their topic's brief and each brief links its gaps, and every link inside the
// page lands on an element that is there.
func TestReportLinksInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	dir, r := demoReport(t)
	ctx, _ := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+filepath.Join(dir, report.HTMLFile)), chromedp.WaitVisible(chromedp.CSS(`#gaps-table`))); err != nil {
		t.Fatal(err)
	}
	links := func(selector string) map[string][]string {
		t.Helper()
		m, err := chromedp.Run(ctx, chromedp.Evaluate[map[string][]string](`Object.fromEntries(Array.from(document.querySelectorAll('`+selector+`'))
			.map(e => [e.id, Array.from(e.querySelectorAll('a')).map(a => a.getAttribute('href'))]))`))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	rows, briefs := links(`#gaps-table tbody tr[id]`), links(`#topic-briefs article[id]`)
	shown := r.Gaps[:min(len(r.Gaps), report.MaxHTMLRows)]
	if len(rows) != len(shown) || len(briefs) != min(len(r.Topics), report.MaxHTMLRows) {
		t.Fatalf("%d gap rows and %d briefs, want %d and %d", len(rows), len(briefs), len(shown), len(r.Topics))
	}
	threads := 0
	for _, g := range shown {
		row := rows[report.Anchor("gap", g.Key)]
		for _, x := range g.Examples {
			if u := report.Href(x.URL); u != "" && !slices.Contains(row, u) {
				t.Errorf("gap %q does not link its sighting %s", g.Text, u)
			} else if u != "" && g.Evidence.Questions > 0 && strings.Contains(u, "/questions/") {
				threads++
			}
		}
		if g.Topic != "" && !slices.Contains(row, "#"+report.Anchor("topic", g.Topic)) {
			t.Errorf("gap %q does not link its topic %q", g.Text, g.Topic)
		}
	}
	if threads == 0 {
		t.Error("no gap of the demo links a forum thread")
	}
	for _, tp := range r.Topics[:len(briefs)] {
		brief, ok := briefs[report.Anchor("topic", tp.Key)]
		if !ok {
			t.Errorf("topic %q has no brief", tp.Key)
		}
		for _, k := range tp.Requests {
			if slices.ContainsFunc(shown, func(g report.Request) bool { return g.Key == k }) && !slices.Contains(brief, "#"+report.Anchor("gap", k)) {
				t.Errorf("topic %q does not link its gap %q", tp.Key, k)
			}
		}
	}
	checkTopicFilter(t, ctx, len(briefs))
	broken, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('a[href^="#"]'))
		.map(a => a.getAttribute('href')).filter(h => !document.getElementById(decodeURIComponent(h.slice(1))))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(broken) > 0 {
		t.Errorf("%d links inside the report land nowhere: %q", len(broken), broken[:min(len(broken), 5)])
	}
}

// TestReviewOnAPhoneInChromium: the review pages, signed out and signed in, fit a phone's width.
func TestReviewOnAPhoneInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	dir, _ := demoReport(t)
	base := serveReview(t, dir)
	ctx, dialogs := browser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, 800, chromedp.EmulatePortrait),
		chromedp.Navigate(base+"/review/"), chromedp.WaitVisible(chromedp.CSS(`#gaps-table`))); err != nil {
		t.Fatal(err)
	}
	noSidewaysScroll(t, ctx, "/review/")
	links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('a[href^="#"]')).map(a => a.getAttribute('href'))`))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if found, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.getElementById(`+strconv.Quote(l[1:])+`)`)); !found {
			t.Errorf("the review page links %s, which is not there", l)
		}
	}
	if len(links) == 0 {
		t.Error("no gap of the review page links its topic")
	}
	phoneScreenshot(t, ctx, "review-phone.jpg")
	signInToReview(t, ctx, base)
	noSidewaysScroll(t, ctx, "/review/ signed in")
	noScriptRan(t, ctx, dialogs)
	phoneScreenshot(t, ctx, "review-phone-signed-in.jpg")
}

// checkTopicFilter types "voltway" into the topic briefs' filter: only the briefs holding it stay.
func checkTopicFilter(t *testing.T, ctx context.Context, total int) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`input[data-filter="topic-briefs"]`), "voltway")); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#topic-briefs > article')).filter(a => !a.hidden).map(a => a.textContent.toLowerCase())`))
	if err != nil {
		t.Fatal(err)
	}
	if len(shown) == 0 || len(shown) >= total || slices.ContainsFunc(shown, func(s string) bool { return !strings.Contains(s, "voltway") }) {
		t.Errorf("topic filter: %d of %d briefs shown after typing voltway", len(shown), total)
	}
}

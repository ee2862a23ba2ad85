package config

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed/analysis"
)

var update = flag.Bool("update", false, "rewrite the .err golden files")

func TestLoadGood(t *testing.T) {
	f, err := Load("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if f.Organisation.Pages != filepath.Join("testdata", "exports", "pages.csv") {
		t.Errorf("pages path = %q, want it relative to the config's directory", f.Organisation.Pages)
	}
	if f.Storage.Data != filepath.Join("testdata", "data") || f.Storage.Kind != "embedded" {
		t.Errorf("storage = %+v", f.Storage)
	}
	if f.Sources[2].Base != filepath.Join("testdata", "keywords.txt") {
		t.Errorf("requests file = %q, want it relative to the config", f.Sources[2].Base)
	}
	if f.Sources[0].Base != "https://suggest.example/complete?client=firefox&q={q}" {
		t.Errorf("a URL base was changed: %q", f.Sources[0].Base)
	}
	wantSrc := Source{Name: "stackexchange", Kind: "stackexchange", Options: map[string]string{"site": "bicycles", "tagged": "e-bike", "pages": "2"}}
	if diff := cmp.Diff(wantSrc, f.Sources[1]); diff != "" {
		t.Errorf("source defaults (-want +got):\n%s", diff)
	}
	if f.Sources[0].Delay != 2*time.Second || f.Crawl.Timeout != 20*time.Second || f.Crawl.Delay != time.Second || f.Crawl.Parallel != 2 {
		t.Errorf("durations and defaults: source delay %v, crawl %+v", f.Sources[0].Delay, f.Crawl)
	}
	if f.Report.Dir != filepath.Join("testdata", "out") || f.Serve.Listen != DefaultListen {
		t.Errorf("defaults: report %q, listen %q", f.Report.Dir, f.Serve.Listen)
	}
	j, err := f.Job("forums")
	if err != nil || *j.Site || j.TZ != "UTC" || j.Sources[0] != "stackexchange" {
		t.Errorf("job forums = %+v, %v", j, err)
	}
	if j, _ := f.Job(""); j.Name != "nightly" || !*j.Site {
		t.Errorf("the default job = %+v, want nightly with the site refreshed", j)
	}
	if _, err := f.Job("weekly"); err == nil || !strings.Contains(err.Error(), "have nightly, forums") {
		t.Errorf("an unknown job gave %v", err)
	}
}

func TestEmptyConfigGetsDefaults(t *testing.T) {
	f, err := Parse("heed.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Jobs) != 1 || f.Jobs[0].Name != DefaultJob || f.Jobs[0].Schedule != DefaultSchedule || f.Storage.Data != DefaultData {
		t.Errorf("defaults = %+v", f)
	}
}

// TestBadConfigs checks each file in testdata/bad against the exact error in its .err file.
func TestBadConfigs(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatal("no bad configs", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			_, err := Load(file)
			if err == nil {
				t.Fatal("loaded without error")
			}
			golden := strings.TrimSuffix(file, ".yaml") + ".err"
			if *update {
				os.WriteFile(golden, []byte(err.Error()+"\n"), 0o644)
			}
			want, rerr := os.ReadFile(golden)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if got := err.Error(); got != strings.TrimSpace(string(want)) {
				t.Errorf("error:\n got %s\nwant %s", got, strings.TrimSpace(string(want)))
			}
		})
	}
}

func TestErrorfWithoutAFile(t *testing.T) {
	f := &File{}
	if got := f.Errorf([]any{"sources", 2, "kind"}, "bad %s", "kind").Error(); got != "sources[2].kind: bad kind" {
		t.Errorf("Errorf = %q", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/good.yaml", "testdata/bad/syntax.yaml", "testdata/bad/unknown-top.yaml"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("a: &x [*x]"))
	f.Add([]byte("jobs: [{name: a}, {name: a}]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse("fuzz.yaml", b)
		if err == nil && (len(c.Jobs) == 0 || c.Storage.Data == "") {
			t.Fatal("a config without defaults was accepted")
		}
	})
}

// TestBadCmdConfigsPassConfig: the configs of testdata/bad-cmd are wrong only in what cmd/heed judges
// (schedules, source kinds and options), so the config package alone accepts them.
func TestBadCmdConfigsPassConfig(t *testing.T) {
	files, err := filepath.Glob("testdata/bad-cmd/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatal("no bad-cmd configs", err)
	}
	for _, file := range files {
		if _, err := Load(file); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}

// TestRangesCoverEveryNumber: every numeric or duration key of the config has a range, and Check
// looks at each of them: a number added without one fails here.
func TestRangesCoverEveryNumber(t *testing.T) {
	want := map[string]bool{}
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := range typ.NumField() {
			fd := typ.Field(i)
			name, _, _ := strings.Cut(fd.Tag.Get("yaml"), ",")
			if !fd.IsExported() || name == "" || name == "-" {
				continue
			}
			key := name
			if prefix != "" {
				key = prefix + "." + name
			}
			ft := fd.Type
			switch {
			case ft == reflect.TypeFor[time.Duration]():
				want[key] = true
			case ft.Kind() == reflect.Struct:
				walk(key, ft)
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				walk(key+"[]", ft.Elem())
			case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Float64:
				want[key] = true
			}
		}
	}
	walk("", reflect.TypeFor[File]())
	got := map[string]bool{}
	for k := range Ranges {
		got[k] = true
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("numeric keys without a range, or ranges without a key (-keys +ranges):\n%s", diff)
	}
	f, err := Parse("heed.yaml", []byte("sources: [{kind: a}]\njobs: [{name: a}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	checked := map[string]bool{}
	for _, n := range f.numbers() {
		checked[n.key] = true
	}
	if diff := cmp.Diff(want, checked); diff != "" {
		t.Errorf("keys Check does not look at (-keys +checked):\n%s", diff)
	}
}

// TestBoundsAccepted: the ends of every range load.
func TestBoundsAccepted(t *testing.T) {
	for name, doc := range map[string]string{
		"highest": `organisation: {max_pages: 10000000, lang: sv}
sources: [{kind: a, parallel: 64, delay: 1h}]
crawl: {timeout: 10m, workers: 256, parallel: 64, delay: 1h, retries: 10, max_retry_after: 24h, max_body: 268435456, max_text: 100000}
jobs: [{name: a, jitter: 12h}]
serve: {listen: "0.0.0.0:65535"}
`,
		"lowest": `organisation: {max_pages: 1, lang: da}
sources: [{kind: a, parallel: 1, delay: 1ms}]
crawl: {timeout: 1s, workers: 1, parallel: 1, delay: 1ms, retries: 1, max_retry_after: 1s, max_body: 1024, max_text: 1}
jobs: [{name: a, jitter: 0s}]
serve: {listen: ":0"}
`,
	} {
		if _, err := Parse(name+".yaml", []byte(doc)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestZeroMeansDefault: a number written as 0 means what leaving it out means.
func TestZeroMeansDefault(t *testing.T) {
	zero, err := Parse("zero.yaml", []byte(`organisation: {max_pages: 0}
sources: [{kind: a, parallel: 0, delay: 0s}]
crawl: {timeout: 0s, workers: 0, parallel: 0, delay: 0s, retries: 0, max_retry_after: 0s, max_body: 0, max_text: 0}
jobs: [{name: a, jitter: 0s}]
`))
	if err != nil {
		t.Fatal(err)
	}
	left, err := Parse("left.yaml", []byte("sources: [{kind: a}]\njobs: [{name: a}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(left.Crawl, zero.Crawl); diff != "" {
		t.Errorf("crawl with zeros (-left out +zero):\n%s", diff)
	}
	if zero.Organisation.MaxPages != 0 || zero.Sources[0].Parallel != 0 || zero.Sources[0].Delay != 0 || zero.Jobs[0].Jitter != 0 {
		t.Errorf("zeros that mean a default further on were changed: %+v %+v %+v", zero.Organisation, zero.Sources[0], zero.Jobs[0])
	}
	if zero.Crawl.Timeout != defaultTimeout || zero.Crawl.Retries != defaultRetries || zero.Crawl.Workers != defaultWorkers {
		t.Errorf("defaults not applied: %+v", zero.Crawl)
	}
}

// TestLanguages: every language the analysis package stems is accepted, in lower case as README says.
func TestLanguages(t *testing.T) {
	for _, lang := range analysis.Languages() {
		if _, err := Parse("heed.yaml", []byte("organisation: {lang: "+lang+"}\n")); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
	}
}

func TestListenAddresses(t *testing.T) {
	for addr, ok := range map[string]bool{
		":9464": true, "127.0.0.1:0": true, "[::1]:9464": true, "localhost:9464": true, "heed.internal.example:80": true,
		"0.0.0.0:65535": true, "[fe80::1%eth0]:9464": true,
		"9464": false, "127.0.0.1:65536": false, "127.0.0.1:-1": false, "127.0.0.1:": false, "::1:9464": false,
		"host_name:80": true, "bad host:80": false, "http://127.0.0.1:9464": false,
	} {
		_, err := Parse("heed.yaml", []byte("serve: {listen: \""+addr+"\"}\n"))
		if (err == nil) != ok {
			t.Errorf("listen %q: err %v, want ok %v", addr, err, ok)
		}
	}
}

// TestReadmeConfigLoads: the configuration reference in the README is a config heed accepts.
func TestReadmeConfigLoads(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, ref, ok := strings.Cut(string(b), "## Configuration reference")
	_, block, ok2 := strings.Cut(ref, "```yaml\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("no yaml block under the README's configuration reference")
	}
	if _, err := Parse("README.md", []byte(block)); err != nil {
		t.Errorf("the README's configuration reference does not load:\n%v", err)
	}
}

// TestHelpDeskFileIsRelativeToTheConfig: a help-desk export, like a requests file, is found next to the
// config; a help desk's URL is left as it is.
func TestHelpDeskFileIsRelativeToTheConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "heed.yaml")
	yaml := "sources:\n  - kind: helpdesk\n    base: exports/tickets.csv\n    options: {format: csv}\n" +
		"  - kind: helpdesk\n    name: zendesk\n    base: https://lark.zendesk.com\n    options: {format: zendesk, email: agent@lark.example}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Sources[0].Base, filepath.Join(dir, "exports", "tickets.csv"); got != want {
		t.Errorf("export file = %q, want %q", got, want)
	}
	if got := f.Sources[1].Base; got != "https://lark.zendesk.com" {
		t.Errorf("a URL base was changed: %q", got)
	}
}

package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed/crawler"
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
	wantSrc := crawler.Spec{Name: "stackexchange", Kind: "stackexchange", Options: map[string]string{"site": "bicycles", "tagged": "e-bike", "pages": "2"}}
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

package crawler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
)

// fakeSource answers each query with the texts of its table, or an error.
type fakeSource struct {
	name    string
	answers map[string][]string
	errs    map[string]error
	mu      sync.Mutex
	fetched []string
}

func (f *fakeSource) Name() string { return f.name }
func (f *fakeSource) Kind() string { return "opensearch" }
func (f *fakeSource) Units(seeds []string) []Unit {
	var out []Unit
	for _, s := range seeds {
		out = append(out, Unit{Source: f.name, Seed: s, Query: s})
	}
	return out
}
func (f *fakeSource) Fetch(_ context.Context, u Unit) ([]heed.Sighting, error) {
	f.mu.Lock()
	f.fetched = append(f.fetched, u.Query)
	f.mu.Unlock()
	if err := f.errs[u.Query]; err != nil {
		return nil, err
	}
	var out []heed.Sighting
	for i, t := range f.answers[u.Query] {
		out = append(out, heed.Sighting{Text: t, URL: "https://s.example/?q=" + u.Query, Position: i + 1})
	}
	return out, nil
}

type memSink struct {
	mu    sync.Mutex
	units map[string][]heed.Sighting
	fail  error
}

func (m *memSink) Put(_ context.Context, u Unit, s []heed.Sighting) error {
	if m.fail != nil {
		return m.fail
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.units == nil {
		m.units = map[string][]heed.Sighting{}
	}
	m.units[u.Key()] = s
	return nil
}

func TestEngineCleansAndStores(t *testing.T) {
	src := &fakeSource{name: "sugg", answers: map[string][]string{
		"bike": {"bike battery", "  Bike Battery?  ", "", "bike \xffshop", "   ", "bike &amp; trailer", "cafe\u0301 bike", "café bike"},
	}}
	sink := &memSink{}
	rep, err := (&Engine{Workers: 2}).Run(context.Background(), []Source{src}, []string{"bike"}, nil, sink)
	if err != nil {
		t.Fatal(err)
	}
	got := sink.units[Unit{Source: "sugg", Seed: "bike", Query: "bike"}.Key()]
	want := []heed.Sighting{
		{Text: "bike battery", Source: "opensearch", SourceName: "sugg", URL: "https://s.example/?q=bike", Seed: "bike", Position: 1},
		{Text: "bike \uFFFDshop", Source: "opensearch", SourceName: "sugg", URL: "https://s.example/?q=bike", Seed: "bike", Position: 4},
		{Text: "bike & trailer", Source: "opensearch", SourceName: "sugg", URL: "https://s.example/?q=bike", Seed: "bike", Position: 6},
		{Text: "café bike", Source: "opensearch", SourceName: "sugg", URL: "https://s.example/?q=bike", Seed: "bike", Position: 7},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored sightings (-want +got):\n%s", diff)
	}
	if s := rep.Sources[0]; s.OK != 1 || s.Sightings != 4 || s.Skipped != 4 {
		t.Errorf("report = %+v; want 1 unit ok, 4 sightings, 4 skipped (empty and duplicates: the same text in NFD and NFC is one)", s)
	}
}

func TestEngineResumesAndSkipsDoneUnits(t *testing.T) {
	src := &fakeSource{name: "s", answers: map[string][]string{"a": {"a1"}, "b": {"b1"}}}
	done := map[string]bool{Unit{Source: "s", Seed: "a", Query: "a"}.Key(): true}
	rep, err := (&Engine{}).Run(context.Background(), []Source{src}, []string{"a", "b"}, done, &memSink{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"b"}, src.fetched); diff != "" {
		t.Errorf("fetched (-want +got):\n%s", diff)
	}
	if s := rep.Sources[0]; s.Resumed != 1 || s.OK != 1 || s.Units != 2 {
		t.Errorf("report = %+v, want 2 units: 1 resumed, 1 ok", s)
	}
}

func TestEngineCountsFailuresAndGivesUpOnRateLimits(t *testing.T) {
	seeds := []string{"a", "b", "c", "d"}
	flaky := &fakeSource{name: "flaky", answers: map[string][]string{"a": {"x"}, "c": {"y"}, "d": {"z"}},
		errs: map[string]error{"b": fmt.Errorf("parse: %w", ErrParse)}}
	limited := &fakeSource{name: "limited", errs: map[string]error{"a": fmt.Errorf("x: %w", ErrRateLimited)}}
	rep, err := (&Engine{Workers: 1}).Run(context.Background(), []Source{flaky, limited}, seeds, nil, &memSink{})
	if err != nil {
		t.Fatal(err)
	}
	f, l := rep.Sources[0], rep.Sources[1]
	if f.OK != 3 || f.Failed != 1 || f.Errors["parse"] != 1 {
		t.Errorf("flaky source report = %+v; want 3 ok, 1 parse failure", f)
	}
	if l.Failed != 4 || l.Errors["rate_limited"] != 4 || len(limited.fetched) != 1 {
		t.Errorf("rate-limited source: report %+v, fetched %v; want 4 failed units and only the first fetched", l, limited.fetched)
	}
	if rep.Failed() {
		t.Error("a crawl where one source worked reports total failure")
	}
	// One worker: "a" is refused first, and the rest are given up (with more, "b" could be fetched before).
	all, _ := (&Engine{Workers: 1}).Run(context.Background(), []Source{limited}, seeds, nil, &memSink{})
	if !all.Failed() {
		t.Error("a crawl where every source failed does not report total failure")
	}
}

func TestEngineStopsOnSinkFailure(t *testing.T) {
	src := &fakeSource{name: "s", answers: map[string][]string{"a": {"x"}, "b": {"y"}, "c": {"z"}}}
	rep, err := (&Engine{Workers: 1}).Run(context.Background(), []Source{src}, []string{"a", "b", "c"}, nil,
		&memSink{fail: errors.New("write heed.db: no space left on device")})
	if err == nil {
		t.Fatal("a failing store was not reported")
	}
	if !errors.Is(err, ErrStore) {
		t.Errorf("Run error = %v, want it to wrap ErrStore", err)
	}
	// A store failure is counted as one, never as the network or a source's refusal.
	r := rep.Sources[0]
	if r.Errors["store"] != 3 || len(r.Errors) != 1 {
		t.Errorf("errors by reason = %v, want 3 store failures and nothing else", r.Errors)
	}
	if strings.Contains(r.LastError, "rate limited") || !strings.Contains(r.LastError, "no space left") {
		t.Errorf("last error = %q, want the store's error, not a rate limit", r.LastError)
	}
}

func TestShard(t *testing.T) {
	var units []Unit
	for i := range 300 {
		units = append(units, Unit{Source: "s", Seed: fmt.Sprintf("seed %d", i)})
	}
	owned := map[string]int{}
	for i := range 3 {
		sh := Shard{I: i, N: 3}
		n := 0
		for _, u := range units {
			if sh.Owns(u) {
				owned[u.Seed]++
				n++
			}
		}
		if n < 60 || n > 140 {
			t.Errorf("shard %d/3 owns %d of 300 units: far from a third", i, n)
		}
	}
	for _, u := range units {
		if owned[u.Seed] != 1 {
			t.Fatalf("unit %q is owned by %d shards, want exactly 1", u.Seed, owned[u.Seed])
		}
	}
	if !(Shard{}).Owns(units[0]) {
		t.Error("the zero shard must own everything")
	}
}

func TestParseShard(t *testing.T) {
	for _, s := range []string{"0/1", "2/3"} {
		if _, err := ParseShard(s); err != nil {
			t.Errorf("ParseShard(%q): %v", s, err)
		}
	}
	for _, s := range []string{"3/3", "-1/2", "1/0", "a/b", "1", "1/2/3", "01/2"} {
		if _, err := ParseShard(s); err == nil {
			t.Errorf("ParseShard(%q) accepted", s)
		}
	}
}

func TestParseSpec(t *testing.T) {
	tests := []struct {
		in   string
		want Spec
		err  bool
	}{
		{"stackexchange", Spec{Kind: "stackexchange"}, false},
		{"opensearch=http://127.0.0.1:8080/s?client=x&q={q};hl=de", Spec{Kind: "opensearch", Base: "http://127.0.0.1:8080/s?client=x&q={q}", Options: map[string]string{"hl": "de"}}, false},
		{"StackExchange=http://x;site=superuser;tagged=a;name=su", Spec{Kind: "stackexchange", Base: "http://x", Name: "su", Options: map[string]string{"site": "superuser", "tagged": "a"}}, false},
		{"requests=kw.txt;seeds=a, b;expand=alphabet", Spec{Kind: "requests", Base: "kw.txt", Seeds: []string{"a", "b"}, Expand: []string{"alphabet"}}, false},
		{"", Spec{}, true},
		{"=http://x", Spec{}, true},
		{"opensearch=", Spec{}, true},
		{"stackexchange;site", Spec{}, true},
	}
	for _, tt := range tests {
		got, err := ParseSpec(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("ParseSpec(%q) error = %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" && !tt.err {
			t.Errorf("ParseSpec(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestEndpoint(t *testing.T) {
	got, err := Endpoint("https://api.stackexchange.com/2.3/search", "http://127.0.0.1:9/prefix")
	if err != nil || got != "http://127.0.0.1:9/prefix/2.3/search" {
		t.Errorf("Endpoint = %q, %v", got, err)
	}
	if _, err := Endpoint("https://x", "ftp://y"); err == nil {
		t.Error("a non-http base was accepted")
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"opensearch=http://x/?q={q};hl=en", ";;", "a=b=c;d=e", "kind;=v"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := ParseSpec(s)
		if err == nil && spec.Kind == "" {
			t.Fatalf("ParseSpec(%q) accepted a spec with no kind", s)
		}
	})
}

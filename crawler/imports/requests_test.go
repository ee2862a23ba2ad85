package imports

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/crawler"
)

func TestReadPlainList(t *testing.T) {
	in := "\xef\xbb\xbflark e-bike price\n\n  lark login  \r\n" + strings.Repeat("x", 2<<20) + "\nlast"
	got, bad, err := Read(strings.NewReader(in), "kw.txt")
	if err != nil || len(bad) != 0 {
		t.Fatalf("Read: %v, bad %v", err, bad)
	}
	if len(got) != 4 {
		t.Fatalf("got %d requests, want 4 (blank line skipped)", len(got))
	}
	want := heed.Sighting{Text: "lark e-bike price", Source: "requests", URL: "kw.txt", Position: 1}
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("first (-want +got):\n%s", diff)
	}
	if got[1].Text != "lark login" || got[1].Position != 2 {
		t.Errorf("second = %+v", got[1])
	}
	if !got[2].Truncated || len(got[2].Text) != heed.DefaultMaxLine {
		t.Errorf("an over-long line: truncated %v, %d bytes", got[2].Truncated, len(got[2].Text))
	}
}

func TestReadJSONL(t *testing.T) {
	in := `{"text":"lark battery range","source":"opensearch","url":"https://s/?q=lark","seed":"lark","expansion":"alphabet","position":3}
not json
{"source":"opensearch"}
{"text":"lark app login","score":4}
`
	got, bad, err := Read(strings.NewReader(in), "crawl.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]BadLine{{Line: 2}, {Line: 3, Err: `no "text"`}}, bad, cmp.Comparer(func(a, b BadLine) bool {
		return a.Line == b.Line && (a.Err == b.Err || a.Err == "" || b.Err == "")
	})); diff != "" {
		t.Errorf("bad lines (-want +got):\n%s", diff)
	}
	if len(got) != 2 || got[0].Expansion != "alphabet" || got[0].Position != 3 || got[1].Source != "requests" || *got[1].Score != 4 {
		t.Errorf("sightings = %+v", got)
	}
}

func TestRequestsSource(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kw.txt")
	os.WriteFile(path, []byte("a\nb\n"), 0o644)
	src, err := NewRequests(crawler.Spec{Kind: "requests", Base: path}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if u := src.Units([]string{"x", "y"}); len(u) != 1 {
		t.Errorf("units = %v, want one whatever the seeds", u)
	}
	got, err := src.Fetch(context.Background(), src.Units(nil)[0])
	if err != nil || len(got) != 2 {
		t.Fatalf("Fetch = %v, %v", got, err)
	}
	nope := filepath.Join(dir, "nope.txt")
	if _, err := NewRequests(crawler.Spec{Kind: "requests", Base: nope}, nil, nil); !errors.Is(err, crawler.ErrBadInput) || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), nope) {
		t.Errorf("a missing file gave %v, want ErrBadInput naming it", err)
	}
	if _, err := NewRequests(crawler.Spec{Kind: "requests", Base: dir}, nil, nil); !errors.Is(err, crawler.ErrBadInput) || !strings.Contains(err.Error(), "directory") {
		t.Errorf("a directory gave %v, want ErrBadInput saying it is a directory", err)
	}
	os.Remove(path)
	if _, err := src.Fetch(context.Background(), src.Units(nil)[0]); !errors.Is(err, crawler.ErrBadInput) {
		t.Errorf("a file gone since gave %v, want ErrBadInput", err)
	}
	if _, err := NewRequests(crawler.Spec{Kind: "requests"}, nil, nil); err == nil {
		t.Error("a requests source without a file was accepted")
	}
}

// TestRequestsFileThatGivesNothing: a requests file that yields no request, or is not text, is a failed
// source whose error names the file and says why; it never becomes requests.
func TestRequestsFileThatGivesNothing(t *testing.T) {
	binary := make([]byte, 3000)
	for i := range binary {
		binary[i] = byte(i*7919 + i*i*31) // a fixed spread of every byte value, NULs included
	}
	tests := []struct {
		name, content, why string
	}{
		{"empty.txt", "", "no request in it"},
		{"blank.txt", "\n  \n\t\n", "no request in it"},
		{"random.bin", string(binary), "not text"},
		{"pdf.txt", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00\x01<</Type/Catalog>>\x00\x02\x03\n" + strings.Repeat("\x00\x10\x88\x99\xaa", 400), "not text"},
		{"bad.jsonl", "{\"text\": 1}\n{oops\n", "none of its 2 lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.name)
			os.WriteFile(path, []byte(tt.content), 0o644)
			src, err := NewRequests(crawler.Spec{Kind: "requests", Base: path}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := src.Fetch(context.Background(), src.Units(nil)[0])
			if !errors.Is(err, crawler.ErrBadInput) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.why) {
				t.Errorf("error %v, want ErrBadInput naming %s and saying %q", err, path, tt.why)
			}
			if len(got) != 0 {
				t.Errorf("%d requests from it: %q", len(got), got[0].Text)
			}
		})
	}
}

// TestReadSkipsLinesThatAreNotText: in a text file, a line of control characters or undecodable bytes
// is a bad line (skipped, counted, its number given); the text around it is read.
func TestReadSkipsLinesThatAreNotText(t *testing.T) {
	in := "lark battery\n\x00\x01\x02\x03PK\x03\x04\n\xff\xfe\xfd\xfc\xfb\xfa ab\ncafé au lait \xff ok\n"
	got, bad, err := Read(strings.NewReader(in), "kw.txt")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, s := range got {
		texts = append(texts, s.Text)
	}
	if diff := cmp.Diff([]string{"lark battery", "café au lait \xff ok"}, texts); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if len(bad) != 2 || bad[0].Line != 2 || bad[1].Line != 3 || !strings.Contains(bad[0].Err, "not text") {
		t.Errorf("bad lines %+v, want lines 2 and 3, not text", bad)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("a\nb"))
	f.Add([]byte(`{"text":"x"}` + "\n{"))
	f.Add([]byte("\xff\xfe\n\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, bad, err := Read(strings.NewReader(string(in)), "f")
		if err != nil {
			t.Fatal(err)
		}
		nonBlank := 0
		for _, l := range strings.Split(string(in), "\n") {
			if strings.TrimSpace(strings.TrimPrefix(l, "\xef\xbb\xbf")) != "" {
				nonBlank++
			}
		}
		if len(got)+len(bad) > nonBlank {
			t.Fatalf("%d requests and %d bad lines from %d non-blank lines", len(got), len(bad), nonBlank)
		}
	})
}

func TestReadKeywordExports(t *testing.T) {
	texts := func(ss []heed.Sighting) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Text)
		}
		return out
	}
	tests := []struct {
		name string
		in   []byte
		want []string
	}{
		{"csv with a Keyword column", []byte("Keyword,Search Volume,KD\nlark e-bike,1200,34\n\"lark cargo, child seat\",90,12\n"),
			[]string{"lark e-bike", "lark cargo, child seat"}},
		{"semicolon separated", []byte("Suchbegriff;Query\nx;lark fahrrad\n"), []string{"lark fahrrad"}},
		{"tsv", []byte("Search term\tClicks\nlark login\t3\n"), []string{"lark login"}},
		{"a first line with commas but no keyword column is a request", []byte("lark e-bike, cheap\nlark fold\n"),
			[]string{"lark e-bike, cheap", "lark fold"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, bad, err := Read(bytes.NewReader(tt.in), "kw.csv")
			if err != nil || len(bad) != 0 {
				t.Fatalf("Read: %v, bad %v", err, bad)
			}
			if diff := cmp.Diff(tt.want, texts(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadSearchConsoleUTF16(t *testing.T) {
	// Search Console and Google Ads export UTF-16 with a byte order mark.
	text := "Top queries\tClicks\tImpressions\tCTR\tPosition\r\nlark e-bike review\t12\t1,340\t0.9%\t4.2\r\nlark fold weight\t0\t88\t0%\t9\r\n"
	enc, _, err := transform.Bytes(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder(), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	got, bad, err := Read(bytes.NewReader(enc), "queries.tsv")
	if err != nil || len(bad) != 0 {
		t.Fatalf("Read: %v, bad %v", err, bad)
	}
	if len(got) != 2 || got[0].Text != "lark e-bike review" || *got[0].Clicks != 12 || *got[0].Impressions != 1340 || *got[1].Clicks != 0 {
		t.Errorf("sightings = %+v", got)
	}
}

// TestReadKeepsTheFirstOfRepeatedRequests: a list repeats requests (a million-line export holds less
// than half as many distinct ones); each text is kept once, at its first line and position, as the store
// keeps the first sighting of a request in a unit, so a big file is not held twice in memory.
func TestReadKeepsTheFirstOfRepeatedRequests(t *testing.T) {
	tests := []struct {
		name, in string
		want     []heed.Sighting
	}{
		{"plain", "a\nb\na\n  b \nc\n", []heed.Sighting{
			{Text: "a", Source: "requests", URL: "f", Position: 1},
			{Text: "b", Source: "requests", URL: "f", Position: 2},
			{Text: "c", Source: "requests", URL: "f", Position: 5},
		}},
		{"jsonl", `{"text":"a","position":4}` + "\n" + `{"text":"a","position":1,"seed":"s"}` + "\n" + `{"text":"b"}` + "\n", []heed.Sighting{
			{Text: "a", Source: "requests", URL: "f", Position: 4},
			{Text: "b", Source: "requests", URL: "f", Position: 1},
		}},
		{"csv", "keyword,clicks\na,3\na,9\nb,1\n", []heed.Sighting{
			{Text: "a", Source: "requests", URL: "f", Position: 1, Clicks: ptr(3)},
			{Text: "b", Source: "requests", URL: "f", Position: 3, Clicks: ptr(1)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, bad, err := Read(strings.NewReader(tt.in), "f")
			if err != nil || len(bad) != 0 {
				t.Fatalf("Read: %v, bad %v", err, bad)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

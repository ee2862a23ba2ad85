package site

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
)

func TestReadJSONL(t *testing.T) {
	in := `{"url": "https://h.example/a", "title": "  Charge  your battery ", "body": "Plug in.", "queries": ["charge battery", " "], "type": "guide"}

{"url": "javascript:alert(1)", "title": "x"}
{"title": "no url"}
{"url": "faq/115", "title": "an id, not a link", "type": "FAQ"}
{"url": "https://h.example/b", "type": "brochure"}
[1, 2]
`
	pages, bad, err := ReadJSONL(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []heed.Page{
		{URL: "https://h.example/a", Title: "Charge your battery", Body: "Plug in.", Queries: []string{"charge battery"}, Type: heed.PageGuide},
		{URL: "faq/115", Title: "an id, not a link", Type: heed.PageFAQ},
	}
	if diff := cmp.Diff(want, pages); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	var lines []int
	for _, b := range bad {
		lines = append(lines, b.Line)
	}
	if diff := cmp.Diff([]int{3, 4, 6, 7}, lines); diff != "" {
		t.Errorf("bad lines (-want +got):\n%s\n%v", diff, bad)
	}
	if !strings.Contains(bad[0].Err, `scheme "javascript" refused`) {
		t.Errorf("a javascript: url gave %q", bad[0].Err)
	}
}

func TestReadCSV(t *testing.T) {
	in := "\ufeffURL,Title,Body,Queries,Type\n" +
		"https://h.example/a,Charge,\"Plug in, wait.\",charge battery|battery charging,guide\n" +
		"https://h.example/b,\"broken \"quote\",x,,\n" +
		",No url,,,\n" +
		"https://h.example/c,Prices,,,pricing\n"
	pages, bad, err := ReadCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []heed.Page{
		{URL: "https://h.example/a", Title: "Charge", Body: "Plug in, wait.", Queries: []string{"charge battery", "battery charging"}, Type: heed.PageGuide},
		{URL: "https://h.example/c", Title: "Prices", Type: heed.PagePricing},
	}
	if diff := cmp.Diff(want, pages); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	if len(bad) != 2 || bad[0].Line != 3 || bad[1].Line != 4 {
		t.Errorf("bad lines = %v, want lines 3 and 4", bad)
	}
	if _, _, err := ReadCSV(strings.NewReader("title,body\nx,y\n")); err == nil || !strings.Contains(err.Error(), "no url column") {
		t.Errorf("a CSV without a url column gave %v", err)
	}
}

func TestCheckURL(t *testing.T) {
	for _, ok := range []string{"https://h.example/a", "http://h.example", "faq/115", "115", "/help/x"} {
		if _, err := CheckURL(ok); err != nil {
			t.Errorf("CheckURL(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x", "file:///etc/passwd", "https://", "java\nscript:x"} {
		if _, err := CheckURL(bad); err == nil {
			t.Errorf("CheckURL(%q) accepted", bad)
		}
	}
}

func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte(`{"url":"https://h.example/a","queries":["x"]}`))
	f.Add([]byte(`{"url":"javascript:x"}` + "\n" + `{"url":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		pages, _, err := ReadJSONL(strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if _, err := CheckURL(p.URL); err != nil {
				t.Fatalf("an invalid url was kept: %q", p.URL)
			}
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("url,title\nhttps://h.example/a,x\n"))
	f.Add([]byte("url\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pages, _, _ := ReadCSV(strings.NewReader(string(b)))
		for _, p := range pages {
			if _, err := CheckURL(p.URL); err != nil {
				t.Fatalf("an invalid url was kept: %q", p.URL)
			}
		}
	})
}

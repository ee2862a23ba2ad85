package heed

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
		cut      bool
	}{
		{"plain", "acme router", 100, "acme router", false},
		{"trims", "  acme router \n", 100, "acme router", false},
		{"invalid bytes become U+FFFD", "bad\xffbyte", 100, "bad\uFFFDbyte", false},
		{"controls become spaces", "a\x00b\tc\x1bd", 100, "a b c d", false},
		{"C1 controls and line separators", "a\u0085b\u2028c", 100, "a b c", false},
		{"cut at max characters, not bytes", "héllo wörld", 5, "héllo", true},
		{"exactly max is not cut", "héllo", 5, "héllo", false},
		{"no limit", strings.Repeat("x", 5000), 0, strings.Repeat("x", 5000), false},
		{"cut drops trailing space", "abc defgh", 4, "abc", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := CleanText(tt.in, tt.max)
			if got != tt.want || cut != tt.cut {
				t.Errorf("CleanText(%q, %d) = %q, %v; want %q, %v", tt.in, tt.max, got, cut, tt.want, tt.cut)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"How do I reset my router?", "how do i reset my router"},
		{"  how   do i RESET my router ", "how do i reset my router"},
		{"“Best” e-bike – 2026!", "best e-bike 2026"},
		{"c++ vs c#", "c++ vs c#"},
		{"node.js tutorial.", "node.js tutorial"},
		{"don’t panic", "don't panic"},
		{"???", ""},
		{"", ""},
		{"price in $ or %", "price in $ or %"},
		{"naïve CAFÉ", "naïve café"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReadLines(t *testing.T) {
	type line struct {
		N    int
		Text string
		Cut  bool
	}
	tests := []struct {
		name string
		in   string
		max  int
		want []line
	}{
		{"lf and crlf", "a\r\nb\nc", 100, []line{{1, "a", false}, {2, "b", false}, {3, "c", false}}},
		{"trailing newline gives no empty last line", "a\nb\n", 100, []line{{1, "a", false}, {2, "b", false}}},
		{"blank lines are kept for the caller", "a\n\nb", 100, []line{{1, "a", false}, {2, "", false}, {3, "b", false}}},
		{"byte order mark dropped", "\xef\xbb\xbfa\nb", 100, []line{{1, "a", false}, {2, "b", false}}},
		{"long line cut and the rest skipped", "abcdefgh\nxy", 4, []line{{1, "abcd", true}, {2, "xy", false}}},
		{"empty input", "", 100, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []line
			err := ReadLines(strings.NewReader(tt.in), tt.max, func(n int, l []byte, cut bool) error {
				got = append(got, line{n, string(l), cut})
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadLinesLongerThanBuffer(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	var got []int
	err := ReadLines(strings.NewReader(long+"\nshort\n"), 100<<10, func(n int, l []byte, cut bool) error {
		got = append(got, len(l))
		if n == 1 && !cut {
			t.Errorf("line 1 of %d bytes not marked cut at 100 KiB", len(long))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{100 << 10, 5}, got); diff != "" {
		t.Errorf("line lengths (-want +got):\n%s", diff)
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "a\xffb", "héllo", "\x00\x01", strings.Repeat("é", 20)} {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		max = max % 2000
		got, cut := CleanText(s, max)
		if !utf8.ValidString(got) {
			t.Fatalf("CleanText(%q) = %q: invalid UTF-8", s, got)
		}
		if max > 0 && utf8.RuneCountInString(got) > max {
			t.Fatalf("CleanText(%q, %d) = %q: longer than the limit", s, max, got)
		}
		if !cut && max > 0 && strings.TrimSpace(got) != got {
			t.Fatalf("CleanText(%q) = %q: not trimmed", s, got)
		}
		if Normalize(got) != Normalize(Normalize(got)) {
			t.Fatalf("Normalize is not idempotent on %q", got)
		}
	})
}

func FuzzReadLines(f *testing.F) {
	f.Add("a\nb\r\nc", 3)
	f.Add("\xef\xbb\xbf", 1)
	f.Fuzz(func(t *testing.T, s string, max int) {
		max = 1 + abs(max)%64
		var total int
		err := ReadLines(strings.NewReader(s), max, func(n int, l []byte, cut bool) error {
			if len(l) > max {
				t.Fatalf("line %d has %d bytes, over the limit %d", n, len(l), max)
			}
			total++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.Count(s, "\n"); total < want {
			t.Fatalf("%d lines for %d newlines", total, want)
		}
	})
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestCountsText(t *testing.T) {
	tests := []struct {
		in   map[string]int
		want string
	}{
		{nil, "none"},
		{map[string]int{"scheme": 1, "robots": 2, "limit": 0}, "robots=2, scheme=1"},
	}
	for _, tt := range tests {
		if got := CountsText(tt.in); got != tt.want {
			t.Errorf("CountsText(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

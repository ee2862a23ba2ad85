package encoder

import (
	"math"
	"testing"
)

// FuzzEncode: any text, valid UTF-8 or not, gives ids of the vocabulary and a finite unit vector.
func FuzzEncode(f *testing.F) {
	for _, s := range []string{"", " ", "hello :)", "ꙮꙮꙮ", "ﬁle", "e\u0301", "\xff\xfe", "👨‍👩‍👧", "a\u0085b"} {
		f.Add(s)
	}
	e, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ids := e.Tokens(text)
		if len(ids) == 0 {
			t.Fatalf("Tokens(%q) is empty", text)
		}
		for _, id := range ids {
			if id < 0 || id >= vocabSize || (id > 0 && id < reserved) {
				t.Fatalf("Tokens(%q) has id %d", text, id)
			}
		}
		var norm float64
		for _, v := range e.Encode([]string{text})[0] {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("Encode(%q) has %v", text, v)
			}
			norm += float64(v) * float64(v)
		}
		if math.Abs(norm-1) > 1e-5 {
			t.Fatalf("Encode(%q) has squared length %v", text, norm)
		}
	})
}

package analysis

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTerms(t *testing.T) {
	tests := []struct {
		name, lang, text string
		want             []string
	}{
		{"stems and stop words", "en", "How do I charge the batteries?", []string{"charg", "batteri"}},
		{"negation kept", "en", "battery not charging", []string{"batteri", "not", "charg"}},
		{"hyphenated word gives the joined word and its parts", "en", "Lark e-bike", []string{"lark", "ebik", "e", "bike"}},
		{"possessive", "en", "Lark's warranty", []string{"lark", "warranti"}},
		{"contraction is a stop word", "en", "it's broken", []string{"broken"}},
		{"decimal stays one word", "en", "firmware 2.4 update", []string{"firmwar", "2.4", "updat"}},
		{"digits and codes", "en", "error E03 at 500W", []string{"error", "e03", "500w"}},
		{"diacritics folded after stemming", "en", "Café crème", []string{"cafe", "creme"}},
		{"markup is text", "en", "<script>alert(1)</script>", []string{"script", "alert", "1", "script"}},
		{"french elision", "fr", "l'eau du vélo", []string{"eau", "velo"}},
		{"german", "de", "Die Fahrräder laden", []string{"fahrrad", "lad"}},
		{"empty language is english", "", "cycling routes", []string{"cycl", "rout"}},
		{"unknown language only folds", "xx", "Ünïcode Words", []string{"unicode", "words"}},
		{"invalid utf-8 splits words", "en", "bat\xfftery", []string{"bat", "teri"}},
		{"only stop words", "en", "who are you", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := New(tt.lang).Terms(tt.text)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Terms(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestPositionsCountStopWords(t *testing.T) {
	got := New("en").Analyze(nil, "how to reset the lark e-bike")
	want := []Token{{"reset", "reset", 2, Word}, {"lark", "lark", 4, Word}, {"ebik", "e-bike", 5, Joined}, {"e", "e", 5, Part}, {"bike", "bike", 6, Part}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Analyze mismatch (-want +got):\n%s", diff)
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"", "a-b.c_d", "l'eau", "1.5.6", "e-", "-e", "\xff\xfe", "Straße", "x'"} {
		f.Add(s)
	}
	a := New("en")
	fr := New("fr")
	f.Fuzz(func(t *testing.T, s string) {
		for _, an := range []*Analyzer{a, fr} {
			toks := an.Analyze(nil, s)
			for _, tok := range toks {
				if tok.Term == "" {
					t.Fatalf("empty term from %q", s)
				}
				if tok.Pos < 0 || tok.Pos > len(s) {
					t.Fatalf("position %d out of range for %q", tok.Pos, s)
				}
			}
		}
	})
}

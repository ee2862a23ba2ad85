package intent

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heed-dev/heed"
)

func TestClassify(t *testing.T) {
	c := New(Options{Brands: []string{"Lark", "Lark Cycles"}})
	tests := []struct {
		text   string
		intent heed.Intent
		qtype  heed.QuestionType
		mods   []string
	}{
		{"lark", heed.Navigational, heed.QNone, []string{}},
		{"lark cycles", heed.Navigational, heed.QNone, []string{}},
		{"lark login", heed.Navigational, heed.QNone, []string{"login"}},
		{"buy lark cargo", heed.Transactional, heed.QNone, []string{"buy"}},
		{"order a lark cargo", heed.Transactional, heed.QNone, []string{"buy"}},
		{"lark order tracking", heed.Informational, heed.QNone, []string{}},
		{"best e-bike for commuting 2026", heed.Commercial, heed.QNone, []string{"best", "year"}},
		{"lark commuter vs voltway city", heed.Commercial, heed.QComparison, []string{"comparison"}},
		{"how to charge lark battery", heed.Informational, heed.QHowTo, []string{"how_to"}},
		{"why is my battery not charging", heed.Informational, heed.QTroubleshooting, []string{}},
		{"what is lark care", heed.Informational, heed.QDefinition, []string{}},
		{"who founded lark cycles", heed.Informational, heed.QPerson, []string{}},
		{"where is the lark studio in london", heed.Informational, heed.QPlace, []string{}},
		{"when was the lark fold released", heed.Informational, heed.QTime, []string{}},
		{"how much does the lark cargo cost", heed.Informational, heed.QNumber, []string{"price"}},
		{"can the lark cargo carry two kids", heed.Informational, heed.QYesNo, []string{}},
		{"lark studio near me", heed.Transactional, heed.QNone, []string{"local"}},
		{"download lark ride app", heed.Transactional, heed.QNone, []string{}},
		{"facebook.com", heed.Navigational, heed.QNone, []string{}},
		{"e-bike tyre pressure", heed.Informational, heed.QNone, []string{}},
		{"", heed.Informational, heed.QNone, []string{}},
	}
	for _, tt := range tests {
		got := c.Classify(tt.text)
		if got.Intent != tt.intent || got.QuestionType != tt.qtype || !cmp.Equal(got.Modifiers, tt.mods) {
			t.Errorf("Classify(%q) = %s/%s %v (%v); want %s/%s %v", tt.text, got.Intent, got.QuestionType, got.Modifiers,
				got.Reasons, tt.intent, tt.qtype, tt.mods)
		}
		if got.Confidence <= 0 || got.Confidence > 1 {
			t.Errorf("Classify(%q) confidence %v out of (0, 1]", tt.text, got.Confidence)
		}
		if len(got.Reasons) == 0 {
			t.Errorf("Classify(%q) gives no reasons", tt.text)
		}
	}
}

func TestModifiersAreFromTheDocumentedList(t *testing.T) {
	c := New(Options{})
	for _, text := range []string{"cheapest best review vs how to free buy login cancel refund complaint 2024 near me"} {
		for _, m := range c.Classify(text).Modifiers {
			found := false
			for _, x := range Modifiers {
				found = found || x == m
			}
			if !found {
				t.Errorf("modifier %q is not in Modifiers", m)
			}
		}
	}
}

func FuzzClassify(f *testing.F) {
	c := New(Options{Brands: []string{"lark"}})
	for _, s := range []string{"", "lark", "how to \xff", "<script>", "vs vs vs"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := c.Classify(s)
		if _, err := heed.ParseIntent(string(got.Intent)); err != nil {
			t.Fatalf("Classify(%q) intent %q", s, got.Intent)
		}
		if got.Confidence <= 0 || got.Confidence > 1 {
			t.Fatalf("Classify(%q) confidence %v", s, got.Confidence)
		}
	})
}

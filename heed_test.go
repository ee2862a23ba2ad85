package heed

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOverrideApply(t *testing.T) {
	gap := Match{URL: "https://help.example/help/tyre-pressure", Score: 0.2, Gap: true, GapKind: GapWeakMatch, Reason: "weak",
		Alternatives: []Alternative{{URL: "https://help.example/blog/winter-riding", Score: 0.1}}}
	tests := []struct {
		name string
		o    Override
		want Match
	}{
		{"pin a gap to another page",
			Override{Scope: ScopeRequest, Key: "flat tyre", Action: OverridePin, URL: "https://help.example/blog/winter-riding"},
			Match{URL: "https://help.example/blog/winter-riding", Score: 0.1, GapKind: GapNone, Override: OverridePin,
				Alternatives: gap.Alternatives}},
		{"won't answer keeps heed's finding",
			Override{Scope: ScopeTopic, Key: "fix flat tyre", Action: OverrideWontAnswer, Note: "we do not repair tyres"},
			Match{URL: gap.URL, Score: 0.2, Gap: true, GapKind: GapWeakMatch, Override: OverrideWontAnswer,
				Alternatives: gap.Alternatives}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.o.Apply(gap)
			if !strings.Contains(got.Reason, "content team") || !strings.Contains(got.Reason, tt.o.Key) || !strings.Contains(got.Reason, tt.o.Note) {
				t.Errorf("reason %q does not name the decision", got.Reason)
			}
			got.Reason = ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRound(t *testing.T) {
	tests := []struct {
		x      float64
		places int
		want   float64
	}{
		{0.2714, 3, 0.271},
		{0.2715, 3, 0.272},
		{4.875, 2, 4.88},
		{0.46428571, 4, 0.4643},
		{-1.25, 1, -1.3}, // halves away from zero
		{2.5, 0, 3},
		{0, 6, 0},
	}
	for _, tt := range tests {
		if got := Round(tt.x, tt.places); got != tt.want {
			t.Errorf("Round(%v, %d) = %v, want %v", tt.x, tt.places, got, tt.want)
		}
	}
}

func TestCheckExpansions(t *testing.T) {
	tests := []struct {
		list []string
		want string // a part of the error; "" for none
	}{
		{[]string{"alphabet", "questions", "prepositions", "comparisons"}, ""},
		{[]string{"prefix:best", "suffix:uk", "depth:3"}, ""},
		{[]string{"emoji"}, `unknown expansion "emoji"`},
		{[]string{"Alphabet"}, `unknown expansion "Alphabet"`},
		{[]string{"prefix: "}, "no word after the colon"},
		{[]string{"depth:4"}, "from 1 to 3"},
		{[]string{"depth:x"}, "from 1 to 3"},
	}
	for _, tt := range tests {
		err := CheckExpansions(tt.list)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckExpansions(%q) = %v, want nil", tt.list, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckExpansions(%q) = %v, want an error with %q", tt.list, err, tt.want)
		}
	}
}

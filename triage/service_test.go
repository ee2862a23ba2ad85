package triage

import (
	"slices"
	"testing"

	"github.com/heed-dev/heed"
	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/intent"
)

func TestIsServiceIssue(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		// Failures lived by the asker.
		{"support never answered my ticket", true},
		{"card declined again", true},
		{"lark app still not working after update", true},
		{"charged twice for my order", true},
		{"lark cycles worst customer service", true},
		{"lark support complaint", true},
		{"my order never arrived and still waiting", true},
		{"is lark ride down", true},
		{"app keeps crashing every time i open it", false}, // no failure word heed knows; a how-to could answer it
		{"karte wieder abgelehnt", true},
		{"service client aucune réponse", true},
		{"la app no funciona otra vez", true},
		// Questions a page answers.
		{"why was my card declined", false},
		{"how to reset my password", false},
		{"what to do if the app is not working", false},
		{"lark battery range", false},
		{"can i cancel my order", false},
		{"downhill ebike", false}, // "down" only as a whole word
	}
	for _, tt := range tests {
		got, why := IsServiceIssue(tt.text, classifier.Classify(tt.text))
		if got != tt.want {
			t.Errorf("IsServiceIssue(%q) = %v (%s), want %v", tt.text, got, why, tt.want)
		}
		if got && why == "" {
			t.Errorf("IsServiceIssue(%q): no reason", tt.text)
		}
	}
}

func TestServiceKind(t *testing.T) {
	tests := []struct{ text, want string }{
		{"charged twice for my lark subscription", "billing"},
		{"card declined again", "billing"},
		{"still no refund after 3 weeks", "billing"},
		{"my order never arrived", "delivery"},
		{"parcel stuck in tracking for days", "delivery"},
		{"lark app login not working again", "account_access"},
		{"locked out of my account", "account_access"},
		{"support never answered my ticket", "support"},
		{"on hold for an hour again", "support"},
		{"battery won't charge again", "defect"},
		{"display cracked after a week", "defect"},
		{"lark is down", "other"},
		{"worst service ever", "other"},
	}
	for _, tt := range tests {
		if got := ServiceKind(tt.text); got != tt.want {
			t.Errorf("ServiceKind(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestServiceTopics: the service issues of no known kind are grouped into topics; the others, and
// requests that are not service issues, are left out.
func TestServiceTopics(t *testing.T) {
	cl := intent.New(intent.Options{})
	var cases []heed.Case
	for _, text := range []string{"lark app is down again", "lark app down today", "lark website down again", "charged twice again", "how to fit a child seat"} {
		cases = append(cases, heed.Case{Key: heed.Normalize(text), Text: text, Class: cl.Classify(text), Demand: 1,
			Match: heed.Match{Gap: true, GapKind: heed.GapNoContent}})
	}
	tr := New(analysis.New("en"))
	tr.Sort(cases, nil)
	topics := tr.ServiceTopics(cases)
	var texts []string
	for _, tp := range topics {
		texts = append(texts, tp.Texts...)
	}
	slices.Sort(texts)
	if want := []string{"lark app down today", "lark app is down again", "lark website down again"}; !slices.Equal(texts, want) {
		t.Errorf("service topics hold %q, want %q", texts, want)
	}
	if len(topics) == 0 || len(topics) > 2 {
		t.Errorf("%d topics", len(topics))
	}
}

package triage

import "testing"

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

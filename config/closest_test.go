package config

import "testing"

func TestClosest(t *testing.T) {
	opts := []string{"run", "serve", "crawl", "classify", "match", "override", "source", "sources", "timeout"}
	tests := []struct{ word, want string }{
		{"runn", "run"},
		{"srve", "serve"},
		{"sorce", "source"},
		{"Timeout", "timeout"},
		{"timout", "timeout"},
		{"overide", "override"},
		{"class", "classify"},
		{"frobnicate", ""},
		{"x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Closest(tt.word, opts); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

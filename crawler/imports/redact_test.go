package imports

import (
	"regexp"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	r, err := NewRedactor([]string{`(?i)order #?[A-Z0-9]{6,}`})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want string }{
		{"my email is ana.lopez+bikes@example.co.uk, please reply", "my email is [email], please reply"},
		{"call me on +44 20 7946 0958 or (020) 7946-0958", "call me on [phone] or [phone]"},
		{"card 4111 1111 1111 1111 was charged twice", "card [number] was charged twice"},
		{"refund to GB29 NWBK 6016 1331 9268 19 please", "refund to [account] please"},
		{"reset link https://lark.example/reset?token=abc123&email=a%40b.c does not work", "reset link https://lark.example/reset?[redacted] does not work"},
		{"see https://lark.example/help/charge.", "see https://lark.example/help/charge."},
		{"about order #AB12CD34 from 2024", "about [redacted] from 2024"},
		{"lark e-bike 2025 model costs 1,999 pounds", "lark e-bike 2025 model costs 1,999 pounds"},
		{"how long to charge a 500Wh battery", "how long to charge a 500Wh battery"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := r.Text(tt.in); got != tt.want {
			t.Errorf("Text(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	if _, err := NewRedactor([]string{"("}); err == nil || !strings.Contains(err.Error(), "redact pattern 1") {
		t.Errorf("a bad pattern: %v", err)
	}
}

var (
	anyEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+\.[A-Za-z]{2,}`)
	anyPhone = regexp.MustCompile(`\d{3}[ \-]?\d{3}[ \-]?\d{4}`)
)

// FuzzRedact: whatever the text, no e-mail address or ten-digit phone number survives redaction, nor a
// second redaction of its output.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"a@b.co", "call 555 123 4567", "https://x.example/?t=a@b.co", "x\xffy@z.io", "+1 (555) 123-4567 ext 89"} {
		f.Add(s)
	}
	r, _ := NewRedactor(nil)
	f.Fuzz(func(t *testing.T, s string) {
		got := r.Text(s)
		if m := anyEmail.FindString(got); m != "" {
			t.Fatalf("Text(%q) = %q keeps %q", s, got, m)
		}
		if m := anyPhone.FindString(got); m != "" {
			t.Fatalf("Text(%q) = %q keeps %q", s, got, m)
		}
		if again := r.Text(got); anyEmail.MatchString(again) || anyPhone.MatchString(again) {
			t.Fatalf("a second redaction of %q brings back personal data: %q", got, again)
		}
	})
}

package redact

import (
	"strings"
	"testing"
)

func TestEmail(t *testing.T) {
	cases := map[string]string{
		"":                     "",
		"jane.doe@example.com": "j***@example.com",
		"  Ünal@bücher.de ":    "Ü***@bücher.de",
		"not-an-address":       "***",
		"@example.com":         "***",
		"trailing@":            "***",
		"a@b@c.example":        "a***@c.example",
	}
	for in, want := range cases {
		if got := Email(in); got != want {
			t.Errorf("Email(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecret(t *testing.T) {
	if got := Secret("s3cr3t+%&"); got != "[redacted]" {
		t.Errorf("Secret = %q", got)
	}
	if Secret("") != "" {
		t.Error("empty secret must stay empty")
	}
}

func TestEmailsIn_RedactsEveryAddressAndKeepsTheRest(t *testing.T) {
	in := "customer jane.doe+vip@example.co.uk is on hold; cc ops@shop.example"
	got := EmailsIn(in)
	if strings.Contains(got, "jane.doe") || strings.Contains(got, "ops@shop") || !strings.Contains(got, "is on hold; cc ") {
		t.Errorf("EmailsIn(%q) = %q", in, got)
	}
	if EmailsIn("order 00001001 failed") != "order 00001001 failed" {
		t.Error("text without an email changed")
	}
}

// Package redact turns personal data into forms that are safe to log.
package redact

import (
	"regexp"
	"strings"
)

// Email redacts an email address for logs and error messages: the first
// character of the local part and the domain stay, so support staff can tell
// two addresses apart without reading either ("j***@example.com"). Anything
// that is not an address is fully masked.
func Email(addr string) string {
	addr = strings.TrimSpace(addr)
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		if addr == "" {
			return ""
		}
		return "***"
	}
	local, domain := addr[:at], addr[at+1:]
	r := []rune(local)
	return string(r[0]) + "***@" + domain
}

// Secret masks a secret completely, keeping only whether it was set.
func Secret(s string) string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// emailInText finds what looks like an email address in free text: an
// error message from an ERP, a WMS or SFCC may quote one.
var emailInText = regexp.MustCompile(`[A-Za-z0-9!#$%&'*+/=?^_{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)

// EmailsIn returns text with every email address in it redacted as Email
// does: for error messages and details that leave the process (logs, spans,
// an SFCC attribute, an exception's detail).
func EmailsIn(text string) string {
	return emailInText.ReplaceAllStringFunc(text, Email)
}

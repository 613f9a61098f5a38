// Package redact turns personal data into forms that are safe to log.
package redact

import "strings"

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

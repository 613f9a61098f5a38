package sfcc

import "strings"

// NormalizeCountryCode returns an ISO 3166-1 alpha-2 country code in the
// form the rest of the system keys on: surrounding white space trimmed and
// ASCII letters upper-cased. Real exports carry codes such as "us" (order.xsd
// allows any two characters), and a mapping table keyed "US" must still find
// them. Other characters are kept, so a malformed code stays visible in the
// error that names it. Every decoder of orders calls it where a code enters.
func NormalizeCountryCode(code string) string { return normalizeCode(code) }

// NormalizeCurrencyCode returns an ISO 4217 currency code trimmed and with
// ASCII letters upper-cased ("usd " → "USD"), as NormalizeCountryCode does
// for countries.
func NormalizeCurrencyCode(code string) string { return normalizeCode(code) }

func normalizeCode(code string) string {
	code = strings.TrimSpace(code)
	for i := 0; i < len(code); i++ {
		if c := code[i]; 'a' <= c && c <= 'z' {
			return asciiUpper(code)
		}
	}
	return code // already normal: no allocation
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}

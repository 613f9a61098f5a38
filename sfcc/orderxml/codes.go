package orderxml

// Codes that SFCC stores as the storefront sent them are normalised once,
// where they enter, so every table lookup downstream (tax rows by country,
// accounts by currency) can compare exactly. order.xsd's CountryCode
// admits any two characters and real exports carry "us" beside "US".
//
// These belong with the model (package sfcc), where the JSON codecs can
// call them too; they live here until they move.

// normalizeCountry returns an ISO 3166-1 alpha-2 country code in the upper
// case the rest of the system keys it by.
func normalizeCountry(code string) string { return upperASCII(code) }

// normalizeCurrency returns an ISO 4217 currency code in upper case.
func normalizeCurrency(code string) string { return upperASCII(code) }

// upperASCII upper-cases the ASCII letters of s, leaving other bytes as
// they are; s itself is returned when nothing changes.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'a' <= b[j] && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

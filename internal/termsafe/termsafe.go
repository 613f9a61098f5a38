// Package termsafe prints text from outside — order numbers, SKUs, PSP
// references, file names, error messages that quote them — so that it cannot
// forge lines or control the terminal it is printed on.
//
// Control characters (C0, DEL, C1), Unicode direction overrides and
// invalid UTF-8 are written as Go escapes (\n, \x1b, \u202e); every other
// character is left as it is, so ordinary text, accents and symbols read
// unchanged. The example programs print everything through Fprintf.
package termsafe

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fprintf is fmt.Fprintf with every text argument (a string, an error,
// anything with a String method) escaped by Escape first. Numbers and
// other values print as they are. The format itself is trusted.
func Fprintf(w io.Writer, format string, args ...any) (int, error) {
	return fmt.Fprintf(w, format, Args(args...)...)
}

// Args returns args with every text argument escaped, for callers that
// format through something other than Fprintf.
func Args(args ...any) []any {
	safe := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			safe[i] = Escape(v)
		case error:
			safe[i] = Escape(v.Error())
		case fmt.Stringer:
			safe[i] = Escape(v.String())
		default:
			safe[i] = a
		}
	}
	return safe
}

// Escape returns s with control characters, direction overrides and
// invalid UTF-8 bytes written as Go escapes. A string without any is
// returned unchanged (and unallocated).
func Escape(s string) string {
	clean := true
	for _, r := range s {
		if needsEscape(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case needsEscape(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsEscape(r rune) bool {
	return r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// printf is the one way the program prints: every argument that is text
// (a string, an error, anything with a String method) goes through
// escapeControls first, so a line break or terminal escape inside a
// settlement field, an order number or a file name cannot forge lines or
// recolour the terminal. Numbers print as they are.
func printf(w io.Writer, format string, args ...any) {
	safe := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			safe[i] = escapeControls(v)
		case error:
			safe[i] = escapeControls(v.Error())
		case fmt.Stringer:
			safe[i] = escapeControls(v.String())
		default:
			safe[i] = a
		}
	}
	fmt.Fprintf(w, format, safe...)
}

// escapeControls writes control characters (C0, DEL, C1), Unicode
// direction overrides and invalid UTF-8 as Go escapes (\n, \x1b, \u202e),
// leaving all other text as it is.
func escapeControls(s string) string {
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

package main

import (
	"io"

	"github.com/o2ckit/o2c/internal/termsafe"
)

// printf is the one way the program prints: every argument that is text
// (a string, an error, anything with a String method) is escaped by
// termsafe first, so a line break or terminal escape inside a settlement
// field, an order number or a file name cannot forge lines or recolour the
// terminal. Numbers print as they are.
func printf(w io.Writer, format string, args ...any) {
	termsafe.Fprintf(w, format, args...)
}

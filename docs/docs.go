// Package docs makes o2c's operator documentation available to programs
// that serve it, such as the operations console, which shows each
// exception kind's section of operations.md next to the exception.
package docs

import _ "embed" // for go:embed

// Operations is docs/operations.md: the daily settlement run and, under
// "### <kind> — <owner>" headings, what each exception kind means, what to
// check and how to resolve it. Callers must not modify it.
//
//go:embed operations.md
var Operations []byte

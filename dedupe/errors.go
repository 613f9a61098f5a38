package dedupe

import (
	"errors"
	"fmt"
	"strings"

	"github.com/o2ckit/o2c/internal/redact"
)

// ErrDuplicateNotFound means the Directory kept rejecting a create as a
// duplicate while its lookup returned no record for the email, so the
// Resolver could neither match nor create. It points at a Directory whose
// uniqueness check and lookup disagree (for example a search index that lags
// behind writes for longer than the retries last).
var ErrDuplicateNotFound = errors.New("dedupe: directory reports a duplicate email but finds no record for it")

// ResolveError is the error of a failed Resolve. It names the order and the
// email (redacted) so a host can route it, and wraps the cause, so
// errors.Is(err, ErrInvalidEmail), errors.Is(err, context.Canceled) or the
// Directory's own error types still match.
//
// Error() never contains the full address, even when the Directory's error
// text does: every spelling of the address in the cause is replaced by its
// redacted form when the error is made. Code that unwraps the cause and
// prints it on its own gets the Directory's text unchanged.
type ResolveError struct {
	// OrderNo is the SFCC order number of the order being resolved.
	OrderNo string
	// Email is the order's email, redacted (redact.Email).
	Email string
	// Op is the step that failed: "normalise", "wait", "find", "create" or
	// "update".
	Op string
	// Err is the cause.
	Err error

	cause string // Err's text with the address redacted
}

// Error names the order, the redacted email, the step and the cause.
func (e *ResolveError) Error() string {
	cause := e.cause
	if cause == "" && e.Err != nil {
		cause = e.Err.Error()
	}
	return fmt.Sprintf("dedupe: order %s (%s): %s: %s", e.OrderNo, e.Email, e.Op, cause)
}

// Unwrap returns the cause.
func (e *ResolveError) Unwrap() error { return e.Err }

// newResolveError builds a ResolveError whose text carries none of the given
// spellings of the address.
func newResolveError(orderNo, rawEmail, op string, err error, spellings ...string) *ResolveError {
	red := redact.Email(rawEmail)
	cause := err.Error()
	spellings = append(spellings, strings.TrimSpace(rawEmail))
	for _, s := range spellings {
		cause = replaceFold(cause, s, red)
	}
	return &ResolveError{OrderNo: orderNo, Email: red, Op: op, Err: err, cause: cause}
}

// replaceFold replaces every occurrence of old in s, compared ignoring case,
// with repl.
func replaceFold(s, old, repl string) string {
	if old == "" || len(old) > len(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+len(old) <= len(s) && strings.EqualFold(s[i:i+len(old)], old) {
			b.WriteString(repl)
			i += len(old)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

package sfcc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// Sentinels matched by *Error through errors.Is.
var (
	// ErrNotFound: 404, e.g. OrderNotFoundException.
	ErrNotFound = errors.New("sfcc: not found")
	// ErrConflict: 409, e.g. OrderStatusTransitionException or ConflictException.
	ErrConflict = errors.New("sfcc: conflict")
	// ErrPreconditionFailed: 412, an If-Match that no longer matches.
	ErrPreconditionFailed = errors.New("sfcc: precondition failed")
	// ErrRateLimited: 429, the caller is over its quota.
	ErrRateLimited = errors.New("sfcc: rate limited")
	// ErrUnauthorized: 401 from an API, or credentials Account Manager rejected.
	ErrUnauthorized = errors.New("sfcc: unauthorized")
	// ErrBadRequest: 400, SFCC rejected the document (a negative
	// allocation, an unknown status value).
	ErrBadRequest = errors.New("sfcc: bad request")
)

// maxErrorBody caps how much of an error response is read.
const maxErrorBody = 1 << 20

// Error is an OCAPI fault or any other non-2xx answer, from an API call, a
// sub-request of a batch, or the token endpoint.
type Error struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// FaultType is the OCAPI fault type, e.g. OrderNotFoundException (or the
	// OAuth error code such as invalid_client for the token endpoint).
	FaultType string
	// Message is the fault message, with anything token-like masked.
	Message string
	// Arguments are the fault's arguments; they name the key concerned
	// (orderNo, productId, ...).
	Arguments map[string]string
	// Method and Path are the request's; Path never includes a query.
	Method string
	Path   string
}

// Error describes the fault with its method and path, so the order number or
// SKU in the path identifies the record concerned.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("sfcc: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
	}
	b.WriteString(e.Path)
	fmt.Fprintf(&b, ": %d", e.StatusCode)
	if e.FaultType != "" {
		b.WriteByte(' ')
		b.WriteString(e.FaultType)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Arguments) > 0 {
		keys := make([]string, 0, len(e.Arguments))
		for k := range e.Arguments {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" (")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k + "=" + e.Arguments[k])
		}
		b.WriteByte(')')
	}
	return b.String()
}

// Is matches the sentinel for the status code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrPreconditionFailed:
		return e.StatusCode == http.StatusPreconditionFailed
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	}
	return false
}

// Temporary reports whether trying again later may succeed: 429 and 5xx.
func (e *Error) Temporary() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

type faultDoc struct {
	Fault *struct {
		Type      string         `json:"type"`
		Message   string         `json:"message"`
		Arguments map[string]any `json:"arguments"`
	} `json:"fault"`
}

// CheckResponse returns nil for a 2xx response and an *Error otherwise. It
// reads at most 1 MiB of the body of an error response, and leaves the body
// readable (what it read is put back).
func CheckResponse(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := &Error{StatusCode: resp.StatusCode}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		if resp.Request.URL != nil {
			e.Path = resp.Request.URL.Path
		}
	}
	var body []byte
	if resp.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
	}
	fillFault(e, body)
	return e
}

// faultError builds the *Error of a batch sub-response.
func faultError(status int, method, path string, body []byte) *Error {
	e := &Error{StatusCode: status, Method: method, Path: path}
	fillFault(e, body)
	return e
}

func fillFault(e *Error, body []byte) {
	var doc faultDoc
	if json.Unmarshal(body, &doc) == nil && doc.Fault != nil {
		e.FaultType = doc.Fault.Type
		e.Message = maskTokens(doc.Fault.Message)
		if len(doc.Fault.Arguments) > 0 {
			e.Arguments = make(map[string]string, len(doc.Fault.Arguments))
			for k, v := range doc.Fault.Arguments {
				s, ok := v.(string)
				if !ok {
					b, _ := json.Marshal(v)
					s = string(b)
				}
				e.Arguments[k] = maskTokens(s)
			}
		}
		return
	}
	if e.Message == "" {
		e.Message = http.StatusText(e.StatusCode)
	}
}

var tokenLike = []*regexp.Regexp{
	// Bearer credentials and Basic auth values.
	regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+`),
	// JSON web tokens (Account Manager issues JWTs).
	regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`),
	// key=value or "key":"value" pairs that carry a credential.
	regexp.MustCompile(`(?i)("?(?:access_token|client_secret|password|token|secret|authorization)"?\s*[:=]\s*"?)[^"&,\s}]+`),
}

// maskTokens replaces anything that looks like a credential with [redacted].
// SFCC does not echo credentials in faults, but a proxy in between might.
func maskTokens(s string) string {
	s = tokenLike[0].ReplaceAllString(s, "$1 [redacted]")
	s = tokenLike[1].ReplaceAllString(s, "[redacted]")
	s = tokenLike[2].ReplaceAllString(s, "${1}[redacted]")
	return s
}

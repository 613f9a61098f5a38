// Package httpapi is the plumbing shared by o2c's connector handlers
// (erp/erpapi, dedupe/dedupeapi, wms/wmsapi, reconcile/reconcileapi): one
// error body, one way to read a JSON request, and one status mapping that
// fits a caller which retries — Patchworks does:
//
//   - 400 the request cannot be read (bad JSON, unknown field, wrong type),
//     422 it was read but a value is unusable; both name the field;
//   - 409 a conflict with the state of a business key;
//   - 503 with Retry-After when a system behind o2c is unavailable: the
//     same request later will work;
//   - 500 anything else, with no internal detail.
//
// The error body is RFC 9457 problem details (application/problem+json)
// with o2c's own members: code (a stable word to branch on), field, key
// (the order number, SKU, email hash or shipment the problem concerns) and
// retryable.
package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxBody bounds a request body read by DecodeJSON.
const DefaultMaxBody = 8 << 20

// ProblemType is the base of Problem.Type: the code is appended, and the
// page documents it.
const ProblemType = "https://github.com/o2ckit/o2c/blob/main/docs/api-errors.md#"

// Problem is the error body of every o2c endpoint, and an error.
type Problem struct {
	// Type is ProblemType + Code.
	Type string `json:"type"`
	// Title is the status text.
	Title string `json:"title"`
	// Status is the HTTP status.
	Status int `json:"status"`
	// Detail says what is wrong, for a person; never secrets or
	// personal data.
	Detail string `json:"detail"`
	// Code is a stable word to branch on: invalid_json, invalid_field,
	// unsupported_media_type, conflict, unavailable, not_found, internal,
	// or one of the endpoint's own.
	Code string `json:"code"`
	// Field is the request field at fault ("orders[2].email"), for 400 and
	// 422.
	Field string `json:"field,omitempty"`
	// Key is the business key concerned: an order number, SKU, shipment.
	Key string `json:"key,omitempty"`
	// Retryable says whether the same request may succeed later.
	Retryable bool `json:"retryable"`
	// RetryAfter is sent as the Retry-After header (whole seconds), not in
	// the body.
	RetryAfter time.Duration `json:"-"`
}

// Error is the detail with its code and field.
func (p *Problem) Error() string {
	s := fmt.Sprintf("%d %s: %s", p.Status, p.Code, p.Detail)
	if p.Field != "" {
		s += " (field " + p.Field + ")"
	}
	return s
}

func newProblem(status int, code, detail string) *Problem {
	return &Problem{Type: ProblemType + code, Title: http.StatusText(status), Status: status, Code: code, Detail: detail}
}

// BadRequest is a request that cannot be read (400).
func BadRequest(code, field, detail string) *Problem {
	p := newProblem(http.StatusBadRequest, code, detail)
	p.Field = field
	return p
}

// Invalid is a request read but holding an unusable value (422).
func Invalid(field, key, detail string) *Problem {
	p := newProblem(http.StatusUnprocessableEntity, "invalid_field", detail)
	p.Field, p.Key = field, key
	return p
}

// Conflict is a request at odds with a business key's state (409).
func Conflict(key, detail string) *Problem {
	p := newProblem(http.StatusConflict, "conflict", detail)
	p.Key = key
	return p
}

// NotFound is an unknown resource (404).
func NotFound(key, detail string) *Problem {
	p := newProblem(http.StatusNotFound, "not_found", detail)
	p.Key = key
	return p
}

// Unavailable is a system behind o2c that is down or refusing (503); the
// caller should send the same request again after retryAfter (0: the
// DefaultRetryAfter).
func Unavailable(key, detail string, retryAfter time.Duration) *Problem {
	p := newProblem(http.StatusServiceUnavailable, "unavailable", detail)
	p.Key, p.Retryable = key, true
	if retryAfter <= 0 {
		retryAfter = DefaultRetryAfter
	}
	p.RetryAfter = retryAfter
	return p
}

// DefaultRetryAfter is the Retry-After of an Unavailable problem that
// names none.
const DefaultRetryAfter = 30 * time.Second

// Internal is an unexpected failure (500); its detail is generic, the
// cause goes to the log only.
func Internal() *Problem {
	return newProblem(http.StatusInternalServerError, "internal", "the request failed unexpectedly; it was logged")
}

// WriteError writes err as a problem. A *Problem in err's chain is
// written as it is; anything else is logged (with the method and path) and
// answered 500.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var p *Problem
	if !errors.As(err, &p) {
		if log != nil {
			log.ErrorContext(r.Context(), "httpapi: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		p = Internal()
	}
	if p.RetryAfter > 0 {
		secs := int((p.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// MediaType returns r's media type, lower case, without parameters; ""
// when there is none.
func MediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	}
	return mt
}

// DecodeJSON reads r's body (at most maxBody bytes; 0 means
// DefaultMaxBody) into v: exactly one JSON value, no unknown fields. The
// error is a *Problem naming the field at fault.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any, maxBody int64) error {
	if mt := MediaType(r); mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		p := newProblem(http.StatusUnsupportedMediaType, "unsupported_media_type", "send application/json")
		return p
	}
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if dec.More() {
		return BadRequest("invalid_json", "", "the body holds more than one JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return BadRequest("invalid_json", "", "the body holds more than one JSON value")
	}
	return nil
}

func jsonProblem(err error) *Problem {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &mbe):
		p := newProblem(http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the body is larger than %d bytes", mbe.Limit))
		return p
	case errors.As(err, &syn):
		return BadRequest("invalid_json", "", fmt.Sprintf("malformed JSON at byte %d", syn.Offset))
	case errors.As(err, &typ):
		return BadRequest("invalid_json", typ.Field, fmt.Sprintf("%s must be %s, not a JSON %s", orBody(typ.Field), typ.Type, typ.Value))
	case errors.Is(err, io.EOF):
		return BadRequest("invalid_json", "", "the body is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return BadRequest("invalid_json", "", "the body ends in the middle of a JSON value")
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		f = strings.Trim(f, `"`)
		return BadRequest("unknown_field", f, fmt.Sprintf("unknown field %q", f))
	}
	// Errors from a type's own UnmarshalJSON (a decimal, a time) say what
	// is wrong with the value.
	return BadRequest("invalid_json", "", "the body is not valid: "+msg)
}

func orBody(field string) string {
	if field == "" {
		return "the body"
	}
	return field
}

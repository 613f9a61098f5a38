package ocapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"

	"github.com/o2ckit/o2c/sfcc"
)

// maxErrorBody caps how much of an error response is read.
const maxErrorBody = 1 << 20

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
	e := &sfcc.Error{StatusCode: resp.StatusCode}
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
func faultError(status int, method, path string, body []byte) *sfcc.Error {
	e := &sfcc.Error{StatusCode: status, Method: method, Path: path}
	fillFault(e, body)
	return e
}

func fillFault(e *sfcc.Error, body []byte) {
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

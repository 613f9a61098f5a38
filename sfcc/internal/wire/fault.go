package wire

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/o2ckit/o2c/sfcc"
)

// MaxErrorBody caps how much of an error response is read.
const MaxErrorBody = 1 << 20

// faultDoc is both error shapes SFCC answers: OCAPI's
// {"fault":{"type","message","arguments"}} and SCAPI's problem+json
// {"type","title","detail",...} (RFC 7807).
type faultDoc struct {
	Fault *struct {
		Type      string         `json:"type"`
		Message   string         `json:"message"`
		Arguments map[string]any `json:"arguments"`
	} `json:"fault"`
	Type   string `json:"type"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// CheckResponse returns nil for a 2xx response and an *sfcc.Error otherwise.
// It reads at most MaxErrorBody bytes of an error body and leaves the body
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
	FillFault(e, PeekBody(resp))
	return e
}

// FillFault reads an OCAPI fault or a SCAPI problem document into e. For a
// problem document, FaultType is the last segment of its type URI (e.g.
// "order-not-found") and Message its detail (or title).
func FillFault(e *sfcc.Error, body []byte) {
	var doc faultDoc
	if json.Unmarshal(body, &doc) == nil {
		switch {
		case doc.Fault != nil:
			e.FaultType = MaskTokens(doc.Fault.Type)
			e.Message = MaskTokens(doc.Fault.Message)
			if len(doc.Fault.Arguments) > 0 {
				e.Arguments = make(map[string]string, len(doc.Fault.Arguments))
				for k, v := range doc.Fault.Arguments {
					s, ok := v.(string)
					if !ok {
						b, _ := json.Marshal(v)
						s = string(b)
					}
					e.Arguments[k] = MaskTokens(s)
				}
			}
			return
		case doc.Type != "" || doc.Title != "" || doc.Detail != "":
			t := strings.TrimRight(doc.Type, "/")
			if i := strings.LastIndexByte(t, '/'); i >= 0 {
				t = t[i+1:]
			}
			e.FaultType = MaskTokens(t)
			e.Message = MaskTokens(doc.Detail)
			if e.Message == "" {
				e.Message = MaskTokens(doc.Title)
			}
			return
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(e.StatusCode)
	}
}

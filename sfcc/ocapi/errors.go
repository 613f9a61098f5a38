package ocapi

import (
	"net/http"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/internal/wire"
)

// maxErrorBody caps how much of an error response is read.
const maxErrorBody = wire.MaxErrorBody

type faultDoc struct {
	Fault *struct {
		Type string `json:"type"`
	} `json:"fault"`
}

// CheckResponse returns nil for a 2xx response and an *Error otherwise. It
// reads at most 1 MiB of the body of an error response, and leaves the body
// readable (what it read is put back).
func CheckResponse(resp *http.Response) error { return wire.CheckResponse(resp) }

// faultError builds the *Error of a batch sub-response.
func faultError(status int, method, path string, body []byte) *sfcc.Error {
	e := &sfcc.Error{StatusCode: status, Method: method, Path: path}
	wire.FillFault(e, body)
	return e
}

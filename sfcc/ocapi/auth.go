package ocapi

import (
	"encoding/json"
	"net/http"

	"github.com/o2ckit/o2c/sfcc/internal/wire"
)

// faultInvalidAccessToken is the fault SFCC answers for an expired or
// unknown token: the one 401 worth a fresh token and a second attempt.
const faultInvalidAccessToken = "InvalidAccessTokenException"

// isInvalidToken reads the (capped) body of a 401 and puts it back.
func isInvalidToken(resp *http.Response) bool {
	var doc faultDoc
	return json.Unmarshal(wire.PeekBody(resp), &doc) == nil && doc.Fault != nil && doc.Fault.Type == faultInvalidAccessToken
}

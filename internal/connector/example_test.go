package connector_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/o2ckit/o2c/internal/apiauth"
	"github.com/o2ckit/o2c/internal/connector"
)

func ExampleNew() {
	guard, _ := apiauth.New(apiauth.Config{APIKeys: []string{"an-api-key-of-some-length"}})
	h, _ := connector.New(connector.Config{Auth: guard})
	for _, path := range []string{"/healthz", "/openapi.json", "/v1/exceptions"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		fmt.Println(path, rec.Code)
	}
	// Output:
	// /healthz 200
	// /openapi.json 200
	// /v1/exceptions 401
}

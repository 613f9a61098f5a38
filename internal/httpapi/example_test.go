package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/o2ckit/o2c/internal/httpapi"
)

func ExampleDecodeJSON() {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Email string `json:"email"`
		}
		if err := httpapi.DecodeJSON(w, r, &in, 0); err != nil {
			httpapi.WriteError(w, r, nil, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, in)
	})
	r := httptest.NewRequest(http.MethodPost, "/v1/customers/resolve", strings.NewReader(`{"emial":"a@example.com"}`))
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Print(rec.Body.String())
	// Output:
	// 400 application/problem+json
	// {"type":"https://github.com/o2ckit/o2c/blob/main/docs/api-errors.md#unknown_field","title":"Bad Request","status":400,"detail":"unknown field \"emial\"","code":"unknown_field","field":"emial","retryable":false}
}

package ocapi

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/sfcc"

	"github.com/google/go-cmp/cmp"
)

func response(status int, body string) *http.Response {
	u, _ := url.Parse("https://host/s/-/dw/data/v25_6/sites/RefArch/orders/00042/status?client_id=abc")
	return &http.Response{
		StatusCode: status,
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    &http.Request{Method: http.MethodPut, URL: u},
	}
}

func TestCheckResponse_FaultBecomesTypedErrorWithSentinel(t *testing.T) {
	for _, tc := range []struct {
		status   int
		body     string
		sentinel error
		want     sfcc.Error
	}{
		{404, `{"_v":"25.6","fault":{"type":"OrderNotFoundException","message":"No order with number '00042'.","arguments":{"orderNo":"00042"}}}`,
			sfcc.ErrNotFound, sfcc.Error{StatusCode: 404, FaultType: "OrderNotFoundException", Message: "No order with number '00042'.", Arguments: map[string]string{"orderNo": "00042"}}},
		{409, `{"fault":{"type":"OrderStatusTransitionException","message":"cancelled orders cannot be opened"}}`,
			sfcc.ErrConflict, sfcc.Error{StatusCode: 409, FaultType: "OrderStatusTransitionException", Message: "cancelled orders cannot be opened"}},
		{412, `{"fault":{"type":"PreconditionFailedException","message":"etag"}}`,
			sfcc.ErrPreconditionFailed, sfcc.Error{StatusCode: 412, FaultType: "PreconditionFailedException", Message: "etag"}},
		{429, `{"fault":{"type":"QuotaExceededException","message":"quota","arguments":{"limit":100}}}`,
			sfcc.ErrRateLimited, sfcc.Error{StatusCode: 429, FaultType: "QuotaExceededException", Message: "quota", Arguments: map[string]string{"limit": "100"}}},
		{401, `{"fault":{"type":"InvalidAccessTokenException","message":"expired"}}`,
			sfcc.ErrUnauthorized, sfcc.Error{StatusCode: 401, FaultType: "InvalidAccessTokenException", Message: "expired"}},
		{400, `{"fault":{"type":"InvalidDocumentException","message":"allocation must not be negative"}}`,
			sfcc.ErrBadRequest, sfcc.Error{StatusCode: 400, FaultType: "InvalidDocumentException", Message: "allocation must not be negative"}},
		{502, `<html>bad gateway</html>`,
			nil, sfcc.Error{StatusCode: 502, Message: "Bad Gateway"}},
	} {
		err := CheckResponse(response(tc.status, tc.body))
		var e *sfcc.Error
		if !errors.As(err, &e) {
			t.Fatalf("%d: err = %v, want *sfcc.Error", tc.status, err)
		}
		tc.want.Method, tc.want.Path = http.MethodPut, "/s/-/dw/data/v25_6/sites/RefArch/orders/00042/status"
		if diff := cmp.Diff(&tc.want, e); diff != "" {
			t.Errorf("%d (-want +got):\n%s", tc.status, diff)
		}
		if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
			t.Errorf("%d: errors.Is(%v) = false", tc.status, tc.sentinel)
		}
		for _, other := range []error{sfcc.ErrNotFound, sfcc.ErrConflict, sfcc.ErrPreconditionFailed, sfcc.ErrRateLimited, sfcc.ErrUnauthorized, sfcc.ErrBadRequest} {
			if other != tc.sentinel && errors.Is(err, other) {
				t.Errorf("%d: also matches %v", tc.status, other)
			}
		}
		if e.Temporary() != (tc.status == 429 || tc.status >= 500) {
			t.Errorf("%d: Temporary() = %v", tc.status, e.Temporary())
		}
		if strings.Contains(err.Error(), "client_id") {
			t.Errorf("error text carries the query: %s", err)
		}
	}
}

func TestCheckResponse_SuccessIsNil(t *testing.T) {
	for _, s := range []int{200, 201, 204} {
		if err := CheckResponse(response(s, "")); err != nil {
			t.Errorf("%d: %v", s, err)
		}
	}
}

func TestCheckResponse_ReadsAtMostOneMebibyte(t *testing.T) {
	big := strings.Repeat("x", maxErrorBody+4096)
	resp := response(500, big)
	if err := CheckResponse(resp); err == nil {
		t.Fatal("want error")
	}
	// The body stays readable in full for a caller that wants it.
	rest, _ := io.ReadAll(resp.Body)
	if len(rest) != len(big) {
		t.Errorf("body after check = %d bytes, want %d", len(rest), len(big))
	}
}

func TestError_MasksTokenLikeValues(t *testing.T) {
	body := `{"fault":{"type":"X","message":"header Authorization: Bearer abc.def-123 rejected; token=s3cr3t, jwt eyJhbGciOi.eyJzdWIiOiJ4In0.c2ln","arguments":{"access_token":"eyJ0eXAi.eyJpc3Mi.sig"}}}`
	err := CheckResponse(response(400, body))
	for _, leak := range []string{"abc.def-123", "s3cr3t", "eyJhbGciOi", "eyJ0eXAi"} {
		if strings.Contains(err.Error(), leak) {
			t.Errorf("error leaks %q: %s", leak, err)
		}
	}
}

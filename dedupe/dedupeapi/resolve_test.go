package dedupeapi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/dedupe/dedupeapi"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
)

func newHandler(t testing.TB, dir dedupe.Directory) http.Handler {
	t.Helper()
	res, err := dedupe.NewResolver(dedupe.Config{Directory: dir})
	if err != nil {
		t.Fatal(err)
	}
	h, err := dedupeapi.NewHandler(dedupeapi.Config{Resolver: res, Transient: erp.Transient})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func resolve(h http.Handler, body string) (*httptest.ResponseRecorder, map[string]any) {
	r := httptest.NewRequest(http.MethodPost, "/v1/customers/resolve", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	var m map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	return rec, m
}

// Ten concurrent requests for one shopper (a guest checking out twice, a
// retried request) end with one customer record.
func TestResolve_OneCustomerPerEmailHoweverOftenItIsSent(t *testing.T) {
	fake := erptest.New()
	h := newHandler(t, fake)
	var wg sync.WaitGroup
	ids := make([]string, 10)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := "Jane.Doe@Example.com"
			if i%2 == 1 {
				email = " jane.doe@example.com "
			}
			rec, m := resolve(h, fmt.Sprintf(`{"order_no":"000%02d","email":%q,"guest":true,"first_name":"Jane"}`, i, email))
			if rec.Code != 200 {
				t.Errorf("request %d: %d %s", i, rec.Code, rec.Body.String())
				return
			}
			ids[i], _ = m["customer_id"].(string)
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("customer ids %v, want one id for one email", ids)
		}
	}
	customers, _, _ := fake.Counts()
	if customers != 1 {
		t.Errorf("%d customer records in the ERP, want 1", customers)
	}
	rec, m := resolve(h, `{"order_no":"00099","email":"jane.doe@example.com","guest":true}`)
	if rec.Code != 200 || m["outcome"] != "matched" || strings.Contains(rec.Body.String(), "jane") {
		t.Errorf("a later order: %d %s (want matched, and no personal data in the answer)", rec.Code, rec.Body.String())
	}
}

func TestResolve_ErrorsSayWhoFixesWhat(t *testing.T) {
	down := erptest.New(erptest.WithFaults(erptest.Fault{Method: erptest.MethodFindCustomersByEmail, Every: 1}))
	for _, tc := range []struct {
		name   string
		dir    dedupe.Directory
		body   string
		status int
		code   string
		field  string
	}{
		{"no email", erptest.New(), `{"order_no":"1","email":" "}`, 422, "invalid_field", "email"},
		{"no order", erptest.New(), `{"email":"a@example.com"}`, 422, "invalid_field", "order_no"},
		{"not an address", erptest.New(), `{"order_no":"1","email":"jane at example"}`, 422, "invalid_field", "email"},
		{"unknown field", erptest.New(), `{"order_no":"1","email":"a@example.com","emial":"x"}`, 400, "unknown_field", "emial"},
		{"master down", down, `{"order_no":"1","email":"a@example.com"}`, 503, "unavailable", ""},
	} {
		rec, m := resolve(newHandler(t, tc.dir), tc.body)
		field, _ := m["field"].(string)
		if rec.Code != tc.status || m["code"] != tc.code || field != tc.field {
			t.Errorf("%s: %d %s, want %d %s field %q", tc.name, rec.Code, rec.Body.String(), tc.status, tc.code, tc.field)
		}
		if tc.status == 503 && rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After", tc.name)
		}
		if strings.Contains(rec.Body.String(), "jane at example") {
			t.Errorf("%s: the answer quotes the email unredacted", tc.name)
		}
	}
}

func TestNewHandler_NeedsAResolver(t *testing.T) {
	_, err := dedupeapi.NewHandler(dedupeapi.Config{})
	var ce *dedupeapi.ConfigError
	if !errors.As(err, &ce) || ce.Field != "Resolver" {
		t.Errorf("%v", err)
	}
}

func ExampleNewHandler() {
	res, _ := dedupe.NewResolver(dedupe.Config{Directory: erptest.New()})
	h, _ := dedupeapi.NewHandler(dedupeapi.Config{Resolver: res})
	for range 2 {
		r := httptest.NewRequest(http.MethodPost, "/v1/customers/resolve",
			strings.NewReader(`{"order_no":"00001001","email":"sam@example.com","guest":true}`))
		r.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var resp dedupeapi.ResolveResponse
		_ = json.Unmarshal(rec.Body.Bytes(), &resp)
		fmt.Println(rec.Code, resp.Outcome)
	}
	// Output:
	// 200 created
	// 200 matched
}

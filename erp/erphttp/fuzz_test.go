package erphttp_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erphttp"
	"github.com/o2ckit/o2c/erp/erptest"
)

// FuzzHandler_Bodies sends arbitrary bodies to every write route: the
// handler never panics, and every refusal is the API's error body with a
// 4xx status.
func FuzzHandler_Bodies(f *testing.F) {
	so, _ := json.Marshal(erptest.SampleSalesOrder("F1"))
	j, _ := erp.OrderJournal(erptest.SampleSalesOrder("F1"))
	jb, _ := json.Marshal(j)
	for _, seed := range []string{string(so), string(jb), `{"email":"a@example.com"}`, `{`, `[]`, `null`,
		`{"external_ref":"F1","totals":{"gross":1e400}}`, `{"lines":[{"debit":"-1"}]}`, `{"items":[{"quantity":{}}]}`} {
		f.Add(seed)
	}
	h, err := erphttp.NewHandler(erphttp.HandlerConfig{ERP: erptest.New()})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, r := range []struct{ method, path string }{
			{"POST", "/v1/customers"}, {"PUT", "/v1/sales_orders/F1"}, {"PUT", "/v1/journals/order:F1"},
		} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(r.method, r.path, strings.NewReader(body)))
			if rec.Code < 300 {
				continue
			}
			var e struct {
				Error struct{ Code, Message string }
			}
			if rec.Code >= 500 || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error.Code == "" {
				t.Fatalf("%s %s %q: %d %s", r.method, r.path, body, rec.Code, rec.Body)
			}
			if rec.Code != http.StatusConflict && rec.Code/100 != 4 {
				t.Fatalf("%s %s: status %d", r.method, r.path, rec.Code)
			}
		}
	})
}

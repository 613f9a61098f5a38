package wmsapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmsapi"
)

var at = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// world is the simulator with one order of two lines, a Sequencer and a
// Pusher over a real OCAPI client, and the handlers in front.
func world(t testing.TB) (*sfcctest.Server, wmsapi.Handlers, *wms.Pusher) {
	t.Helper()
	srv := sfcctest.NewTestServer(t)
	client, err := ocapi.NewClient(srv.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	one := sfcc.Quantity{Value: decimal.MustNew(1, 0)}
	srv.AddOrders(sfcc.Order{OrderNo: "00004711", Currency: "GBP",
		Status: sfcc.StatusSet{Shipping: sfcc.ShippingStatusNotShipped},
		ProductLineItems: []sfcc.ProductLineItem{
			{Position: 1, ProductID: "TEE-1", Quantity: one},
			{Position: 2, ProductID: "CAP-1", Quantity: one},
		}})
	seq, err := wms.NewSequencer(wms.SequencerConfig{Orders: client})
	if err != nil {
		t.Fatal(err)
	}
	p, err := wms.NewPusher(wms.PusherConfig{Writer: client, List: "inventory_uk", Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	hs, err := wmsapi.New(wmsapi.Config{Shipments: seq, Inventory: p})
	if err != nil {
		t.Fatal(err)
	}
	return srv, hs, p
}

func post(h http.Handler, body string) (*httptest.ResponseRecorder, map[string]any) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	var m map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	return rec, m
}

func pkg(n int, sku string, seq int64) string {
	return fmt.Sprintf(`{"order_no":"00004711","event_id":"ev-%d","shipment_id":"pkg-%d","sequence":%d,
		"lines":[{"sku":%q,"quantity":"1"}],"carrier":"DHL","tracking_number":"TRK%d","shipped_at":%q}`,
		n, n, seq, sku, n, at.Add(time.Duration(n)*time.Hour).Format(time.RFC3339))
}

// A WMS (or Patchworks) posting each package — the same one twice, the
// second before the first — ends with the order SHIPPED, both tracking
// numbers on it and one notification per package.
func TestShipments_InSequenceOnceEach(t *testing.T) {
	srv, hs, _ := world(t)
	steps := []struct {
		body    string
		status  int
		outcome string
	}{
		{pkg(2, "CAP-1", 2), 202, "waiting"},
		{pkg(1, "TEE-1", 1), 200, "applied"},
		{pkg(1, "TEE-1", 1), 200, "duplicate"},
		{pkg(2, "CAP-1", 2), 200, "duplicate"},
	}
	for i, s := range steps {
		rec, m := post(hs.Shipments, s.body)
		if rec.Code != s.status || m["outcome"] != s.outcome {
			t.Fatalf("step %d: %d %s, want %d %s", i, rec.Code, rec.Body.String(), s.status, s.outcome)
		}
		if i == 1 {
			rel, _ := m["released"].([]any)
			if len(rel) != 1 || rel[0].(map[string]any)["event_id"] != "ev-2" {
				t.Errorf("applying ev-1 did not release the held ev-2: %s", rec.Body.String())
			}
		}
	}
	o, _ := srv.Order("00004711")
	if o.Status.Shipping != sfcc.ShippingStatusShipped {
		t.Errorf("order shipping status %s, want SHIPPED", o.Status.Shipping)
	}
	tracking, _ := o.Custom.Get(wms.DefaultTrackingNumbersAttr)
	count, _ := o.Custom.Get(wms.DefaultCountAttr)
	if fmt.Sprint(tracking.Values) != "[TRK1 TRK2]" || count.Value() != "2" {
		t.Errorf("tracking %v, notifications %q; want both numbers and 2", tracking.Values, count.Value())
	}
}

func TestShipments_ProblemsNameTheOrderAndField(t *testing.T) {
	srv, hs, _ := world(t)
	for _, tc := range []struct {
		name, body  string
		status      int
		code, field string
	}{
		{"no event id", `{"order_no":"00004711","shipment_id":"p","shipped_at":"2026-11-20T10:00:00Z"}`, 422, "shipment_rejected", "event_id"},
		{"sku not on the order", strings.Replace(pkg(3, "HAT-9", 0), "ev-3", "ev-9", 1), 422, "shipment_rejected", "lines"},
		{"unknown field", `{"order_no":"00004711","evnt_id":"x"}`, 400, "unknown_field", "evnt_id"},
		{"quantity not a number", `{"order_no":"1","lines":[{"sku":"A","quantity":"many"}]}`, 400, "invalid_json", ""},
	} {
		rec, m := post(hs.Shipments, tc.body)
		field, _ := m["field"].(string)
		if rec.Code != tc.status || m["code"] != tc.code || field != tc.field {
			t.Errorf("%s: %d %s, want %d %s field %q", tc.name, rec.Code, rec.Body.String(), tc.status, tc.code, tc.field)
		}
		if tc.status == 422 && m["key"] != "00004711" {
			t.Errorf("%s: key %v, want the order number", tc.name, m["key"])
		}
	}
	// SFCC down: 503 with Retry-After; the same request later completes.
	srv.InjectFault(sfcctest.Fault{Route: "order.get", Status: 503, Times: 100})
	rec, m := post(hs.Shipments, pkg(1, "TEE-1", 0))
	if rec.Code != 503 || m["code"] != "unavailable" || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("SFCC down: %d %s", rec.Code, rec.Body.String())
	}
	srv.ClearFaults()
	if rec, m := post(hs.Shipments, pkg(1, "TEE-1", 0)); rec.Code != 200 || m["outcome"] != "applied" {
		t.Errorf("the same request after SFCC came back: %d %s", rec.Code, rec.Body.String())
	}
}

func TestInventory_LevelsAreTakenOnceAndBadOnesNamed(t *testing.T) {
	_, hs, p := world(t)
	body := `{"levels":[{"sku":"TEE-1","location":"LEEDS","available":"10","sequence":1},
		{"sku":"TEE-1","location":"YORK","available":"5","sequence":1},
		{"sku":"","available":"3"}]}`
	rec, m := post(hs.Inventory, body)
	if rec.Code != 202 || m["accepted"] != float64(2) || m["invalid"] != float64(1) {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
	errs, _ := m["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("errors %v", errs)
	}
	// The same request again: nothing new.
	rec, m = post(hs.Inventory, body)
	if rec.Code != 202 || m["accepted"] != float64(0) || m["stale"] != float64(2) {
		t.Errorf("repeat: %d %s", rec.Code, rec.Body.String())
	}
	rep, err := p.Flush(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pushed != 1 {
		t.Errorf("flush pushed %d SKUs, want TEE-1 once (10 + 5 coalesced)", rep.Pushed)
	}
	if st, ok := p.Status("inventory_uk", "TEE-1"); !ok || st.Allocation.String() != "15" {
		t.Errorf("TEE-1 allocation %v, want 15", st.Allocation)
	}
	if rec, _ := post(hs.Inventory, `{"levels":[]}`); rec.Code != 422 {
		t.Errorf("no levels: %d", rec.Code)
	}
}

func TestNew_NeedsSomethingToServe(t *testing.T) {
	_, err := wmsapi.New(wmsapi.Config{})
	var ce *wmsapi.ConfigError
	if !errors.As(err, &ce) {
		t.Errorf("%v", err)
	}
}

func ExampleNew() {
	srv := sfcctest.NewServer()
	defer srv.Close()
	client, _ := ocapi.NewClient(srv.ClientConfig())
	srv.AddOrders(sfcc.Order{OrderNo: "00004711", Status: sfcc.StatusSet{Shipping: sfcc.ShippingStatusNotShipped},
		ProductLineItems: []sfcc.ProductLineItem{{Position: 1, ProductID: "TEE-1", Quantity: sfcc.Quantity{Value: decimal.MustNew(1, 0)}}}})
	seq, _ := wms.NewSequencer(wms.SequencerConfig{Orders: client})
	hs, _ := wmsapi.New(wmsapi.Config{Shipments: seq})
	body := `{"order_no":"00004711","event_id":"ev-1","shipment_id":"pkg-1","lines":[{"sku":"TEE-1","quantity":"1"}],
		"tracking_number":"TRK1","shipped_at":"2026-11-20T10:00:00Z"}`
	for range 2 {
		r := httptest.NewRequest(http.MethodPost, "/v1/shipments", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		hs.Shipments.ServeHTTP(rec, r)
		var res wmsapi.ShipmentResult
		_ = json.Unmarshal(rec.Body.Bytes(), &res)
		fmt.Println(rec.Code, res.Outcome, res.ShippingStatus, res.Notified)
	}
	// Output:
	// 200 applied SHIPPED true
	// 200 duplicate  false
}

package sfcctest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

var decimalText = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.String() == b.String() })

func TestOrderGet_ServesTheSeededOrderAsShopJSON(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	want := seedOrder("00001", sfcc.ExportStatusReady)
	want.Custom = sfcc.CustomAttributes{{ID: "channel", Values: []string{"web"}}}
	srv.AddOrders(want)

	resp := call(t, srv, http.MethodGet, shopBase+"/orders/00001", fetchToken(t, srv), nil)
	if resp.Status != http.StatusOK {
		t.Fatalf("status %d: %s", resp.Status, resp.Body)
	}
	var raw map[string]any
	if err := json.Unmarshal(resp.Body, &raw); err != nil {
		t.Fatal(err)
	}
	if raw["export_status"] != "ready" || raw["c_channel"] != "web" {
		t.Errorf("wire form: export_status %v, c_channel %v", raw["export_status"], raw["c_channel"])
	}
	got, err := sfcc.UnmarshalShopOrder(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, decimalText); diff != "" {
		t.Errorf("order (-seeded +served):\n%s", diff)
	}
}

func TestOrderGet_UnknownOrderAndSiteAre404(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	auth := fetchToken(t, srv)
	tests := []struct{ path, fault, argKey, argVal string }{
		{shopBase + "/orders/00404", "OrderNotFoundException", "orderNo", "00404"},
		{"/s/OtherSite/dw/shop/v25_6/orders/00001", "SiteNotFoundException", "siteId", "OtherSite"},
		{"/s/-/dw/data/v25_6/nothing/here", "ResourcePathNotFoundException", "resourcePath", "/s/-/dw/data/v25_6/nothing/here"},
	}
	for _, tt := range tests {
		got := call(t, srv, http.MethodGet, tt.path, auth, nil)
		typ, args := got.fault()
		if got.Status != http.StatusNotFound || typ != tt.fault || args[tt.argKey] != tt.argVal {
			t.Errorf("GET %s: %d %s %v", tt.path, got.Status, typ, args)
		}
		if ct := got.Header.Get("Content-Type"); ct == "" || ct[:16] != "application/json" {
			t.Errorf("GET %s: Content-Type %q", tt.path, ct)
		}
	}
}

func statusPath(no, kind string) string { return dataBase + "/sites/RefArch/orders/" + no + "/" + kind }

func TestOrderStatus_EachKindIsStoredUpperCase(t *testing.T) {
	clock := newClock()
	srv := sfcctest.NewTestServer(t, sfcctest.WithClock(clock.Now))
	srv.AddOrders(seedOrder("00001", sfcc.ExportStatusReady))
	auth := fetchToken(t, srv)
	tests := []struct {
		kind, value string
		read        func(sfcc.Order) string
		want        string
	}{
		{"export_status", "exported", func(o sfcc.Order) string { return string(o.Status.Export) }, "EXPORTED"},
		{"status", "open", func(o sfcc.Order) string { return string(o.Status.Order) }, "OPEN"},
		{"shipping_status", "part_shipped", func(o sfcc.Order) string { return string(o.Status.Shipping) }, "PART_SHIPPED"},
		{"payment_status", "part_paid", func(o sfcc.Order) string { return string(o.Status.Payment) }, "PART_PAID"},
		{"confirmation_status", "not_confirmed", func(o sfcc.Order) string { return string(o.Status.Confirmation) }, "NOT_CONFIRMED"},
		{"external_status", "Booked in ERP", func(o sfcc.Order) string { return o.ExternalOrderStatus }, "Booked in ERP"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			clock.Advance(time.Minute)
			got := call(t, srv, http.MethodPut, statusPath("00001", tt.kind), auth, map[string]string{"status": tt.value})
			if got.Status != http.StatusNoContent {
				t.Fatalf("status %d: %s", got.Status, got.Body)
			}
			o, _ := srv.Order("00001")
			if tt.read(o) != tt.want {
				t.Errorf("stored %q, want %q", tt.read(o), tt.want)
			}
			if !o.LastModified.Equal(clock.Now()) {
				t.Errorf("LastModified = %v, want the clock's %v", o.LastModified, clock.Now())
			}
		})
	}
}

func TestOrderStatus_ForbiddenTransitionsAre409(t *testing.T) {
	tests := []struct {
		name          string
		seed          func(*sfcc.Order)
		kind, value   string
		status        int
		fault, stored string
	}{
		{"cancelled cannot reopen", func(o *sfcc.Order) { o.Status.Order = sfcc.OrderStatusCancelled }, "status", "open", 409, "OrderStatusTransitionException", "CANCELLED"},
		{"cancelled cannot be new", func(o *sfcc.Order) { o.Status.Order = sfcc.OrderStatusCancelled }, "status", "new", 409, "OrderStatusTransitionException", "CANCELLED"},
		{"failed cannot complete", func(o *sfcc.Order) { o.Status.Order = sfcc.OrderStatusFailed }, "status", "completed", 409, "OrderStatusTransitionException", "FAILED"},
		{"completed cannot be cancelled", func(o *sfcc.Order) { o.Status.Order = sfcc.OrderStatusCompleted }, "status", "cancelled", 409, "OrderStatusTransitionException", "COMPLETED"},
		{"new can be cancelled", func(o *sfcc.Order) {}, "status", "cancelled", 204, "", "CANCELLED"},
		{"failed_with_reopen stores FAILED", func(o *sfcc.Order) {}, "status", "failed_with_reopen", 204, "", "FAILED"},
		{"unknown value", func(o *sfcc.Order) {}, "status", "shipped", 400, "InvalidDocumentException", "NEW"},
		{"upper case is not the wire form", func(o *sfcc.Order) {}, "status", "OPEN", 400, "InvalidDocumentException", "NEW"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := sfcctest.NewTestServer(t)
			o := seedOrder("00007", sfcc.ExportStatusReady)
			tt.seed(&o)
			srv.AddOrders(o)
			got := call(t, srv, http.MethodPut, statusPath("00007", tt.kind), fetchToken(t, srv), map[string]string{"status": tt.value})
			typ, args := got.fault()
			if got.Status != tt.status || typ != tt.fault {
				t.Errorf("got %d %s, want %d %s", got.Status, typ, tt.status, tt.fault)
			}
			if tt.status == 409 && args["orderNo"] != "00007" {
				t.Errorf("fault arguments %v do not name the order", args)
			}
			if after, _ := srv.Order("00007"); string(after.Status.Order) != tt.stored {
				t.Errorf("stored status %s, want %s", after.Status.Order, tt.stored)
			}
		})
	}
}

func TestOrderStatus_ShippedCannotGoBackToNotShipped(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	o := seedOrder("00008", sfcc.ExportStatusExported)
	o.Status.Shipping = sfcc.ShippingStatusShipped
	srv.AddOrders(o)
	got := call(t, srv, http.MethodPut, statusPath("00008", "shipping_status"), fetchToken(t, srv), map[string]string{"status": "not_shipped"})
	if typ, _ := got.fault(); got.Status != http.StatusConflict || typ != "OrderStatusTransitionException" {
		t.Errorf("got %d %s", got.Status, typ)
	}
}

func TestOrderStatus_BadRequests(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.AddOrders(seedOrder("00001", sfcc.ExportStatusReady))
	auth := fetchToken(t, srv)
	tests := []struct {
		name, path string
		body       any
		status     int
		fault      string
	}{
		{"unknown order", statusPath("99999", "export_status"), map[string]string{"status": "exported"}, 404, "OrderNotFoundException"},
		{"not JSON", statusPath("00001", "export_status"), "status=exported", 400, "MalformedDocumentException"},
		{"no status", statusPath("00001", "export_status"), map[string]string{"state": "exported"}, 400, "InvalidDocumentException"},
		{"empty external status", statusPath("00001", "external_status"), map[string]string{"status": ""}, 400, "InvalidDocumentException"},
		{"unknown kind", statusPath("00001", "fraud_status"), map[string]string{"status": "ok"}, 404, "ResourcePathNotFoundException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := call(t, srv, http.MethodPut, tt.path, auth, tt.body)
			if typ, _ := got.fault(); got.Status != tt.status || typ != tt.fault {
				t.Errorf("got %d %s, want %d %s", got.Status, typ, tt.status, tt.fault)
			}
		})
	}
	if o, _ := srv.Order("00001"); o.Status.Export != sfcc.ExportStatusReady || o.ExternalOrderStatus != "" {
		t.Errorf("a rejected request changed the order: %+v", o.Status)
	}
}

func TestOrderPatch_StoresCustomAttributes(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	o := seedOrder("00001", sfcc.ExportStatusReady)
	o.Custom = sfcc.CustomAttributes{{ID: "old", Values: []string{"x"}}, {ID: "keep", Values: []string{"k"}}}
	srv.AddOrders(o)
	auth := fetchToken(t, srv)

	body := `{"c_trackingNumbers":"1Z1,1Z2","c_notified":true,"c_weight":12.50,"c_parcels":["p1","p2"],"c_old":null,"c_keep":"k2"}`
	got := call(t, srv, http.MethodPatch, dataBase+"/sites/RefArch/orders/00001", auth, body)
	// The Data API v25.6 answers an order PATCH 204 without a body.
	if got.Status != http.StatusNoContent || len(got.Body) != 0 {
		t.Fatalf("status %d, body %q; want 204 and no body", got.Status, got.Body)
	}
	want := sfcc.CustomAttributes{
		{ID: "keep", Values: []string{"k2"}},
		{ID: "trackingNumbers", Values: []string{"1Z1,1Z2"}},
		{ID: "notified", Values: []string{"true"}},
		{ID: "weight", Values: []string{"12.50"}},
		{ID: "parcels", Values: []string{"p1", "p2"}, Multi: true},
	}
	stored, _ := srv.Order("00001")
	if diff := cmp.Diff(want, stored.Custom); diff != "" {
		t.Errorf("stored custom attributes (-want +got):\n%s", diff)
	}
}

func TestOrderPatch_RejectsAnythingButCustomAttributes(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.AddOrders(seedOrder("00001", sfcc.ExportStatusReady))
	auth := fetchToken(t, srv)
	tests := []struct {
		name, body string
		status     int
		fault      string
	}{
		{"standard field", `{"c_ok":"1","export_status":"exported"}`, 400, "InvalidDocumentException"},
		{"object value", `{"c_obj":{"a":1}}`, 400, "InvalidDocumentException"},
		{"nested array", `{"c_list":[["a"]]}`, 400, "InvalidDocumentException"},
		{"not an object", `["c_a"]`, 400, "MalformedDocumentException"},
		{"truncated", `{"c_a":"1"`, 400, "MalformedDocumentException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := call(t, srv, http.MethodPatch, dataBase+"/sites/RefArch/orders/00001", auth, tt.body)
			if typ, _ := got.fault(); got.Status != tt.status || typ != tt.fault {
				t.Errorf("got %d %s, want %d %s", got.Status, typ, tt.status, tt.fault)
			}
		})
	}
	if o, _ := srv.Order("00001"); len(o.Custom) != 0 || o.Status.Export != sfcc.ExportStatusReady {
		t.Errorf("rejected patches changed the order: custom %v", o.Custom)
	}
	if got := call(t, srv, http.MethodPatch, dataBase+"/sites/RefArch/orders/404", auth, `{"c_a":"1"}`); got.Status != http.StatusNotFound {
		t.Errorf("unknown order: status %d", got.Status)
	}
}

func TestState_SeedAndReadAreDeepCopies(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	o := seedOrder("00001", sfcc.ExportStatusReady)
	o.Custom = sfcc.CustomAttributes{{ID: "a", Values: []string{"1"}}}
	srv.AddOrders(o)
	o.Custom[0].Values[0] = "changed by caller"
	o.ProductLineItems[0].ProductID = "changed"

	got, _ := srv.Order("00001")
	if got.Custom[0].Values[0] != "1" || got.ProductLineItems[0].ProductID != "SKU-1" {
		t.Fatalf("seeded order shares memory with the caller: %+v", got.Custom)
	}
	got.Custom[0].Values[0] = "changed by reader"
	again, _ := srv.Order("00001")
	if again.Custom[0].Values[0] != "1" {
		t.Error("Order() returned shared memory")
	}
	srv.AddOrders(seedOrder("00003", "READY"), seedOrder("00002", "READY"))
	var nos []string
	for _, o := range srv.Orders() {
		nos = append(nos, o.OrderNo)
	}
	if diff := cmp.Diff([]string{"00001", "00002", "00003"}, nos); diff != "" {
		t.Errorf("Orders() order (-want +got):\n%s", diff)
	}
}

func TestTransitionAllowed(t *testing.T) {
	tests := []struct {
		kind, from, to string
		want           bool
	}{
		{"status", "NEW", "OPEN", true},
		{"status", "OPEN", "OPEN", true},
		{"status", "CANCELLED", "CANCELLED", true},
		{"status", "CANCELLED", "OPEN", false},
		{"status", "FAILED", "NEW", false},
		{"status", "COMPLETED", "CANCELLED", false},
		{"shipping_status", "SHIPPED", "NOT_SHIPPED", false},
		{"shipping_status", "SHIPPED", "PART_SHIPPED", true},
		{"export_status", "EXPORTED", "READY", true},
	}
	for _, tt := range tests {
		if got := sfcctest.TransitionAllowed(tt.kind, tt.from, tt.to); got != tt.want {
			t.Errorf("TransitionAllowed(%s, %s → %s) = %v, want %v", tt.kind, tt.from, tt.to, got, tt.want)
		}
	}
}

// orderNo formats seeded order numbers so they sort as numbers.
func orderNo(i int) string { return fmt.Sprintf("%08d", i) }

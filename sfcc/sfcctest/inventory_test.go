package sfcctest_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

func recordPath(list, sku string) string {
	return dataBase + "/inventory_lists/" + list + "/product_inventory_records/" + sku
}

func decodeRecord(t *testing.T, r response) sfcc.InventoryRecord {
	t.Helper()
	var rec sfcc.InventoryRecord
	if err := json.Unmarshal(r.Body, &rec); err != nil {
		t.Fatalf("%v: %s", err, r.Body)
	}
	return rec
}

func TestInventory_PutCreatesThenReplaces(t *testing.T) {
	clock := newClock()
	srv := sfcctest.NewTestServer(t, sfcctest.WithClock(clock.Now))
	auth := fetchToken(t, srv)

	first := call(t, srv, http.MethodPut, recordPath("uk", "SKU-1"), auth,
		`{"allocation":{"amount":10},"perpetual_flag":false,"pre_order_back_order_handling":"backorder","pre_order_back_order_allocation":5}`)
	if first.Status != http.StatusCreated {
		t.Fatalf("first PUT: %d %s", first.Status, first.Body)
	}
	rec := decodeRecord(t, first)
	if rec.Allocation.String() != "10" || rec.ATS.String() != "15" || !rec.AllocationResetDate.Equal(clock.Now()) ||
		rec.InventoryListID != "uk" || rec.ProductID != "SKU-1" {
		t.Errorf("created record = %+v", rec)
	}
	second := call(t, srv, http.MethodPut, recordPath("uk", "SKU-1"), auth, `{"allocation":{"amount":3,"reset_date":"2026-01-01T00:00:00.000Z"}}`)
	if second.Status != http.StatusOK {
		t.Fatalf("second PUT: %d %s", second.Status, second.Body)
	}
	stored, ok := srv.Inventory("uk", "SKU-1")
	if !ok || stored.Allocation.String() != "3" || stored.PreOrderBackOrderHandling != "" || stored.ATS.String() != "3" ||
		!stored.AllocationResetDate.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("replaced record = %+v", stored)
	}
	got := call(t, srv, http.MethodGet, recordPath("uk", "SKU-1"), auth, nil)
	if diff := cmp.Diff(stored, decodeRecord(t, got), decimalText); got.Status != http.StatusOK || diff != "" {
		t.Errorf("GET %d (-stored +served):\n%s", got.Status, diff)
	}
}

func TestInventory_PatchChangesOnlyTheGivenFields(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.PutInventory("uk", sfcc.InventoryRecord{ProductID: "SKU-1", Allocation: dec("10"), Turnover: dec("4"), Perpetual: false,
		PreOrderBackOrderHandling: sfcc.HandlingPreorder, PreOrderBackOrderAllocation: dec("2")})
	auth := fetchToken(t, srv)

	got := call(t, srv, http.MethodPatch, recordPath("uk", "SKU-1"), auth, `{"perpetual_flag":true,"in_stock_date":"2026-04-01T00:00:00.000Z"}`)
	if got.Status != http.StatusOK {
		t.Fatalf("PATCH: %d %s", got.Status, got.Body)
	}
	rec, _ := srv.Inventory("uk", "SKU-1")
	if !rec.Perpetual || rec.Allocation.String() != "10" || rec.PreOrderBackOrderHandling != sfcc.HandlingPreorder ||
		!rec.InStockDate.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) || rec.ATS.String() != "8" {
		t.Errorf("patched record = %+v", rec)
	}
	call(t, srv, http.MethodPatch, recordPath("uk", "SKU-1"), auth, `{"allocation":{"amount":20}}`)
	if rec, _ := srv.Inventory("uk", "SKU-1"); rec.Allocation.String() != "20" || rec.ATS.String() != "18" || rec.StockLevel.String() != "16" {
		t.Errorf("after allocation patch: allocation %s ats %s stock %s", rec.Allocation, rec.ATS, rec.StockLevel)
	}
}

func TestInventory_FaultsNameTheRecord(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.PutInventory("uk", sfcc.InventoryRecord{ProductID: "SKU-1", Allocation: dec("1")})
	auth := fetchToken(t, srv)
	tests := []struct {
		name, method, path string
		body               any
		status             int
		fault, argKey, arg string
	}{
		{"get absent", http.MethodGet, recordPath("uk", "NOPE"), nil, 404, "ProductInventoryRecordNotFoundException", "productId", "NOPE"},
		{"patch absent", http.MethodPatch, recordPath("uk", "NOPE"), `{"perpetual_flag":true}`, 404, "ProductInventoryRecordNotFoundException", "productId", "NOPE"},
		{"delete absent", http.MethodDelete, recordPath("uk", "NOPE"), nil, 404, "ProductInventoryRecordNotFoundException", "productId", "NOPE"},
		{"unknown list", http.MethodGet, recordPath("fr", "SKU-1"), nil, 404, "InventoryListNotFoundException", "inventoryListId", "fr"},
		{"patch in unknown list", http.MethodPatch, recordPath("fr", "SKU-1"), `{"perpetual_flag":true}`, 404, "InventoryListNotFoundException", "inventoryListId", "fr"},
		{"negative allocation", http.MethodPut, recordPath("uk", "SKU-1"), `{"allocation":{"amount":-1}}`, 400, "InvalidDocumentException", "productId", "SKU-1"},
		{"negative patch", http.MethodPatch, recordPath("uk", "SKU-1"), `{"allocation":{"amount":-0.5}}`, 400, "InvalidDocumentException", "productId", "SKU-1"},
		{"unknown handling", http.MethodPatch, recordPath("uk", "SKU-1"), `{"pre_order_back_order_handling":"always"}`, 400, "InvalidDocumentException", "productId", "SKU-1"},
		{"unknown field", http.MethodPatch, recordPath("uk", "SKU-1"), `{"allocaton":{"amount":1}}`, 400, "InvalidDocumentException", "property", "allocaton"},
		{"other product in body", http.MethodPut, recordPath("uk", "SKU-1"), `{"product_id":"SKU-2"}`, 400, "InvalidDocumentException", "productId", "SKU-1"},
		{"not JSON", http.MethodPut, recordPath("uk", "SKU-1"), `allocation=1`, 400, "MalformedDocumentException", "", ""},
		{"method not allowed", http.MethodPost, recordPath("uk", "SKU-1"), `{}`, 405, "MethodNotAllowedException", "method", "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := call(t, srv, tt.method, tt.path, auth, tt.body)
			typ, args := got.fault()
			if got.Status != tt.status || typ != tt.fault || args[tt.argKey] != tt.arg {
				t.Errorf("got %d %s %v, want %d %s %s=%s", got.Status, typ, args, tt.status, tt.fault, tt.argKey, tt.arg)
			}
		})
	}
	if rec, _ := srv.Inventory("uk", "SKU-1"); rec.Allocation.String() != "1" {
		t.Errorf("rejected writes changed the record: %+v", rec)
	}
}

func TestInventory_DeleteRemovesTheRecord(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.PutInventory("uk", sfcc.InventoryRecord{ProductID: "SKU-1"})
	got := call(t, srv, http.MethodDelete, recordPath("uk", "SKU-1"), fetchToken(t, srv), nil)
	if _, ok := srv.Inventory("uk", "SKU-1"); got.Status != http.StatusNoContent || ok {
		t.Errorf("DELETE %d; record still there: %v", got.Status, ok)
	}
}

func TestInventory_ListPagesByProductID(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	for _, sku := range []string{"C", "A", "E", "B", "D"} {
		srv.PutInventory("uk", sfcc.InventoryRecord{ProductID: sku, Allocation: dec("1")})
	}
	srv.AddInventoryList("empty")
	auth := fetchToken(t, srv)
	type page struct {
		Count, Start, Total int
		Data                []sfcc.InventoryRecord
		Next                string
	}
	var skus []string
	path := dataBase + "/inventory_lists/uk/product_inventory_records?start=0&count=2"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("more than 3 pages")
		}
		resp := call(t, srv, http.MethodGet, path, auth, nil)
		var p page
		if err := json.Unmarshal(resp.Body, &p); err != nil || resp.Status != http.StatusOK {
			t.Fatalf("%s: %d %v", path, resp.Status, err)
		}
		if p.Total != 5 {
			t.Errorf("total %d", p.Total)
		}
		for _, r := range p.Data {
			skus = append(skus, r.ProductID)
		}
		path = p.Next
	}
	if diff := cmp.Diff([]string{"A", "B", "C", "D", "E"}, skus); diff != "" {
		t.Errorf("listed (-want +got):\n%s", diff)
	}
	if got := call(t, srv, http.MethodGet, dataBase+"/inventory_lists/empty/product_inventory_records", auth, nil); got.Status != http.StatusOK {
		t.Errorf("empty list: %d", got.Status)
	}
	for _, q := range []string{"count=201", "count=0", "start=-1", "count=x"} {
		if got := call(t, srv, http.MethodGet, dataBase+"/inventory_lists/uk/product_inventory_records?"+q, auth, nil); got.Status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, got.Status)
		}
	}
	if got := call(t, srv, http.MethodGet, dataBase+"/inventory_lists/none/product_inventory_records", auth, nil); got.Status != http.StatusNotFound {
		t.Errorf("unknown list: %d", got.Status)
	}
}

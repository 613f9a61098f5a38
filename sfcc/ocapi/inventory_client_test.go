package ocapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/o2ckit/o2c/sfcc"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"
)

func TestClient_PutInventorySendsOnlyWritableFields(t *testing.T) {
	f := setup(t)
	var sent map[string]any
	f.mux.HandleFunc("PUT "+invPath, func(w http.ResponseWriter, r *http.Request) {
		sent = readBody(t, r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"product_id":"SKU-1","inventory_list_id":"inv-uk","allocation":{"amount":12.5,"reset_date":"2026-03-01T08:00:00.000Z"},"ats":12.5,"perpetual_flag":false}`)
	})
	rec, err := f.client.PutInventory(context.Background(), "inv-uk", sfcc.InventoryRecord{
		ProductID:  "SKU-1",
		Allocation: decimal.MustParse("12.5"),
		ATS:        decimal.MustParse("999"), // computed by SFCC: never sent
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sent["ats"]; ok {
		t.Errorf("computed field sent: %v", sent)
	}
	if sent["allocation"].(map[string]any)["amount"].(fmt.Stringer).String() != "12.5" {
		t.Errorf("allocation sent = %v", sent["allocation"])
	}
	if rec.ATS.String() != "12.5" || !rec.AllocationResetDate.Equal(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("record = %+v", rec)
	}
}

func TestClient_InventoryGetPatchDeleteRoutes(t *testing.T) {
	f := setup(t)
	var log []string
	f.mux.HandleFunc(invPath, func(w http.ResponseWriter, r *http.Request) {
		log = append(log, r.Method)
		switch r.Method {
		case http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case http.MethodPatch:
			if got := readBody(t, r); got["perpetual_flag"] != true {
				t.Errorf("patch body = %v", got)
			}
			okRecord(w)
		default:
			okRecord(w)
		}
	})
	ctx := context.Background()
	if _, err := f.client.GetInventory(ctx, "inv-uk", "SKU-1"); err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := f.client.PatchInventory(ctx, "inv-uk", sfcc.InventoryUpdate{ProductID: "SKU-1", Perpetual: &yes}); err != nil {
		t.Fatal(err)
	}
	if err := f.client.DeleteInventory(ctx, "inv-uk", "SKU-1"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"GET", "PATCH", "DELETE"}, log); diff != "" {
		t.Errorf("methods (-want +got):\n%s", diff)
	}
	if _, err := f.client.GetInventory(ctx, "", "SKU-1"); !errors.Is(err, sfcc.ErrInvalidArgument) {
		t.Errorf("empty list: %v", err)
	}
	var ie *sfcc.InventoryError
	if _, err := f.client.PatchInventory(ctx, "inv-uk", sfcc.InventoryUpdate{ProductID: "SKU-1"}); !errors.As(err, &ie) || ie.SKU != "SKU-1" {
		t.Errorf("empty patch: %v", err)
	}
}

func TestClient_InventoryRecordsPagesThroughTheList(t *testing.T) {
	f := setup(t)
	const total = 450
	var starts []string
	f.mux.HandleFunc("GET /s/-/dw/data/v25_6/inventory_lists/inv-uk/product_inventory_records", func(w http.ResponseWriter, r *http.Request) {
		starts = append(starts, r.URL.Query().Get("start"))
		start, _ := strconv.Atoi(r.URL.Query().Get("start"))
		count, _ := strconv.Atoi(r.URL.Query().Get("count"))
		var data []string
		for i := start; i < min(start+count, total); i++ {
			data = append(data, fmt.Sprintf(`{"product_id":"SKU-%04d","allocation":{"amount":%d}}`, i, i))
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"count":%d,"start":%d,"total":%d,"data":[%s]}`, len(data), start, total, strings.Join(data, ","))
	})
	seen := map[string]bool{}
	for rec, err := range f.client.InventoryRecords(context.Background(), "inv-uk") {
		if err != nil {
			t.Fatal(err)
		}
		if seen[rec.ProductID] {
			t.Errorf("%s twice", rec.ProductID)
		}
		seen[rec.ProductID] = true
	}
	if len(seen) != total {
		t.Errorf("records = %d, want %d", len(seen), total)
	}
	if diff := cmp.Diff([]string{"0", "200", "400"}, starts); diff != "" {
		t.Errorf("starts (-want +got):\n%s", diff)
	}
}

package ocapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/sfcc"

	"github.com/google/go-cmp/cmp"
)

func TestClient_OrderSearchIsRetriedLikeARead(t *testing.T) {
	f := setup(t)
	var calls counter
	f.mux.HandleFunc("POST /s/RefArch/dw/shop/v25_6/order_search", calls.wrap(func(w http.ResponseWriter, r *http.Request) {
		fault(w, http.StatusInternalServerError, "InternalServerError", "boom", nil)
	}))
	var got error
	for _, err := range f.client.SearchOrders(context.Background(), sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady}) {
		got = err
		break // a consumer that stops at the first error
	}
	var e *sfcc.Error
	if !errors.As(got, &e) || e.StatusCode != 500 || e.FaultType != "InternalServerError" {
		t.Errorf("err = %v", got)
	}
	// The client's own attempts and nothing more: 1 + DefaultMaxRetries.
	if n := calls.n.Load(); n != 1+DefaultMaxRetries || len(f.waits.get()) != DefaultMaxRetries {
		t.Errorf("calls = %d waits = %v, want %d calls and %d waits", n, f.waits.get(), 1+DefaultMaxRetries, DefaultMaxRetries)
	}
}

func TestClient_SearchGivesUpOnAPageAfterMaxPageFailures(t *testing.T) {
	f := setup(t)
	var calls counter
	f.mux.HandleFunc("POST /s/RefArch/dw/shop/v25_6/order_search", calls.wrap(func(w http.ResponseWriter, r *http.Request) {
		fault(w, http.StatusServiceUnavailable, "ServiceUnavailable", "down", nil)
	}))
	var errs int
	for _, err := range f.client.SearchOrders(context.Background(), sfcc.OrderQuery{}) {
		if err == nil {
			t.Fatal("an order from a search that always fails")
		}
		errs++ // keep iterating: the page is asked for again
	}
	if errs != MaxPageFailures || calls.n.Load() != int64(MaxPageFailures*(1+DefaultMaxRetries)) {
		t.Errorf("errors = %d, calls = %d; want %d errors and %d calls", errs, calls.n.Load(), MaxPageFailures, MaxPageFailures*(1+DefaultMaxRetries))
	}
}

func TestClient_ConnectionErrorIsRetriedForReadsIncludingSearch(t *testing.T) {
	f := setup(t)
	var gets, posts counter
	drop := func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}
	f.mux.HandleFunc("GET "+invPath, gets.wrap(func(w http.ResponseWriter, r *http.Request) {
		if gets.n.Load() == 1 {
			drop(w, r)
			return
		}
		okRecord(w)
	}))
	f.mux.HandleFunc("POST /s/RefArch/dw/shop/v25_6/order_search", posts.wrap(func(w http.ResponseWriter, r *http.Request) {
		if posts.n.Load() == 1 {
			drop(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"count":1,"start":0,"total":1,"hits":[{"data":{"order_no":"00001"}}]}`)
	}))
	if _, err := f.client.GetInventory(context.Background(), "inv-uk", "SKU-1"); err != nil {
		t.Fatalf("GET after a dropped connection: %v", err)
	}
	var found []string
	for o, err := range f.client.SearchOrders(context.Background(), sfcc.OrderQuery{}) {
		if err != nil {
			t.Fatalf("search after a dropped connection: %v", err)
		}
		found = append(found, o.OrderNo)
	}
	if gets.n.Load() != 2 || posts.n.Load() != 2 || len(found) != 1 {
		t.Errorf("gets = %d (want 2), posts = %d (want 2), found %v", gets.n.Load(), posts.n.Load(), found)
	}
}

func TestOrderQuery_DocumentBuildsTheOCAPIQuery(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    sfcc.OrderQuery
		want string
	}{
		{"all orders", sfcc.OrderQuery{}, `{"count":200,"query":{"match_all_query":{}},"select":"(**)","sorts":[{"field":"order_no","sort_order":"asc"}]}`},
		{"ready for export", sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady, PageSize: 50},
			`{"count":50,"query":{"term_query":{"fields":["export_status"],"operator":"is","values":["ready"]}},"select":"(**)","sorts":[{"field":"order_no","sort_order":"asc"}]}`},
		{"ready and open by date", sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady, Status: sfcc.OrderStatusOpen, SortBy: "creation_date"},
			`{"count":200,"query":{"bool_query":{"must":[{"term_query":{"fields":["export_status"],"operator":"is","values":["ready"]}},{"term_query":{"fields":["status"],"operator":"is","values":["open"]}}]}},"select":"(**)","sorts":[{"field":"creation_date","sort_order":"asc"},{"field":"order_no","sort_order":"asc"}]}`},
	} {
		doc, err := queryDocument(tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, _ := jsonBody(doc)
		if string(got) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
	for _, bad := range []sfcc.OrderQuery{{PageSize: 201}, {PageSize: -1}, {SortBy: "total"}} {
		if _, err := queryDocument(bad); !errors.Is(err, sfcc.ErrInvalidArgument) {
			t.Errorf("%+v: err = %v", bad, err)
		}
	}
}

func TestClient_SearchOrdersPagesUntilDone(t *testing.T) {
	f := setup(t)
	var starts []int
	f.mux.HandleFunc("POST /s/RefArch/dw/shop/v25_6/order_search", func(w http.ResponseWriter, r *http.Request) {
		body := readBody(t, r)
		start, _ := body["start"].(json.Number).Int64()
		count, _ := body["count"].(json.Number).Int64()
		starts = append(starts, int(start))
		const total = 7
		var hits []string
		for i := start; i < min(start+count, total); i++ {
			hits = append(hits, fmt.Sprintf(`{"data":{"order_no":"%05d"}}`, i+1))
		}
		next := ""
		if start+count < total {
			next = fmt.Sprintf(`,"next":{"start":%d,"count":%d}`, start+count, count)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"count":%d,"start":%d,"total":%d,"hits":[%s]%s}`, len(hits), start, total, strings.Join(hits, ","), next)
	})
	var got []string
	for o, err := range f.client.SearchOrders(context.Background(), sfcc.OrderQuery{PageSize: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, o.OrderNo)
	}
	if diff := cmp.Diff([]string{"00001", "00002", "00003", "00004", "00005", "00006", "00007"}, got); diff != "" {
		t.Errorf("orders (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{0, 3, 6}, starts); diff != "" {
		t.Errorf("page starts (-want +got):\n%s", diff)
	}
	// Stopping early fetches no further page.
	starts = nil
	for range f.client.SearchOrders(context.Background(), sfcc.OrderQuery{PageSize: 3}) {
		break
	}
	if len(starts) != 1 {
		t.Errorf("pages fetched after break = %d", len(starts))
	}
}

func TestClient_GetOrderUnknownIsNotFound(t *testing.T) {
	f := setup(t)
	f.mux.HandleFunc("GET /s/RefArch/dw/shop/v25_6/orders/{no}", func(w http.ResponseWriter, r *http.Request) {
		fault(w, http.StatusNotFound, "OrderNotFoundException", "No order", map[string]string{"orderNo": r.PathValue("no")})
	})
	_, err := f.client.GetOrder(context.Background(), "00099")
	var e *sfcc.Error
	if !errors.Is(err, sfcc.ErrNotFound) || !errors.As(err, &e) || e.Arguments["orderNo"] != "00099" || e.FaultType != "OrderNotFoundException" {
		t.Fatalf("err = %v", err)
	}
}

func TestClient_SearchOrdersUndecodableHitNamesItsOffsetAndOrderAndTheRestFollow(t *testing.T) {
	f := setup(t)
	f.mux.HandleFunc("POST /s/RefArch/dw/shop/v25_6/order_search", func(w http.ResponseWriter, r *http.Request) {
		start, _ := readBody(t, r)["start"].(json.Number).Int64()
		w.Header().Set("Content-Type", "application/json")
		if start == 0 {
			fmt.Fprint(w, `{"count":3,"start":0,"total":6,"hits":[{"data":{"order_no":"00001"}},{"data":{"order_no":"00002"}},{"data":{"order_no":"00003"}}]}`)
			return
		}
		fmt.Fprint(w, `{"count":3,"start":3,"total":6,"hits":[{"data":{"order_no":"00004"}},{"data":{"order_no":"00005","order_total":"x"}},{"data":{"order_no":"00006"}}]}`)
	})
	var got []string
	var errs []error
	for o, err := range f.client.SearchOrders(context.Background(), sfcc.OrderQuery{PageSize: 3}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, o.OrderNo)
	}
	if diff := cmp.Diff([]string{"00001", "00002", "00003", "00004", "00006"}, got); diff != "" {
		t.Errorf("orders around the bad hit (-want +got):\n%s", diff)
	}
	var je *sfcc.ShopJSONError
	var oe *sfcc.OrderError
	if len(errs) != 1 || !errors.As(errs[0], &je) || je.OrderNo != "00005" || !errors.As(errs[0], &oe) || oe.OrderNo != "00005" || !strings.Contains(errs[0].Error(), "hit 4") {
		t.Errorf("errors = %v, want one naming order 00005 at offset 4", errs)
	}
}

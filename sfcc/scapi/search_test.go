package scapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/scapi"
)

// The shipping statuses of a query reach getOrders as its shippingStatus
// filter: the WMS monitor's search for unshipped orders does not read the
// shipped ones.
func TestSearchOrders_FiltersByShippingStatus(t *testing.T) {
	e := setup(t)
	shipped := order("00001", 1, sfcc.ExportStatusExported)
	shipped.Status.Shipping = sfcc.ShippingStatusShipped
	part := order("00002", 2, sfcc.ExportStatusExported)
	part.Status.Shipping = sfcc.ShippingStatusPartShipped
	e.srv.AddOrders(shipped, part, order("00003", 3, sfcc.ExportStatusExported))
	var got []string
	q := sfcc.OrderQuery{ShippingStatuses: []sfcc.ShippingStatus{sfcc.ShippingStatusNotShipped, sfcc.ShippingStatusPartShipped}}
	for o, err := range e.client.SearchOrders(context.Background(), q) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, o.OrderNo)
	}
	if !slices.Equal(got, []string{"00002", "00003"}) {
		t.Errorf("orders %v, want the part-shipped and the unshipped one", got)
	}
	for _, r := range e.rec.requests() {
		if v, ok := r.Query["shippingStatus"]; ok && !slices.Equal(v, []string{"not_shipped,part_shipped"}) {
			t.Errorf("shippingStatus %q", v)
		}
	}
}

// A consumer that stops iterating stops the paging: no further page is
// asked for.
func TestSearchOrders_StopsPagingWhenTheConsumerStops(t *testing.T) {
	e := setup(t)
	for i := 1; i <= 9; i++ {
		e.srv.AddOrders(order(fmt.Sprintf("%05d", i), i, sfcc.ExportStatusReady))
	}
	n := 0
	for _, err := range e.client.SearchOrders(context.Background(), sfcc.OrderQuery{PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	pages := 0
	for _, r := range e.rec.requests() {
		if _, ok := r.Query["offset"]; ok {
			pages++
		}
	}
	if pages != 2 {
		t.Errorf("%d pages read for 3 orders of pages of 2", pages)
	}
}

// getOrders serves offset+limit ≤ 10000: the search pages up to that window
// with a last, shortened page, then ends with ErrSearchWindow instead of
// asking for a page SCAPI refuses.
func TestSearchOrders_EndsWithErrSearchWindowAtTenThousand(t *testing.T) {
	doc, err := sfcc.MarshalSCAPIOrder(order("00001", 1, sfcc.ExportStatusReady))
	if err != nil {
		t.Fatal(err)
	}
	var pages atomic.Int64
	var badWindow atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"tok","token_type":"Bearer","expires_in":1799}`)
	})
	mux.HandleFunc("GET /checkout/orders/v1/organizations/f_ecom_zzxy_prd/orders", func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if offset+limit > scapi.MaxSearchWindow {
			badWindow.Store(true)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		// Every order matches: pages are always full.
		data := make([]json.RawMessage, limit)
		for i := range data {
			data[i] = doc
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := scapi.NewClient(scapi.Config{BaseURL: srv.URL, TokenURL: srv.URL + "/token", OrganizationID: "f_ecom_zzxy_prd",
		SiteID: "RefArch", ClientID: "id", Secret: sfcc.StaticSecret("s"), HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	orders, last := 0, error(nil)
	for _, err := range c.SearchOrders(context.Background(), sfcc.OrderQuery{PageSize: 300 - 107}) {
		if err != nil {
			last = err
			continue
		}
		orders++
	}
	if orders != scapi.MaxSearchWindow || !errors.Is(last, scapi.ErrSearchWindow) || !errors.Is(last, sfcc.ErrInvalidArgument) {
		t.Errorf("%d orders, last error %v; want %d and ErrSearchWindow", orders, last, scapi.MaxSearchWindow)
	}
	if badWindow.Load() {
		t.Error("a page beyond offset+limit 10000 was asked for")
	}
	// 193 per page: 51 full pages, one of 157.
	if n := pages.Load(); n != 52 {
		t.Errorf("%d pages", n)
	}
}

// getOrders cannot sort by order number: "order_no" and "creation_date"
// both ask for creation date, oldest first; any other field is refused
// before a request is sent.
func TestSearchOrders_SortsByCreationDateOnly(t *testing.T) {
	e := setup(t)
	e.srv.AddOrders(order("00002", 1, sfcc.ExportStatusReady), order("00001", 2, sfcc.ExportStatusReady))
	for _, sortBy := range []string{"", "order_no", "creation_date"} {
		var got []string
		for o, err := range e.client.SearchOrders(context.Background(), sfcc.OrderQuery{SortBy: sortBy}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, o.OrderNo)
		}
		// 00002 was placed first.
		if !slices.Equal(got, []string{"00002", "00001"}) {
			t.Errorf("SortBy %q: %v, want creation order", sortBy, got)
		}
	}
	for _, r := range e.rec.requests() {
		if _, ok := r.Query["offset"]; ok && (!slices.Equal(r.Query["sortBy"], []string{"creation_date"}) || !slices.Equal(r.Query["sortOrder"], []string{"asc"})) {
			t.Errorf("query %v", r.Query)
		}
	}
	before := len(e.rec.requests())
	for _, err := range e.client.SearchOrders(context.Background(), sfcc.OrderQuery{SortBy: "last_modified_date"}) {
		if !errors.Is(err, sfcc.ErrInvalidArgument) {
			t.Errorf("SortBy last_modified_date: %v, want ErrInvalidArgument", err)
		}
	}
	if len(e.rec.requests()) != before {
		t.Error("a refused query was sent")
	}
}

package reconcileapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/reconcileapi"
)

var t0 = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

func setup(t testing.TB) (*http.ServeMux, reconcile.ExceptionStore) {
	t.Helper()
	store := &reconcile.MemoryExceptionStore{}
	xs := []reconcile.Exception{
		{Kind: reconcile.KindMappingMissing, Owner: reconcile.OwnerFinance, Key: "tax: country=NL rate_percent=21 tax_class=", Detail: "no tax row"},
		{Kind: reconcile.KindShipmentStuck, Owner: reconcile.OwnerOperations, Key: "00001007", Detail: "shipped 30h ago"},
		{Kind: reconcile.KindSFCCSyncFailure, Owner: reconcile.OwnerEcommerce, Key: "00001009", Detail: "SFCC answered 400"},
		{Kind: reconcile.KindPayoutDifference, Owner: reconcile.OwnerFinance, Key: "adyen/4101 %2F", Detail: "payout differs"},
	}
	if err := store.Record(context.Background(), t0, xs...); err != nil {
		t.Fatal(err)
	}
	hs, err := reconcileapi.New(reconcileapi.Config{Store: store, Now: func() time.Time { return t0.Add(time.Hour) },
		By: func(r *http.Request) string { return r.Header.Get("X-User") }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/exceptions", hs.List)
	mux.Handle("POST /v1/exceptions/{id}/resolve", hs.Resolve)
	return mux, store
}

func do(mux http.Handler, method, target, body string) (*httptest.ResponseRecorder, map[string]any) {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-User", "finance-lead")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, r)
	var m map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	return rec, m
}

func ids(m map[string]any) []string {
	var out []string
	xs, _ := m["exceptions"].([]any)
	for _, x := range xs {
		out = append(out, x.(map[string]any)["id"].(string))
	}
	return out
}

func TestList_FiltersAndPages(t *testing.T) {
	mux, _ := setup(t)
	_, m := do(mux, "GET", "/v1/exceptions?owner=finance", "")
	if got := ids(m); len(got) != 2 || !strings.HasPrefix(got[0], "mapping-missing:tax: country=NL") {
		t.Errorf("finance: %v", got)
	}
	var all []string
	next := ""
	for range 5 {
		target := "/v1/exceptions?limit=2&state=open"
		if next != "" {
			target += "&after=" + url.QueryEscape(next)
		}
		rec, m := do(mux, "GET", target, "")
		if rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
		all = append(all, ids(m)...)
		next, _ = m["next"].(string)
		if next == "" {
			break
		}
	}
	if len(all) != 4 {
		t.Errorf("paging gave %v, want the four exceptions once each", all)
	}
	for _, bad := range []string{"?state=closed", "?owner=marketing", "?limit=0", "?after=nocolon", "?ownr=finance"} {
		if rec, _ := do(mux, "GET", "/v1/exceptions"+bad, ""); rec.Code != 422 && rec.Code != 400 {
			t.Errorf("%s: %d, want a problem", bad, rec.Code)
		}
	}
}

func TestResolve_RecordsWhoWhenAndWhy(t *testing.T) {
	mux, store := setup(t)
	id := "shipment-stuck:00001007"
	rec, m := do(mux, "POST", "/v1/exceptions/"+url.PathEscape(id)+"/resolve", `{"note":"carrier scan was late; SFCC updated by hand"}`)
	if rec.Code != 200 || m["state"] != "resolved" || m["resolved_by"] != "finance-lead" || m["note"] != "carrier scan was late; SFCC updated by hand" {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
	got, err := store.Get(context.Background(), reconcile.ExceptionID{Kind: reconcile.KindShipmentStuck, Key: "00001007"})
	if err != nil || got.Open() || !got.ResolvedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("stored %+v %v", got, err)
	}
	_, m = do(mux, "GET", "/v1/exceptions?state=open", "")
	if len(ids(m)) != 3 {
		t.Errorf("open after resolving one: %v", ids(m))
	}
	// A payout key holds '/' (and here a literal "%2F"): escaped, it is one
	// path segment and comes back unchanged.
	if rec, m := do(mux, "POST", "/v1/exceptions/"+url.PathEscape("payout-difference:adyen/4101 %2F")+"/resolve", `{"note":"bank fee"}`); rec.Code != 200 || m["key"] != "adyen/4101 %2F" {
		t.Errorf("payout exception: %d %s", rec.Code, rec.Body.String())
	}
	// A mapping key holds ':' and spaces: the id still round-trips.
	mapping := "mapping-missing:tax: country=NL rate_percent=21 tax_class="
	if rec, _ := do(mux, "POST", "/v1/exceptions/"+url.PathEscape(mapping)+"/resolve", `{"note":"row added"}`); rec.Code != 200 {
		t.Errorf("mapping exception: %d %s", rec.Code, rec.Body.String())
	}
	for _, tc := range []struct {
		id, body string
		status   int
		field    string
	}{
		{"shipment-stuck:00009999", `{"note":"x"}`, 404, ""},
		{"shipment-stuck:00001009", `{"note":"  "}`, 422, "note"},
		{"nonsense", `{"note":"x"}`, 422, "id"},
		{"shipment-stuck:00001009", `{"note":"` + strings.Repeat("x", 5000) + `"}`, 422, "note"},
	} {
		rec, m := do(mux, "POST", "/v1/exceptions/"+url.PathEscape(tc.id)+"/resolve", tc.body)
		field, _ := m["field"].(string)
		if rec.Code != tc.status || field != tc.field {
			t.Errorf("%s: %d %s", tc.id, rec.Code, rec.Body.String())
		}
	}
}

func TestNew_NeedsAStore(t *testing.T) {
	_, err := reconcileapi.New(reconcileapi.Config{})
	var ce *reconcileapi.ConfigError
	if !errors.As(err, &ce) || ce.Field != "Store" {
		t.Errorf("%v", err)
	}
}

func ExampleNew() {
	store := &reconcile.MemoryExceptionStore{}
	_ = store.Record(context.Background(), t0, reconcile.Exception{Kind: reconcile.KindShipmentStuck,
		Owner: reconcile.OwnerOperations, Key: "00001007", Detail: "shipped 30h ago"})
	hs, _ := reconcileapi.New(reconcileapi.Config{Store: store})
	rec := httptest.NewRecorder()
	hs.List.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/exceptions?owner=operations&state=open", nil))
	var page reconcileapi.ListResponse
	_ = json.Unmarshal(rec.Body.Bytes(), &page)
	for _, x := range page.Exceptions {
		fmt.Println(x.ID, x.Owner, x.State, x.Detail)
	}
	// Output: shipment-stuck:00001007 operations open shipped 30h ago
}

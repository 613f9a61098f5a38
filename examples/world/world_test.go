package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erphttp"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/sfcc/sfcctest/ordergen"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmshttp"
)

var noWait = func(context.Context, time.Duration) error { return nil }

// clients are what an o2c host uses against the world.
type clients struct {
	srv  *httptest.Server
	sfcc *ocapi.Client
	erp  *erphttp.Client
	wms  *wmshttp.Client
}

func startWorld(t *testing.T, cfg Config) (*World, clients) {
	t.Helper()
	now := time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC)
	cfg.Now = func() time.Time { return now }
	w, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	srv := httptest.NewServer(w.Handler())
	t.Cleanup(srv.Close)
	sc, err := ocapi.NewClient(ocapi.Config{
		Host: srv.URL, Site: sfcctest.DefaultSite, ClientID: sfcctest.DefaultClientID,
		Secret: sfcc.StaticSecret(sfcctest.DefaultClientSecret), TokenURL: srv.URL + "/dwsso/oauth2/access_token",
		HTTPClient: srv.Client(), RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, MaxRetries: 8,
	})
	if err != nil {
		t.Fatal(err)
	}
	ec, err := erphttp.NewClient(erphttp.Config{BaseURL: srv.URL + "/erp", HTTPClient: srv.Client(), MaxRetries: 8, Sleep: noWait})
	if err != nil {
		t.Fatal(err)
	}
	wc, err := wmshttp.NewClient(wmshttp.Config{BaseURL: srv.URL + "/wms", HTTPClient: srv.Client(), MaxRetries: 8, Sleep: noWait})
	if err != nil {
		t.Fatal(err)
	}
	return w, clients{srv: srv, sfcc: sc, erp: ec, wms: wc}
}

func getSummary(t *testing.T, c clients) Summary {
	t.Helper()
	resp, err := c.srv.Client().Get(c.srv.URL + "/summary")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s Summary
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /summary: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// handDocument is the smallest valid sales order for o: one line carrying
// the order total, paid in full.
func handDocument(o sfcc.Order) erp.SalesOrder {
	t := o.Totals.OrderTotal.Amounts
	return erp.SalesOrder{
		ExternalRef: o.OrderNo, OrderDate: o.OrderDate, Currency: o.Currency, Taxation: o.Taxation,
		Items:    []erp.ItemLine{{Position: 1, SKU: "ORDER", Quantity: decimal.One, UnitPrice: t.Gross, Amounts: erp.Amounts{Net: t.Net, Tax: t.Tax, Gross: t.Gross}}},
		Payments: []erp.PaymentLine{{Kind: sfcc.PaymentKindCreditCard, Method: "CARD", Amount: t.Gross}},
		Totals:   erp.Amounts{Net: t.Net, Tax: t.Tax, Gross: t.Gross},
	}
}

func readyOrders(t *testing.T, c clients) []sfcc.Order {
	t.Helper()
	var out []sfcc.Order
	for o, err := range c.sfcc.SearchOrders(t.Context(), sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

// pumpAll applies every confirmation the WMS holds to SFCC through the
// sequencer, as o2c does.
func pumpAll(t *testing.T, c clients) int {
	t.Helper()
	seq, err := wms.NewSequencer(wms.SequencerConfig{Orders: c.sfcc})
	if err != nil {
		t.Fatal(err)
	}
	applied := 0
	for range 100 {
		res, err := wms.PumpConfirmations(t.Context(), c.wms, seq, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) == 0 {
			return applied
		}
		for _, r := range res {
			if r.Outcome != wms.OutcomeApplied {
				t.Fatalf("event %s of order %s: outcome %v, %v", r.EventID, r.OrderNo, r.Outcome, r.Err)
			}
			applied++
		}
	}
	t.Fatal("the WMS feed never drained")
	return 0
}

func TestWorld_HandExportIsShippedAndSummarised(t *testing.T) {
	w, c := startWorld(t, Config{Orders: 6, Seed: 3})
	ctx := t.Context()
	ready := readyOrders(t, c)
	if len(ready) != 6 {
		t.Fatalf("%d READY orders, want 6", len(ready))
	}
	if s := getSummary(t, c); s.OrdersReady != 6 || s.PendingLevels == 0 || s.Duplicates != 0 {
		t.Fatalf("fresh world: %+v", s)
	}

	// Export three orders by hand: customer, document, then EXPORTED.
	emails := map[string]bool{}
	sfccTotal, erpTotal := map[string]decimal.Decimal{}, map[string]decimal.Decimal{}
	for _, o := range ready[:3] {
		cust := customerOf(o)
		if _, err := c.erp.CreateCustomer(ctx, cust); err != nil && !errors.Is(err, erp.ErrDuplicateCustomer) {
			t.Fatal(err)
		}
		emails[normalisedEmail(cust.Email)] = true
		if _, err := c.erp.CreateSalesOrder(ctx, handDocument(o)); err != nil {
			t.Fatal(err)
		}
		if err := c.sfcc.SetExportStatus(ctx, o.OrderNo, sfcc.ExportStatusExported); err != nil {
			t.Fatal(err)
		}
		sfccTotal[o.Currency], _ = sfccTotal[o.Currency].Add(o.Totals.OrderTotal.Gross)
		erpTotal[o.Currency], _ = erpTotal[o.Currency].Add(o.Totals.OrderTotal.Gross)
	}
	// A fourth is EXPORTED in SFCC only: the ERP has no document, so the
	// warehouse must not ship it, and the totals must show the gap.
	lone := ready[3]
	if err := c.sfcc.SetExportStatus(ctx, lone.OrderNo, sfcc.ExportStatusExported); err != nil {
		t.Fatal(err)
	}
	sfccTotal[lone.Currency], _ = sfccTotal[lone.Currency].Add(lone.Totals.OrderTotal.Gross)
	if _, ok := erpTotal[lone.Currency]; !ok {
		erpTotal[lone.Currency] = decimal.Zero
	}

	if n, err := w.Ship(ctx); err != nil || n != 3 {
		t.Fatalf("Ship = %d, %v; want the 3 orders exported to both systems", n, err)
	}
	if n, err := w.Ship(ctx); err != nil || n != 0 {
		t.Fatalf("second Ship = %d, %v; an order leaves once", n, err)
	}
	wantPackages := 0
	for _, o := range ready[:3] {
		p, _ := w.packagesFor(o.OrderNo)
		full, _ := w.sfcc.Order(o.OrderNo) // a search hit carries no lines
		wantPackages += min(p, units(full))
	}
	applied := pumpAll(t, c)

	s := getSummary(t, c)
	if s.OrdersReady != 2 || s.OrdersExported != 4 || s.OrdersFailed != 0 {
		t.Errorf("orders ready/exported/failed = %d/%d/%d, want 2/4/0", s.OrdersReady, s.OrdersExported, s.OrdersFailed)
	}
	if s.ERPOrders != 3 || s.ERPCustomers != len(emails) {
		t.Errorf("ERP orders %d, customers %d; want 3 and %d", s.ERPOrders, s.ERPCustomers, len(emails))
	}
	if s.PackagesShipped != wantPackages || applied != wantPackages {
		t.Errorf("packages shipped %d, applied by the pump %d; want %d", s.PackagesShipped, applied, wantPackages)
	}
	if s.ShipmentsApplied != wantPackages || s.NotificationsSent != wantPackages || s.OrdersShipped != 3 {
		t.Errorf("tracking numbers on SFCC %d, notifications %d, orders SHIPPED %d; want %d, %d, 3",
			s.ShipmentsApplied, s.NotificationsSent, s.OrdersShipped, wantPackages, wantPackages)
	}
	if s.Duplicates != 0 || s.PendingConfirmations != 0 {
		t.Errorf("duplicates %d, pending confirmations %d; want 0, 0", s.Duplicates, s.PendingConfirmations)
	}
	if s.StockLevels <= 14 {
		t.Errorf("stock levels %d: shipping did not change stock", s.StockLevels)
	}
	if len(s.Totals) != len(sfccTotal) {
		t.Fatalf("totals %+v, want one per currency of %v", s.Totals, sfccTotal)
	}
	for _, tot := range s.Totals {
		want := CurrencyTotal{Currency: tot.Currency, SFCCTotal: sfccTotal[tot.Currency].Trim(2).String(), ERPTotal: erpTotal[tot.Currency].Trim(2).String()}
		want.Equal = want.SFCCTotal == want.ERPTotal
		if tot != want {
			t.Errorf("totals %+v, want %+v", tot, want)
		}
		if tot.Currency == lone.Currency && tot.Equal {
			t.Errorf("%s totals equal although order %s is missing from the ERP", tot.Currency, lone.OrderNo)
		}
	}
}

// units counts the whole units of an order, the most packages it can fill.
func units(o sfcc.Order) int {
	n := 0
	for _, l := range o.ProductLineItems {
		q, _, _ := l.Quantity.Value.Int64(0)
		n += int(q)
	}
	return n
}

func TestWorld_DuplicatesAreCounted(t *testing.T) {
	w, c := startWorld(t, Config{Orders: 2, Seed: 5})
	o := readyOrders(t, c)[0]
	email := customerOf(o).Email
	w.erp.Seed(erp.Customer{Email: email}, erp.Customer{Email: strings.ToUpper(email)})
	if err := c.sfcc.PatchOrderCustom(t.Context(), o.OrderNo, map[string]any{
		wms.DefaultNotifiedAttr: []string{"PKG-1", "PKG-1"}, wms.DefaultCountAttr: 3,
	}); err != nil {
		t.Fatal(err)
	}
	// One extra customer; one package listed twice, and a count of 3 for
	// the one package notified.
	if s := getSummary(t, c); s.Duplicates != 1+1+2 {
		t.Errorf("duplicates = %d, want 4", s.Duplicates)
	}
}

func TestWorld_FaultsAreTransientAndCounted(t *testing.T) {
	_, c := startWorld(t, Config{Orders: 10, Seed: 9, Faults: true})
	ctx := t.Context()
	ready := readyOrders(t, c)
	var wg sync.WaitGroup
	errs := make([]error, len(ready))
	for i, o := range ready {
		wg.Go(func() {
			if _, err := c.erp.CreateSalesOrder(ctx, handDocument(o)); err != nil {
				errs[i] = err
				return
			}
			errs[i] = c.sfcc.SetExportStatus(ctx, o.OrderNo, sfcc.ExportStatusExported)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("order %s: %v", ready[i].OrderNo, err)
		}
	}
	if _, err := c.erp.GetSalesOrder(ctx, "NO-SUCH-ORDER"); !errors.Is(err, erp.ErrNotFound) {
		t.Errorf("GetSalesOrder(unknown) = %v, want ErrNotFound through the faults", err)
	}
	s := getSummary(t, c)
	if s.ERPOrders != 10 || s.OrdersExported != 10 || s.Duplicates != 0 {
		t.Errorf("ERP orders %d, exported %d, duplicates %d; want 10, 10, 0", s.ERPOrders, s.OrdersExported, s.Duplicates)
	}
	if s.Faults.ERPOutages == 0 || s.Faults.ERPLost == 0 || s.Faults.SFCC == 0 {
		t.Errorf("faults %+v: every kind should have fired", s.Faults)
	}
	for _, tot := range s.Totals {
		if !tot.Equal {
			t.Errorf("totals differ: %+v", tot)
		}
	}
}

func TestWorld_ShipsUnderTheSameSeedTheSamePackages(t *testing.T) {
	// Shipping order does not change what an order's packages are.
	count := func(reverse bool) map[string]int {
		w, c := startWorld(t, Config{Orders: 5, Seed: 11})
		ready := readyOrders(t, c)
		if reverse {
			for i, j := 0, len(ready)-1; i < j; i, j = i+1, j-1 {
				ready[i], ready[j] = ready[j], ready[i]
			}
		}
		for _, o := range ready {
			if _, err := c.erp.CreateSalesOrder(t.Context(), handDocument(o)); err != nil {
				t.Fatal(err)
			}
			if err := c.sfcc.SetExportStatus(t.Context(), o.OrderNo, sfcc.ExportStatusExported); err != nil {
				t.Fatal(err)
			}
			if _, err := w.Ship(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		out := map[string]int{}
		cs, err := c.wms.Confirmations(t.Context(), 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, cf := range cs {
			out[cf.OrderNo+"/"+cf.TrackingNumber]++
		}
		return out
	}
	a, b := count(false), count(true)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("packages %v vs %v", a, b)
	}
	for k := range a {
		if b[k] != 1 {
			t.Errorf("package %s only in one run", k)
		}
	}
}

func TestConfig_Validate(t *testing.T) {
	for _, cfg := range []Config{{Orders: -1}, {ShipPerTick: -1}} {
		var ce *ConfigError
		if _, err := New(cfg); !errors.As(err, &ce) {
			t.Errorf("New(%+v) = %v, want a ConfigError", cfg, err)
		}
	}
}

func TestWorld_RunShipsOnEachTick(t *testing.T) {
	w, c := startWorld(t, Config{Orders: 3, Seed: 4})
	o := readyOrders(t, c)[0]
	if _, err := c.erp.CreateSalesOrder(t.Context(), handDocument(o)); err != nil {
		t.Fatal(err)
	}
	if err := c.sfcc.SetExportStatus(t.Context(), o.OrderNo, sfcc.ExportStatusExported); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	ticks := make(chan time.Time) // unbuffered: a send returns once Run took the tick
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx, ticks) }()
	ticks <- time.Time{}
	ticks <- time.Time{} // Run finished the first round before taking this one
	cancel()
	<-done
	if s := getSummary(t, c); s.PackagesShipped == 0 || s.PendingConfirmations != s.PackagesShipped {
		t.Errorf("after two ticks: %d packages shipped, %d pending; want the order's packages queued", s.PackagesShipped, s.PendingConfirmations)
	}
}

func TestWorld_StockFlowsFromTheWMSIntoSFCCInventoryLists(t *testing.T) {
	w, c := startWorld(t, Config{Orders: 2, Seed: 6})
	p, err := wms.NewPusher(wms.PusherConfig{Writer: c.sfcc, List: ukList, Lists: map[string]string{ukLocation: ukList, usLocation: usList},
		Now: func() time.Time { return time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if _, _, err := wms.PumpLevels(t.Context(), c.wms, p, 50); err != nil {
			t.Fatal(err)
		}
		if _, levels := w.feed.Pending(); levels == 0 {
			break
		}
	}
	s := getSummary(t, c)
	want := len(ordergen.UKSite().Catalog) + len(ordergen.USSite().Catalog)
	if s.PendingLevels != 0 || s.InventoryRecords != want {
		t.Errorf("pending levels %d, SFCC inventory records %d; want 0 and one per SKU and warehouse (%d)", s.PendingLevels, s.InventoryRecords, want)
	}
	rec, ok := w.sfcc.Inventory(ukList, ordergen.UKSite().Catalog[0].SKU)
	if !ok || rec.Allocation.Cmp(decimal.MustNew(DefaultOpeningStock, 0)) != 0 {
		t.Errorf("UK record of %s = %+v, want the opening stock %d", ordergen.UKSite().Catalog[0].SKU, rec, DefaultOpeningStock)
	}
}

// customerOf is the ERP customer record an export creates for o's shopper.
func customerOf(o sfcc.Order) erp.Customer {
	oc := erp.OrderCustomer(o)
	c := erp.Customer{Email: oc.Email, FirstName: oc.FirstName, LastName: oc.LastName, Phone: oc.Phone, Address: oc.Address}
	if oc.CustomerNo != "" && !oc.Guest {
		c.Registered, c.CustomerNo = true, oc.CustomerNo
	}
	return c
}

func TestWorld_LatencyDelaysTheSystemsButNotTheSummary(t *testing.T) {
	const d = 40 * time.Millisecond
	var served []string
	h := withLatency(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served = append(served, r.URL.Path) }), d)
	for _, tc := range []struct {
		path    string
		delayed bool
	}{{"/erp/v1/customers", true}, {"/summary", false}} {
		start := time.Now()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, tc.path, nil))
		// Only the lower bound is certain: a delayed answer cannot come sooner.
		if took := time.Since(start); tc.delayed && took < d {
			t.Errorf("%s answered after %s, want at least %s", tc.path, took, d)
		}
	}
	if len(served) != 2 {
		t.Errorf("served %q, want both requests served", served)
	}
	if err := (Config{ShipPerTick: 1, Latency: -time.Second}).Validate(); err == nil {
		t.Error("a negative Latency validated")
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/sfcc"
)

// finalState is what a day leaves behind in SFCC and the ERP, for comparing
// a day with faults against the same day without.
type finalState struct {
	Export      map[string]sfcc.ExportStatus
	Shipping    map[string]sfcc.ShippingStatus
	Tracking    map[string]string
	Allocations map[string]string
	ERPTotals   map[string]string
	Customers   int
	ERPOrders   int
	Journals    int
	Summary     daySummary
}

func runTestDay(t *testing.T, cfg dayConfig) (*day, finalState) {
	t.Helper()
	d, err := runDay(context.Background(), cfg)
	if d != nil && d.srv != nil {
		t.Cleanup(d.srv.Close)
	}
	if err != nil {
		t.Fatalf("day did not run: %v", err)
	}
	st := finalState{
		Export: map[string]sfcc.ExportStatus{}, Shipping: map[string]sfcc.ShippingStatus{},
		Tracking: map[string]string{}, Allocations: map[string]string{}, ERPTotals: map[string]string{},
		Summary: d.sum,
	}
	for _, o := range d.srv.Orders() {
		st.Export[o.OrderNo] = o.Status.Export
		st.Shipping[o.OrderNo] = o.Status.Shipping
		if a, ok := o.Custom.Get("trackingNumbers"); ok {
			vals := append([]string(nil), a.Values...)
			sort.Strings(vals)
			st.Tracking[o.OrderNo] = strings.Join(vals, ",")
		}
	}
	for _, list := range []string{ukList, usList} {
		for _, r := range d.srv.InventoryRecords(list) {
			st.Allocations[list+"/"+r.ProductID] = r.Allocation.String()
		}
	}
	for _, tot := range d.sum.Totals {
		st.ERPTotals[tot.Currency] = tot.ERPTotal
	}
	st.Customers, st.ERPOrders, st.Journals = d.erp.Counts()
	return d, st
}

func checkDay(t *testing.T, d *day, st finalState) {
	t.Helper()
	s := d.sum
	// Every READY order exported exactly once, or failed with a reason.
	for no, status := range st.Export {
		switch status {
		case sfcc.ExportStatusExported:
			if _, err := d.erp.GetSalesOrder(context.Background(), no); err != nil {
				t.Errorf("order %s EXPORTED in SFCC but not in the ERP: %v", no, err)
			}
		case sfcc.ExportStatusFailed:
			if d.failed[no] == "" {
				t.Errorf("order %s FAILED without a reason", no)
			}
		default:
			t.Errorf("order %s ended the day %s", no, status)
		}
	}
	if s.OrdersExported+s.OrdersFailed != len(st.Export) {
		t.Errorf("exported %d + failed %d != %d orders placed", s.OrdersExported, s.OrdersFailed, len(st.Export))
	}
	if st.ERPOrders != s.OrdersExported || st.Journals != s.OrdersExported {
		t.Errorf("ERP holds %d documents and %d journals for %d exported orders", st.ERPOrders, st.Journals, s.OrdersExported)
	}
	// ERP totals equal SFCC totals per currency, to the penny.
	if len(s.Totals) == 0 {
		t.Error("no totals")
	}
	for _, tot := range s.Totals {
		if decimal.MustParse(tot.SFCCTotal).Cmp(decimal.MustParse(tot.ERPTotal)) != 0 {
			t.Errorf("%s: SFCC %s, ERP %s", tot.Currency, tot.SFCCTotal, tot.ERPTotal)
		}
	}
	// One customer per distinct normalised email.
	emails := map[string]bool{}
	for _, o := range d.exported {
		e, err := dedupe.Normalize(o.Customer.Email)
		if err != nil {
			t.Fatalf("order %s: %v", o.OrderNo, err)
		}
		emails[e.Key()] = true
	}
	if st.Customers != len(emails) {
		t.Errorf("ERP has %d customers for %d distinct emails", st.Customers, len(emails))
	}
	// Shipments and notifications equal packages shipped.
	if s.ShipmentsApplied != s.PackagesShipped || s.NotificationsSent != s.PackagesShipped {
		t.Errorf("%d packages shipped, %d applied, %d notified", s.PackagesShipped, s.ShipmentsApplied, s.NotificationsSent)
	}
	for no, status := range st.Export {
		if status == sfcc.ExportStatusExported && st.Shipping[no] != sfcc.ShippingStatusShipped {
			t.Errorf("order %s exported and fully packed but %s in SFCC", no, st.Shipping[no])
		}
	}
	// The final allocation of every SKU is the final level less safety stock.
	final := map[string]int64{}
	level := map[string]decimal.Decimal{}
	for _, l := range d.levels {
		list := lists()[l.Location]
		k := list + "/" + l.SKU
		if l.Sequence > final[k] {
			final[k], level[k] = l.Sequence, l.Available
		}
	}
	safety := safetyStock()
	for k, avail := range level {
		sku := k[strings.IndexByte(k, '/')+1:]
		want, err := safety.Allocation(sku, avail, false)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := st.Allocations[k]
		if !ok {
			t.Errorf("%s never reached SFCC", k)
			continue
		}
		if decimal.MustParse(got).Cmp(want) != 0 {
			t.Errorf("%s: SFCC allocation %s, final level %s less safety stock = %s", k, got, avail, want)
		}
	}
	if s.SettlementMatched == 0 || s.SettlementOpen == 0 {
		t.Errorf("settlement matched %d, open %d: the day has both", s.SettlementMatched, s.SettlementOpen)
	}
	owners := map[string]bool{}
	for _, e := range s.Exceptions {
		if e.Owner == "" || e.Kind == "" || e.Detail == "" {
			t.Errorf("exception without owner, kind or detail: %+v", e)
		}
		owners[e.Owner] = true
	}
	if !owners["finance"] || !owners["operations"] {
		t.Errorf("the day's exceptions should reach finance (chargeback) and operations (picking error); owners: %v", owners)
	}
}

func TestDay_EndToEnd(t *testing.T) {
	d, st := runTestDay(t, dayConfig{Orders: 80, Seed: 11, Workers: 4})
	checkDay(t, d, st)
	if st.Summary.OrdersExported == 0 || st.Summary.CustomersMatched == 0 || st.Summary.CustomersCreated == 0 {
		t.Errorf("a generated day exports orders and both creates and matches customers: %+v", st.Summary)
	}
}

func TestDay_FaultsEndInTheSameState(t *testing.T) {
	_, clean := runTestDay(t, dayConfig{Orders: 80, Seed: 11, Workers: 4})
	d, faulty := runTestDay(t, dayConfig{Orders: 80, Seed: 11, Workers: 4, Faults: true})
	checkDay(t, d, faulty)
	for name, pair := range map[string][2]any{
		"export statuses":  {clean.Export, faulty.Export},
		"shipping":         {clean.Shipping, faulty.Shipping},
		"tracking numbers": {clean.Tracking, faulty.Tracking},
		"allocations":      {clean.Allocations, faulty.Allocations},
		"ERP totals":       {clean.ERPTotals, faulty.ERPTotals},
		"ERP counts":       {[3]int{clean.Customers, clean.ERPOrders, clean.Journals}, [3]int{faulty.Customers, faulty.ERPOrders, faulty.Journals}},
	} {
		a, _ := json.Marshal(pair[0])
		b, _ := json.Marshal(pair[1])
		if !bytes.Equal(a, b) {
			t.Errorf("%s differ with faults:\nclean:  %s\nfaults: %s", name, a, b)
		}
	}
	var retried int
	for _, r := range d.srv.Requests() {
		if r.Status >= 429 {
			retried++
		}
	}
	if retried == 0 {
		t.Error("the faulty day saw no fault answers: faults were not injected")
	}
}

func TestRun_JSONHasTheAgreedFields(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-n", "30", "-json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out.String())
	}
	for _, k := range []string{"orders_seen", "orders_exported", "orders_failed", "erp_orders_created",
		"customers_created", "customers_matched", "shipments_applied", "notifications_sent",
		"inventory_skus_pushed", "inventory_requests", "settlement_matched", "settlement_open", "exceptions", "totals"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
}

func TestRun_BadArguments(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-n", "0"}, &out, &errb); code != 2 {
		t.Errorf("-n 0: exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"-nope"}, &out, &errb); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"-orders", "/does/not/exist.xml"}, &out, &errb); code != 1 {
		t.Errorf("missing orders file: exit %d, want 1", code)
	}
}

// The Order XML fixtures hold three orders; the third pays partly with Bill
// Me Later, which the shipped tables deliberately do not map.
func TestDay_ExportFixturesFailOnlyTheUnmappedOrder(t *testing.T) {
	d, st := runTestDay(t, dayConfig{OrderFiles: []string{"../../sfcc/orderxml/testdata/orders.xml"}, Seed: 3, Workers: 2})
	if got := st.Export["00001003"]; got != sfcc.ExportStatusFailed {
		t.Fatalf("order 00001003 is %s, want FAILED", got)
	}
	if !strings.Contains(d.failed["00001003"], "payments") {
		t.Errorf("reason %q does not name the payments table", d.failed["00001003"])
	}
	for _, no := range []string{"00001001", "00001002"} {
		if st.Export[no] != sfcc.ExportStatusExported {
			t.Errorf("order %s is %s, want EXPORTED", no, st.Export[no])
		}
	}
	var found bool
	for _, e := range st.Summary.Exceptions {
		if e.OrderNo == "00001003" && e.Owner == "finance" && e.Kind == "mapping-missing" {
			found = true
		}
	}
	if !found {
		t.Errorf("no finance-owned mapping exception for 00001003: %+v", st.Summary.Exceptions)
	}
	for _, tot := range st.Summary.Totals {
		if !tot.Equal {
			t.Errorf("%s: SFCC %s, ERP %s", tot.Currency, tot.SFCCTotal, tot.ERPTotal)
		}
	}
	o, _ := d.srv.Order("00001003")
	if a, ok := o.Custom.Get("o2cExportError"); !ok || a.Value() == "" {
		t.Error("the FAILED order carries no reason in SFCC")
	}
}

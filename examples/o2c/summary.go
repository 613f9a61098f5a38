package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/internal/termsafe"
	"github.com/o2ckit/o2c/reconcile"
)

// daySummary is the day's figures, as printed and as written with -json.
type daySummary struct {
	OrdersSeen        int `json:"orders_seen"`
	OrdersExported    int `json:"orders_exported"`
	OrdersFailed      int `json:"orders_failed"`
	ERPOrdersCreated  int `json:"erp_orders_created"`
	ERPJournalsPosted int `json:"erp_journals_posted"`
	// CustomersCreated are customer records created in the ERP today;
	// CustomersMatched are exported orders whose customer already had one.
	CustomersCreated    int             `json:"customers_created"`
	CustomersMatched    int             `json:"customers_matched"`
	ERPCustomers        int             `json:"erp_customers"`
	PackagesShipped     int             `json:"packages_shipped"`
	ShipmentsApplied    int             `json:"shipments_applied"`
	NotificationsSent   int             `json:"notifications_sent"`
	StockChanges        int             `json:"stock_changes"`
	InventorySKUsPushed int             `json:"inventory_skus_pushed"`
	InventoryRequests   int             `json:"inventory_requests"`
	SettlementMatched   int             `json:"settlement_matched"`
	SettlementOpen      int             `json:"settlement_open"`
	Totals              []currencyTotal `json:"totals"`
	Exceptions          []exceptionJSON `json:"exceptions"`
	FailedOrders        []failedOrder   `json:"failed_orders"`
	// Incomplete lists the work the day could not do because a system
	// stayed unreachable; a day with any exits non-zero.
	Incomplete []string `json:"incomplete,omitempty"`
	Elapsed    string   `json:"elapsed,omitempty"`
	// SFCCRequests counts the SFCC API requests the day made (from the
	// simulator's request log, retries included, Account Manager token
	// requests apart in SFCCTokenRequests), SFCCRequestsByStep splits them
	// per step and SFCCRequestsPerOrder divides them by the orders placed.
	// All are zero against a real instance.
	SFCCRequests         int            `json:"sfcc_requests"`
	SFCCRequestsByStep   map[string]int `json:"sfcc_requests_by_step"`
	SFCCRequestsPerOrder float64        `json:"sfcc_requests_per_order"`
	SFCCTokenRequests    int            `json:"sfcc_token_requests"`
	// DaySeconds is the wall time of the day's steps; StepSeconds that of
	// each counted step.
	DaySeconds  float64            `json:"day_seconds"`
	StepSeconds map[string]float64 `json:"step_seconds,omitempty"`
	// With -sim-latency and -rate: the latency, the client's rate, the
	// floor that rate imposes (SFCC requests ÷ rate), the day's time over
	// that floor and what a day of 10,000 orders would take at this
	// rate, requests per order and ratio.
	SimLatency          string  `json:"sim_latency,omitempty"`
	RequestsPerSecond   int     `json:"requests_per_second,omitempty"`
	FloorSeconds        float64 `json:"floor_seconds,omitempty"`
	ElapsedVsFloor      float64 `json:"elapsed_vs_floor,omitempty"`
	ExtrapolatedSeconds float64 `json:"extrapolated_10000_orders_seconds,omitempty"`
}

// currencyTotal compares the exported orders' totals in SFCC and in the ERP.
type currencyTotal struct {
	Currency  string `json:"currency"`
	SFCCTotal string `json:"sfcc_order_total"`
	ERPTotal  string `json:"erp_document_total"`
	Equal     bool   `json:"equal"`
}

// exceptionJSON is one exception in the JSON summary.
type exceptionJSON struct {
	Kind    string `json:"kind"`
	Owner   string `json:"owner"`
	OrderNo string `json:"order_no,omitempty"`
	SKU     string `json:"sku,omitempty"`
	Key     string `json:"key"`
	Detail  string `json:"detail"`
}

// failedOrder is an order marked FAILED in SFCC, with the reason.
type failedOrder struct {
	OrderNo string `json:"order_no"`
	Reason  string `json:"reason"`
}

func (d *day) finishSummary(ctx context.Context) {
	s := &d.sum
	d.finishRequestCounts()
	exported := d.sortedExported()
	s.OrdersExported = len(exported)
	s.OrdersFailed = len(d.failed)
	for no, reason := range d.failed {
		s.FailedOrders = append(s.FailedOrders, failedOrder{OrderNo: no, Reason: reason})
	}
	sort.Slice(s.FailedOrders, func(i, j int) bool { return s.FailedOrders[i].OrderNo < s.FailedOrders[j].OrderNo })
	s.ERPCustomers, s.ERPOrdersCreated, s.ERPJournalsPosted = d.erp.Counts()
	// The ERP starts the day empty: every customer record in it was created
	// today, and every other exported order matched an existing record. A
	// resolve whose create succeeded but whose answer was lost (a fault)
	// matches on its retry, so counting resolve outcomes would undercount.
	s.CustomersCreated = s.ERPCustomers
	s.CustomersMatched = s.OrdersExported - s.CustomersCreated

	sfccT := sfccTotals(exported)
	erpT := map[string]string{}
	for cur := range sfccT {
		erpT[cur] = "0.00"
	}
	byCur := map[string][]erp.SalesOrder{}
	for _, o := range exported {
		so, err := d.erp.GetSalesOrder(ctx, o.OrderNo)
		if err != nil {
			d.note(fmt.Errorf("order %s: exported but not in the ERP: %w", o.OrderNo, err), o.OrderNo, "")
			continue
		}
		byCur[so.Currency] = append(byCur[so.Currency], so)
	}
	for cur, sos := range byCur {
		t := dec("0.00")
		for _, so := range sos {
			t = add(t, so.Totals.Gross)
		}
		erpT[cur] = t.String()
	}
	curs := make([]string, 0, len(sfccT))
	for c := range sfccT {
		curs = append(curs, c)
	}
	sort.Strings(curs)
	for _, c := range curs {
		e, _ := dec(erpT[c]), 0
		s.Totals = append(s.Totals, currencyTotal{Currency: c, SFCCTotal: sfccT[c].String(), ERPTotal: erpT[c], Equal: e.Cmp(sfccT[c]) == 0})
	}

	seen := map[string]bool{}
	for _, e := range d.exceptions {
		k := string(e.Kind) + "|" + e.Key + "|" + e.Detail
		if seen[k] {
			continue
		}
		seen[k] = true
		s.Exceptions = append(s.Exceptions, d.exceptionJSON(e))
	}
	sort.SliceStable(s.Exceptions, func(i, j int) bool {
		a, b := s.Exceptions[i], s.Exceptions[j]
		if a.Owner != b.Owner {
			return a.Owner < b.Owner
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Key < b.Key
	})
}

func (d *day) exceptionJSON(e notedException) exceptionJSON {
	out := exceptionJSON{Kind: string(e.Kind), Owner: string(e.Owner), Key: e.Key, Detail: e.Detail, OrderNo: e.orderNo, SKU: e.sku}
	switch {
	case out.OrderNo != "" || out.SKU != "":
	case e.Kind == reconcile.KindInventoryPushFailure:
		out.SKU = e.Key
	default:
		if _, ok := d.placed[e.Key]; ok {
			out.OrderNo = e.Key
		} else if _, ok := d.exported[e.Key]; ok {
			out.OrderNo = e.Key
		} else if _, ok := d.failed[e.Key]; ok {
			out.OrderNo = e.Key
		}
	}
	return out
}

// writeJSON writes the summary as one JSON object.
func (s *daySummary) writeJSON(w io.Writer) error {
	if s.Exceptions == nil {
		s.Exceptions = []exceptionJSON{}
	}
	if s.FailedOrders == nil {
		s.FailedOrders = []failedOrder{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// writeText writes the summary for a person.
func (s *daySummary) writeText(w io.Writer) {
	p := func(format string, args ...any) { termsafe.Fprintf(w, format+"\n", args...) }
	p("")
	p("o2c — the trading day")
	p("  orders        %d READY, %d exported, %d failed", s.OrdersSeen, s.OrdersExported, s.OrdersFailed)
	p("  ERP           %d sales orders, %d journals, %d customers (%d created, %d matched by email)",
		s.ERPOrdersCreated, s.ERPJournalsPosted, s.ERPCustomers, s.CustomersCreated, s.CustomersMatched)
	p("  fulfilment    %d packages, %d applied to SFCC, %d notifications", s.PackagesShipped, s.ShipmentsApplied, s.NotificationsSent)
	p("  stock         %d changes, %d SKUs pushed in %d requests", s.StockChanges, s.InventorySKUsPushed, s.InventoryRequests)
	p("  settlement    %d matched, %d open", s.SettlementMatched, s.SettlementOpen)
	p("  totals        (exported orders, SFCC vs ERP)")
	for _, t := range s.Totals {
		mark := "equal"
		if !t.Equal {
			mark = "DIFFERENT"
		}
		p("                %s  %14s  %14s  %s", t.Currency, t.SFCCTotal, t.ERPTotal, mark)
	}
	if len(s.FailedOrders) > 0 {
		p("  failed orders")
		for _, f := range s.FailedOrders {
			p("                %s  %s", f.OrderNo, f.Reason)
		}
	}
	p("  exceptions    %d", len(s.Exceptions))
	byOwner := map[string][]exceptionJSON{}
	for _, e := range s.Exceptions {
		byOwner[e.Owner] = append(byOwner[e.Owner], e)
	}
	owners := make([]string, 0, len(byOwner))
	for o := range byOwner {
		owners = append(owners, o)
	}
	sort.Strings(owners)
	for _, o := range owners {
		p("    %s (%d)", strings.ToUpper(o), len(byOwner[o]))
		for _, e := range byOwner[o] {
			p("      %-26s %-14s %s", e.Kind, e.Key, e.Detail)
		}
	}
	if len(s.Incomplete) > 0 {
		p("  INCOMPLETE    the day could not do everything:")
		for _, r := range s.Incomplete {
			p("                %s", r)
		}
	}
	if s.SFCCRequests > 0 {
		var parts []string
		for _, k := range stepNames(s.SFCCRequestsByStep) {
			parts = append(parts, fmt.Sprintf("%s %d", k, s.SFCCRequestsByStep[k]))
		}
		p("  SFCC requests %d (%.2f per order: %s), %d token requests", s.SFCCRequests, s.SFCCRequestsPerOrder,
			strings.Join(parts, ", "), s.SFCCTokenRequests)
	}
	if s.FloorSeconds > 0 {
		p("  speed         %d req/s, latency %s: floor %.1fs, day %.1fs (%.2f× the floor); 10,000 orders ≈ %.0f min",
			s.RequestsPerSecond, s.SimLatency, s.FloorSeconds, s.DaySeconds, s.ElapsedVsFloor, s.ExtrapolatedSeconds/60)
	}
	if s.Elapsed != "" {
		p("  elapsed       %s", s.Elapsed)
	}
}

// notedException is an exception with the order or SKU it concerns, when
// the step that met it knows.
type notedException struct {
	reconcile.Exception
	orderNo, sku string
}

// note classifies err into exceptions for their owners. Callers hold d.mu
// or run alone.
func (d *day) note(err error, orderNo, sku string) {
	for _, e := range d.classifier.Classify(err) {
		d.exceptions = append(d.exceptions, notedException{e, orderNo, sku})
	}
}

// unreachable records that a system could not be reached for a whole step:
// a system-unavailable exception for operations keyed on what could not be
// done, and a reason the day is incomplete.
func (d *day) unreachable(step, key string, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := reconcile.KindSystemUnavailable
	d.exceptions = append(d.exceptions, notedException{Exception: reconcile.Exception{
		Kind: k, Owner: k.Owner(), Key: key, Detail: err.Error(), FirstSeen: d.classifier.Now(),
	}})
	d.sum.Incomplete = append(d.sum.Incomplete, step+": "+err.Error())
}

// incomplete records work the day had to leave undone.
func (d *day) incomplete(step, reason string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sum.Incomplete = append(d.sum.Incomplete, step+": "+reason)
}

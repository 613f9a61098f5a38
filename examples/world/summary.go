package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/wms"
)

// Summary is what GET /summary answers: the state of every system, read
// from the systems themselves.
type Summary struct {
	Orders         int `json:"orders"`
	OrdersReady    int `json:"orders_ready"`
	OrdersExported int `json:"orders_exported"`
	OrdersFailed   int `json:"orders_failed"`
	ERPOrders      int `json:"erp_orders"`
	ERPCustomers   int `json:"erp_customers"`
	ERPJournals    int `json:"erp_journals"`
	// PackagesShipped are the confirmations the WMS emitted;
	// ShipmentsApplied the tracking numbers SFCC orders show.
	PackagesShipped   int `json:"packages_shipped"`
	ShipmentsApplied  int `json:"shipments_applied"`
	OrdersShipped     int `json:"orders_shipped"`
	NotificationsSent int `json:"notifications_sent"`
	// Duplicates counts ERP customers sharing an email ignoring case,
	// tracking numbers listed twice on an order, and shipment
	// notifications requested twice for one package. It must stay 0.
	Duplicates int `json:"duplicates"`
	// PendingConfirmations and PendingLevels are the WMS feed items not yet
	// acknowledged; StockLevels those emitted in total.
	PendingConfirmations int `json:"pending_confirmations"`
	PendingLevels        int `json:"pending_levels"`
	// PaymentsSettled are the card payments the provider has written into
	// settlement reports (POST /psp/settle).
	PaymentsSettled  int             `json:"payments_settled"`
	StockLevels      int             `json:"stock_levels"`
	InventoryRecords int             `json:"inventory_records"`
	Totals           []CurrencyTotal `json:"totals"`
	Faults           FaultCounts     `json:"faults"`
}

// CurrencyTotal compares, for one currency, the SFCC totals of the
// exported orders with the ERP's sales order totals.
type CurrencyTotal struct {
	Currency  string `json:"currency"`
	SFCCTotal string `json:"sfcc_total"`
	ERPTotal  string `json:"erp_total"`
	Equal     bool   `json:"equal"`
}

// FaultCounts are the injected failures so far.
type FaultCounts struct {
	SFCC       int `json:"sfcc"`
	ERPOutages int `json:"erp_outages"`
	ERPLost    int `json:"erp_lost_answers"`
	WMSOutages int `json:"wms_outages"`
}

// Summary reads the figures from the systems.
func (w *World) Summary(ctx context.Context) (Summary, error) {
	var s Summary
	s.ERPCustomers, s.ERPOrders, s.ERPJournals = w.erp.Counts()
	sfccT := map[string]decimal.Decimal{}
	erpT := map[string]decimal.Decimal{}
	var err error
	addTo := func(m map[string]decimal.Decimal, cur string, v decimal.Decimal) {
		if err != nil {
			return
		}
		var sum decimal.Decimal
		sum, err = m[cur].Add(v)
		m[cur] = sum
	}
	s.PaymentsSettled = w.paymentsSettled()
	orders := w.sfcc.Orders()
	s.Orders = len(orders)
	for _, o := range orders {
		switch o.Status.Export {
		case sfcc.ExportStatusReady:
			s.OrdersReady++
		case sfcc.ExportStatusExported:
			s.OrdersExported++
			addTo(sfccT, o.Currency, o.Totals.OrderTotal.Gross)
			if _, ok := erpT[o.Currency]; !ok {
				erpT[o.Currency] = decimal.Zero
			}
		case sfcc.ExportStatusFailed:
			s.OrdersFailed++
		}
		if so, gerr := w.erp.GetSalesOrder(ctx, o.OrderNo); gerr == nil {
			addTo(erpT, so.Currency, so.Totals.Gross)
			if _, ok := sfccT[so.Currency]; !ok {
				sfccT[so.Currency] = decimal.Zero
			}
		} else if ctx.Err() != nil {
			return Summary{}, ctx.Err()
		}
		tracking := values(o, wms.DefaultTrackingNumbersAttr)
		s.ShipmentsApplied += len(unique(tracking))
		s.Duplicates += len(tracking) - len(unique(tracking))
		notified := values(o, wms.DefaultNotifiedAttr)
		s.NotificationsSent += len(unique(notified))
		s.Duplicates += len(notified) - len(unique(notified))
		if c, ok := o.Custom.Get(wms.DefaultCountAttr); ok {
			if n, cerr := strconv.Atoi(c.Value()); cerr == nil && n > len(unique(notified)) {
				s.Duplicates += n - len(unique(notified))
			}
		}
		if o.Status.Shipping == sfcc.ShippingStatusShipped {
			s.OrdersShipped++
		}
	}
	if err != nil {
		return Summary{}, err
	}
	s.Duplicates += w.duplicateCustomers(ctx)
	for _, cur := range sortedKeys(sfccT) {
		a, b := sfccT[cur], erpT[cur]
		s.Totals = append(s.Totals, CurrencyTotal{Currency: cur, SFCCTotal: a.Trim(2).String(), ERPTotal: b.Trim(2).String(), Equal: a.Cmp(b) == 0})
	}
	if s.Totals == nil {
		s.Totals = []CurrencyTotal{}
	}
	w.mu.Lock()
	s.PackagesShipped = w.packages
	s.StockLevels = w.levels
	w.mu.Unlock()
	s.PendingConfirmations, s.PendingLevels = w.feed.Pending()
	s.InventoryRecords = len(w.sfcc.InventoryRecords(ukList)) + len(w.sfcc.InventoryRecords(usList))
	s.Faults.SFCC = w.sfcc.FaultsFired()
	s.Faults.ERPOutages, s.Faults.ERPLost = w.faults.erp.fired()
	s.Faults.WMSOutages, _ = w.faults.wms.fired()
	return s, nil
}

// duplicateCustomers counts ERP customer records beyond the first for any
// email of an SFCC order (ignoring case and surrounding space).
func (w *World) duplicateCustomers(ctx context.Context) int {
	seen := map[string]bool{}
	dups := 0
	for _, o := range w.sfcc.Orders() {
		email := erp.OrderCustomer(o).Email
		key := normalisedEmail(email)
		if email == "" || seen[key] {
			continue
		}
		seen[key] = true
		if found, err := w.erp.FindCustomersByEmail(ctx, email); err == nil && len(found) > 1 {
			dups += len(found) - 1
		}
	}
	return dups
}

func (w *World) serveSummary(rw http.ResponseWriter, r *http.Request) {
	s, err := w.Summary(r.Context())
	rw.Header().Set("Content-Type", "application/json")
	if err != nil {
		rw.WriteHeader(http.StatusServiceUnavailable)
		_ = json.NewEncoder(rw).Encode(map[string]any{"error": map[string]string{"code": "unavailable", "message": err.Error()}})
		return
	}
	enc := json.NewEncoder(rw)
	enc.SetIndent("", "  ")
	_ = enc.Encode(s)
}

func values(o sfcc.Order, attr string) []string {
	a, ok := o.Custom.Get(attr)
	if !ok {
		return nil
	}
	return a.Values
}

func unique(vs []string) map[string]bool {
	out := make(map[string]bool, len(vs))
	for _, v := range vs {
		out[v] = true
	}
	return out
}

// normalisedEmail is the key under which the ERP treats two emails as one.
func normalisedEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/sfcc"
)

// The simulated payment provider: the payments whose payments-table row
// names this PSP are expected in its report; others (PayPal, gift
// certificates) settle elsewhere.
const simulatedPSP = "adyen"

var adyenHeader = []string{
	"Company Account", "Merchant Account", "Psp Reference", "Merchant Reference", "Payment Method",
	"Creation Date", "TimeZone", "Type", "Modification Reference", "Gross Currency", "Gross Debit (GC)",
	"Gross Credit (GC)", "Exchange Rate", "Net Currency", "Net Debit (NC)", "Net Credit (NC)",
	"Commission (NC)", "Markup (NC)", "Scheme Fees (NC)", "Interchange (NC)", "Payment Method Variant",
	"Modification Merchant Reference", "Batch Number",
}

// settlementDay is what the simulated provider did with the day's payments.
type settlementDay struct {
	files    []reconcile.SettlementFile
	refunds  []reconcile.Refund
	expected []reconcile.Expected
}

// settle is step 5: the provider's settlement report of the day — fees on
// every capture, a refund, a chargeback with its penalty fee, a payment not
// yet settled, a payout per currency — is reconciled against the payments of
// the exported orders.
func (d *day) settle(ctx context.Context) error {
	sd := d.simulateProvider()
	rec, err := reconcile.New(reconcile.Config{
		Accounts: reconcile.TableAccounts{Tables: d.tables},
		Now:      func() time.Time { return d.date.Add(30 * time.Hour) },
		Logger:   d.log,
	})
	if err != nil {
		return err
	}
	expected := append([]reconcile.Expected(nil), sd.expected...)
	for _, r := range sd.refunds {
		expected = append(expected, r.Expected())
	}
	rep, err := rec.Run(ctx, reconcile.Input{Expected: expected, Files: sd.files})
	if err != nil {
		return err
	}
	d.report = rep
	d.sum.SettlementMatched = len(rep.Matched)
	d.sum.SettlementOpen = len(rep.Open) + len(rep.Missing)
	if d.cfg.ReportHTML != "" {
		var buf bytes.Buffer
		if err := rep.WriteHTML(&buf); err != nil {
			return err
		}
		if err := os.WriteFile(d.cfg.ReportHTML, buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	d.progress("      %d expected, %d matched, %d open, %d journals", len(expected), len(rep.Matched), d.sum.SettlementOpen, len(rep.Journals))
	return nil
}

// simulateProvider writes the provider's settlement details reports (one
// batch per currency) for the exported orders' card and wallet payments.
func (d *day) simulateProvider() settlementDay {
	var sd settlementDay
	byCur := map[string][]reconcile.Expected{}
	for _, o := range d.sortedExported() {
		adyen := map[string]bool{}
		for _, p := range o.Payments {
			row, err := d.tables.Payment(string(p.Kind), p.MethodName(), p.ProcessorID, o.OrderDate)
			if err == nil && row.PSP == simulatedPSP {
				adyen[p.TransactionID] = true
			}
		}
		for _, e := range reconcile.ExpectedFromOrder(o) {
			if adyen[e.PSPReference] {
				sd.expected = append(sd.expected, e)
				byCur[e.Currency] = append(byCur[e.Currency], e)
			}
		}
	}
	curs := make([]string, 0, len(byCur))
	for c := range byCur {
		curs = append(curs, c)
	}
	sort.Strings(curs)
	batch := 4100
	booked := d.date.Add(34 * time.Hour).Format("2006-01-02 15:04:05")
	for _, cur := range curs {
		es := byCur[cur]
		batch++
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write(adyenHeader)
		payout := decimal.MustParse("0.00")
		row := func(e reconcile.Expected, typ, mod string, grossDebit, grossCredit, netDebit, netCredit, commission decimal.Decimal) {
			blank := func(v decimal.Decimal) string {
				if v.IsZero() {
					return ""
				}
				return v.String()
			}
			_ = w.Write([]string{"ShopCo", "ShopCo" + cur, e.PSPReference, e.OrderNo, "visa", booked, "UTC", typ, mod,
				cur, blank(grossDebit), blank(grossCredit), "1", cur, blank(netDebit), blank(netCredit), blank(commission),
				"", "", "", "visacredit", "", fmt.Sprint(batch)})
			payout = add(sub(payout, netDebit), netCredit)
		}
		zero := decimal.MustParse("0.00")
		for i, e := range es {
			if i == len(es)-1 && len(es) > 3 {
				continue // captured late in the day: settles in tomorrow's batch
			}
			fee := add(mul(e.Amount, dec("0.012")).Round(2), dec("0.10"))
			row(e, "Settled", fmt.Sprintf("C%s%02d", e.PSPReference, e.Seq), zero, e.Amount, zero, sub(e.Amount, fee), fee)
			switch {
			case i == 1:
				// A customer returned part of the order; the host issued the refund.
				amt := dec("10.00")
				if e.Amount.Cmp(amt) < 0 {
					amt = e.Amount
				}
				sd.refunds = append(sd.refunds, reconcile.Refund{
					OrderNo: e.OrderNo, PSPReference: e.PSPReference, RefundID: "RMA-" + e.OrderNo,
					Amount: amt, Currency: cur, Date: d.date.Add(20 * time.Hour),
				})
				row(e, "Refunded", "R"+e.PSPReference, amt, zero, amt, zero, zero)
			case i == 2:
				// The cardholder disputed the payment: the amount comes back
				// with a penalty fee.
				penalty := dec("15.00")
				row(e, "Chargeback", "CB"+e.PSPReference, e.Amount, zero, add(e.Amount, penalty), zero, penalty)
			}
		}
		_ = w.Write([]string{"ShopCo", "ShopCo" + cur, "", "", "", booked, "UTC", "MerchantPayout", "PAYOUT-" + fmt.Sprint(batch),
			cur, "", "", "1", cur, payout.String(), "", "", "", "", "", "", "", fmt.Sprint(batch)})
		w.Flush()
		sd.files = append(sd.files, reconcile.SettlementFile{
			Name:   fmt.Sprintf("settlement_detail_report_batch_%d.csv", batch),
			Format: reconcile.Adyen{},
			Body:   bytes.NewReader(buf.Bytes()),
		})
	}
	return sd
}

// collectExceptions is step 6: the findings of the settlement join the
// exceptions of the other steps, each with its owner.
func (d *day) collectExceptions(_ context.Context) error {
	if d.report != nil {
		for _, e := range d.classifier.FromReport(d.report) {
			d.exceptions = append(d.exceptions, notedException{Exception: e})
		}
	}
	return nil
}

// sfccTotals are the exported orders' totals per currency, as SFCC has them.
func sfccTotals(orders []sfcc.Order) map[string]decimal.Decimal {
	out := map[string]decimal.Decimal{}
	for _, o := range orders {
		t, ok := out[o.Currency]
		if !ok {
			t = decimal.MustParse("0.00")
		}
		out[o.Currency] = add(t, o.Totals.OrderTotal.Gross)
	}
	return out
}

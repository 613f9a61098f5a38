package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/sfcc"
)

// The payment provider. Card and Apple Pay payments of the orders the ERP holds are
// settled by an Adyen-like provider: Settle (POST /psp/settle) writes its
// settlement details report — one capture line per payment, with a fee,
// and the payout — into Config.SettlementsDir/adyen, the folder o2cd's
// -settlements watches. A payment is settled once, whichever run finds it.

var adyenHeader = []string{
	"Company Account", "Merchant Account", "Psp Reference", "Merchant Reference", "Payment Method",
	"Creation Date", "TimeZone", "Type", "Modification Reference", "Gross Currency", "Gross Debit (GC)",
	"Gross Credit (GC)", "Exchange Rate", "Net Currency", "Net Debit (NC)", "Net Credit (NC)",
	"Commission (NC)", "Markup (NC)", "Scheme Fees (NC)", "Interchange (NC)", "Payment Method Variant",
	"Modification Merchant Reference", "Batch Number",
}

// adyenProcessor is the SFCC payment processor of the payments this
// provider settles: cards and Apple Pay (PayPal settles elsewhere).
const adyenProcessor = "ADYEN_CREDIT"

// errNoSettlementsDir is Settle's answer when the world has no folder.
var errNoSettlementsDir = errors.New("world: no settlements folder (start the world with -settlements DIR)")

// SettleResult is what one settlement run of the provider wrote.
type SettleResult struct {
	Files    []string `json:"files"`
	Payments int      `json:"payments"`
}

// Settle writes one settlement report per currency for the card and Apple
// Pay payments not settled yet of every order the ERP holds.
func (w *World) Settle(ctx context.Context) (SettleResult, error) {
	var res SettleResult
	if w.cfg.SettlementsDir == "" {
		return res, errNoSettlementsDir
	}
	w.settleMu.Lock()
	defer w.settleMu.Unlock()
	byCur := map[string][]reconcile.Expected{}
	for _, o := range w.sfcc.Orders() {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if o.Status.Export != sfcc.ExportStatusExported {
			continue
		}
		if _, err := w.erp.GetSalesOrder(ctx, o.OrderNo); err != nil {
			continue
		}
		cards := map[string]bool{}
		for _, p := range o.Payments {
			if p.ProcessorID == adyenProcessor {
				cards[p.TransactionID] = true
			}
		}
		for _, e := range reconcile.ExpectedFromOrder(o) {
			if cards[e.PSPReference] && !w.settled[e.Key()] {
				byCur[e.Currency] = append(byCur[e.Currency], e)
			}
		}
	}
	curs := make([]string, 0, len(byCur))
	for c := range byCur {
		curs = append(curs, c)
	}
	sort.Strings(curs)
	dir := filepath.Join(w.cfg.SettlementsDir, "adyen")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	booked := w.cfg.Now().UTC().Format("2006-01-02 15:04:05")
	for _, cur := range curs {
		es := byCur[cur]
		sort.Slice(es, func(i, j int) bool { return es[i].Key() < es[j].Key() })
		w.batch++
		batch := fmt.Sprint(5000 + w.batch)
		var buf bytes.Buffer
		cw := csv.NewWriter(&buf)
		_ = cw.Write(adyenHeader)
		payout := decimal.Zero
		for _, e := range es {
			fee, net, err := adyenFee(e.Amount)
			if err != nil {
				return res, fmt.Errorf("world: order %s payment %s: %w", e.OrderNo, e.PSPReference, err)
			}
			if payout, err = payout.Add(net); err != nil {
				return res, err
			}
			_ = cw.Write([]string{"ShopCo", "ShopCo" + cur, e.PSPReference, e.OrderNo, "visa", booked, "UTC", "Settled",
				fmt.Sprintf("C%s%02d", e.PSPReference, e.Seq), cur, "", e.Amount.String(), "1", cur, "", net.String(), fee.String(),
				"", "", "", "visacredit", "", batch})
		}
		_ = cw.Write([]string{"ShopCo", "ShopCo" + cur, "", "", "", booked, "UTC", "MerchantPayout", "PAYOUT-" + batch,
			cur, "", "", "1", cur, payout.String(), "", "", "", "", "", "", "", batch})
		cw.Flush()
		// Written under a temporary name and renamed, so o2cd never reads
		// half a file.
		name := filepath.Join(dir, "settlement_detail_report_batch_"+batch+".csv")
		tmp := filepath.Join(dir, ".tmp-"+batch)
		if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
			return res, err
		}
		if err := os.Rename(tmp, name); err != nil {
			return res, err
		}
		for _, e := range es {
			w.settled[e.Key()] = true
		}
		res.Files = append(res.Files, name)
		res.Payments += len(es)
	}
	return res, nil
}

// adyenFee is the provider's fee on a capture, 1.2 % plus 0.10, and what it
// pays out net.
func adyenFee(amount decimal.Decimal) (fee, net decimal.Decimal, err error) {
	pct, err := amount.Mul(decimal.MustParse("0.012"))
	if err != nil {
		return fee, net, err
	}
	if fee, err = pct.Round(2).Add(decimal.MustParse("0.10")); err != nil {
		return fee, net, err
	}
	net, err = amount.Sub(fee)
	return fee, net, err
}

// paymentsSettled is how many payments the provider has settled.
func (w *World) paymentsSettled() int {
	w.settleMu.Lock()
	defer w.settleMu.Unlock()
	return len(w.settled)
}

func (w *World) serveSettle(rw http.ResponseWriter, r *http.Request) {
	res, err := w.Settle(r.Context())
	switch {
	case errors.Is(err, errNoSettlementsDir):
		http.Error(rw, err.Error(), http.StatusConflict)
		return
	case err != nil:
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(rw).Encode(res)
}

package main

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
)

// exportOne is the export of one order as a host does it over the world's
// HTTP APIs: read it, translate with the example tables, resolve the
// customer, create the document and journal, mark it EXPORTED (or FAILED
// when it cannot be translated).
func exportOne(ctx context.Context, c clients, tr *erp.Translator, res *dedupe.Resolver, orderNo string) error {
	o, err := c.sfcc.GetOrder(ctx, orderNo)
	if err != nil {
		return err
	}
	so, err := tr.Translate(o)
	if err != nil {
		return c.sfcc.SetExportStatus(ctx, orderNo, sfcc.ExportStatusFailed)
	}
	r, err := res.Resolve(ctx, erp.OrderCustomer(o))
	if err != nil {
		return err
	}
	so.Customer.ID = r.CustomerID
	created, err := c.erp.CreateSalesOrder(ctx, so)
	if err != nil {
		return err
	}
	j, err := erp.OrderJournal(created)
	if err != nil {
		return err
	}
	if _, err := c.erp.PostJournal(ctx, j); err != nil {
		return err
	}
	return c.sfcc.SetExportStatus(ctx, orderNo, sfcc.ExportStatusExported)
}

// TestWorld_TranslatedExportThroughFaultsBalances exports every generated
// order through the world's APIs with faults on, four at a time, with the
// tables examples/o2c ships: every order ends EXPORTED or FAILED once, the
// ERP totals equal SFCC's per currency, every package is applied and
// notified once, and nothing is created twice.
func TestWorld_TranslatedExportThroughFaultsBalances(t *testing.T) {
	w, c := startWorld(t, Config{Orders: 40, Seed: 21, Faults: true})
	ctx := t.Context()
	tables, err := mapping.Load(os.DirFS("../o2c/tables"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := erp.NewTranslator(erp.TranslatorConfig{Tables: tables, RoundingTolerance: decimal.MustParse("0.02")})
	if err != nil {
		t.Fatal(err)
	}
	res, err := dedupe.NewResolver(dedupe.Config{Directory: c.erp})
	if err != nil {
		t.Fatal(err)
	}
	ready := readyOrders(t, c)
	jobs := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for range 4 {
		wg.Go(func() {
			for no := range jobs {
				if err := exportOne(ctx, c, tr, res, no); err != nil {
					mu.Lock()
					errs = append(errs, errors.New(no+": "+err.Error()))
					mu.Unlock()
				}
			}
		})
	}
	for _, o := range ready {
		jobs <- o.OrderNo
	}
	close(jobs)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("exports failed through transient faults (the clients own the retries): %v", errs)
	}
	for {
		n, err := w.Ship(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	applied := pumpAll(t, c)

	s := getSummary(t, c)
	if s.OrdersReady != 0 || s.OrdersExported+s.OrdersFailed != 40 || s.OrdersExported == 0 {
		t.Errorf("ready %d, exported %d, failed %d; want 0 and 40 in all", s.OrdersReady, s.OrdersExported, s.OrdersFailed)
	}
	if s.ERPOrders != s.OrdersExported || s.ERPJournals != s.OrdersExported {
		t.Errorf("ERP orders %d, journals %d; want one each per exported order (%d)", s.ERPOrders, s.ERPJournals, s.OrdersExported)
	}
	if s.OrdersShipped != s.OrdersExported || s.PackagesShipped != applied ||
		s.ShipmentsApplied != s.PackagesShipped || s.NotificationsSent != s.PackagesShipped {
		t.Errorf("shipped orders %d (exported %d), packages %d, applied %d, tracking numbers %d, notifications %d",
			s.OrdersShipped, s.OrdersExported, s.PackagesShipped, applied, s.ShipmentsApplied, s.NotificationsSent)
	}
	if s.Duplicates != 0 {
		t.Errorf("duplicates = %d, want 0", s.Duplicates)
	}
	if len(s.Totals) != 2 {
		t.Errorf("totals %+v, want GBP and USD", s.Totals)
	}
	for _, tot := range s.Totals {
		if !tot.Equal {
			t.Errorf("%s: SFCC %s, ERP %s", tot.Currency, tot.SFCCTotal, tot.ERPTotal)
		}
	}
	if s.Faults.SFCC == 0 || s.Faults.ERPOutages == 0 || s.Faults.ERPLost == 0 || s.Faults.WMSOutages == 0 {
		t.Errorf("faults %+v: every kind should have fired", s.Faults)
	}
}

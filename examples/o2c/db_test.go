package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erpsql"
	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
	"github.com/o2ckit/o2c/sfcc"
)

// A day with -db ends as the same day in memory, and its database answers
// "where did order X go" for every order afterwards.
func TestDay_WithDBEndsAsTheDayInMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three trading days")
	}
	_, want := runTestDay(t, dayConfig{Orders: 40, Seed: 7})
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		dsn := b.DSN(t)
		d, got := runTestDay(t, dayConfig{Orders: 40, Seed: 7, DB: dsn})
		d.stores.Close()
		checkDay(t, d, got)
		// What SFCC and the ERP hold, and the day's counts; not its timings.
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(finalState{}, "Summary")); diff != "" {
			t.Errorf("the day with -db differs from the day in memory (-memory +db):\n%s", diff)
		}
		counts := func(s daySummary) []int {
			return []int{s.OrdersExported, s.OrdersFailed, s.ERPOrdersCreated, s.ERPJournalsPosted, s.CustomersCreated,
				s.CustomersMatched, s.PackagesShipped, s.ShipmentsApplied, s.NotificationsSent, s.InventorySKUsPushed,
				s.SettlementMatched, s.SettlementOpen, len(s.Exceptions)}
		}
		if diff := cmp.Diff(counts(want.Summary), counts(got.Summary)); diff != "" {
			t.Errorf("the day's counts with -db differ (-memory +db):\n%s", diff)
		}
		db := sqlstoretest.Open(t, dsn)
		// The Sequencer and the Pusher kept their state in the database too.
		for _, table := range []string{"wms_events", "wms_levels", "wms_pushed"} {
			var n int
			if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n == 0 {
				t.Errorf("%s holds %d rows (%v); want the day's", table, n, err)
			}
		}
		ledger := erpsql.NewExportLedger(db)
		for no, status := range got.Export {
			rec, ok, err := ledger.ExportRecord(context.Background(), no)
			if err != nil || !ok {
				t.Fatalf("order %s: no ledger record in the database (%v)", no, err)
			}
			wantState := erp.ExportStateExported
			if status == sfcc.ExportStatusFailed {
				wantState = erp.ExportStateFailed
			}
			if rec.State != wantState {
				t.Errorf("order %s is %s in SFCC, %s in the ledger", no, status, rec.State)
			}
		}
	})
}

func TestRun_BadDBIsAnError(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-n", "1", "-db", "mysql://nope"}, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "-db: sqlstore: data source") {
		t.Fatalf("exit code %d, stderr %q; want 1 and the -db error", code, errOut.String())
	}
}

package erpjournal_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/erpjournal"
)

func payoutJournal() reconcile.Journal {
	d := decimal.MustParse
	return reconcile.Journal{ID: "adyen/101/EUR/payout", Date: time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC),
		Currency: "EUR", Provider: "adyen", PayoutID: "101",
		Lines: []reconcile.JournalLine{
			{Account: "1200", Debit: d("352.26"), Credit: decimal.Zero, Memo: "bank"},
			{Account: "1360", Debit: decimal.Zero, Credit: d("352.26"), Memo: "clearing"},
		}}
}

func TestEntry_PostsToTheERPLedgerOnce(t *testing.T) {
	j := payoutJournal()
	e := erpjournal.Entry(j)
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if e.Reference != "settlement:adyen/101/EUR/payout" || e.Memo != "adyen payout 101" || len(e.Lines) != 2 {
		t.Fatalf("entry %+v", e)
	}
	ledger := erptest.New()
	ctx := context.Background()
	for range 2 { // a re-run posts the same journal again
		if _, err := ledger.PostJournal(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, journals := ledger.Counts(); journals != 1 {
		t.Errorf("ledger holds %d journals, want 1", journals)
	}
	got, err := ledger.GetJournal(ctx, "settlement:adyen/101/EUR/payout")
	if err != nil {
		t.Fatal(err)
	}
	if d, c, _ := got.Totals(); d.String() != "352.26" || c.String() != "352.26" {
		t.Errorf("totals %s / %s", d, c)
	}
}

func ExampleEntry() {
	e := erpjournal.Entry(payoutJournal())
	fmt.Println(e.Reference, e.Currency, e.Memo)
	for _, l := range e.Lines {
		fmt.Println(l.Account, l.Debit, l.Credit)
	}
	// Output:
	// settlement:adyen/101/EUR/payout EUR adyen payout 101
	// 1200 352.26 0
	// 1360 0 352.26
}

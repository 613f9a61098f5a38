package reconcile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hugePayPal is a PayPal STL file of n captures of units minor units of
// currency each, under one report day.
func hugePayPal(n int, units, currency string) string {
	var b strings.Builder
	b.WriteString(`"SH","2026/11/02 00:00:00 -0800","2026/11/02 23:59:59 -0800","M",""` + "\n")
	b.WriteString(`"CH","Transaction ID","Invoice ID","Transaction Event Code","Transaction Completion Date","Transaction Debit or Credit","Gross Transaction Amount","Gross Transaction Currency"` + "\n")
	for i := range n {
		fmt.Fprintf(&b, `"SB","T%06d","%06d","T0006","2026/11/02 08:00:00 -0800","CR","%s","%s"`+"\n", i, i, units, currency)
	}
	return b.String()
}

func TestRun_HugeMinorUnitAmountsAreRowErrorsNotAPanic(t *testing.T) {
	r, err := New(Config{Now: func() time.Time { return day2026(time.November, 6) }})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.Run(context.Background(), Input{Files: []SettlementFile{
		{Name: "STL-huge.CSV", Format: PayPal{}, Body: strings.NewReader(hugePayPal(12000, "999999999999999", "JPY"))},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.ReadErrors) < 12000 {
		t.Fatalf("read errors = %d, want every one of the 12000 rows reported", len(rep.ReadErrors))
	}
	if !strings.Contains(rep.ReadErrors[0].Message, "STL-huge.CSV line 3") {
		t.Errorf("first read error %q does not name file and line", rep.ReadErrors[0].Message)
	}
}

func TestFromMinorUnits_KeepsTheAmountBound(t *testing.T) {
	for _, units := range []string{"999999999999999", "100000000000000"} {
		if _, err := FromMinorUnits(units, "JPY"); !errors.Is(err, ErrMalformedAmount) {
			t.Errorf("FromMinorUnits(%s, JPY) error = %v, want ErrMalformedAmount (beyond MaxAmount)", units, err)
		}
	}
	if got, err := FromMinorUnits("99999999999999", "USD"); err != nil || got.String() != "999999999999.99" {
		t.Errorf("FromMinorUnits(99999999999999, USD) = %v, %v; want 999999999999.99", got, err)
	}
}

func TestFileStore_LoadRejectsAmountsBeyondTheBound(t *testing.T) {
	dir := t.TempDir()
	state := `{"Open":[{"Expected":{"OrderNo":"1","Kind":"payment","Currency":"EUR","Amount":"9999999999999999999","PSPReference":"p"},"Settled":"-9999999999999999999","FirstSeen":"2026-11-01T00:00:00Z"}]}`
	if err := os.WriteFile(filepath.Join(dir, "state.json"), []byte(state), 0o644); err != nil {
		t.Fatal(err)
	}
	store := &FileStore{Dir: dir}
	r, err := New(Config{Store: store, Now: func() time.Time { return day2026(time.November, 6) }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Run(context.Background(), Input{})
	var se *StoreError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "state.json") || !strings.Contains(err.Error(), "order 1") {
		t.Fatalf("Run over a state with a 19-digit amount: error %v, want a *StoreError naming state.json and order 1", err)
	}
}

func TestRun_LinesBeyondTheRunBudgetAreReportedAndNotSummed(t *testing.T) {
	old := maxRunMagnitude
	maxRunMagnitude = d("100000")
	t.Cleanup(func() { maxRunMagnitude = old })
	r, err := New(Config{Now: func() time.Time { return day2026(time.November, 6) }})
	if err != nil {
		t.Fatal(err)
	}
	// Each row is 20,000.00 gross and net: the budget holds two rows.
	rep, err := r.Run(context.Background(), Input{Files: []SettlementFile{
		{Name: "STL-big.CSV", Format: PayPal{}, Body: strings.NewReader(hugePayPal(5, "2000000", "USD"))},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.ReadErrors) != 3 || rep.ReadErrors[0].Line != 5 || !strings.Contains(rep.ReadErrors[0].Message, "not counted") {
		t.Fatalf("read errors = %+v, want lines 5, 6, 7 reported as not counted", rep.ReadErrors)
	}
	if len(rep.Payouts) != 1 || rep.Payouts[0].Gross.String() != "40000.00" {
		t.Fatalf("payouts = %+v, want one payout of the two rows that fit (40000.00)", rep.Payouts)
	}
}

package reconcile

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/mapping"
)

func fixtureAccounts(t testing.TB) TableAccounts {
	t.Helper()
	f, err := os.Open("testdata/accounts.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tables, err := mapping.Read(mapping.Input{Table: mapping.Accounts, Name: "accounts.csv", Format: mapping.CSV, R: f})
	if err != nil {
		t.Fatal(err)
	}
	return TableAccounts{Tables: tables}
}

func journalLines(j Journal) []string {
	out := []string{j.ID + " " + j.Date.Format(time.DateOnly)}
	for _, l := range j.Lines {
		out = append(out, fmt.Sprintf("  %s dr=%s cr=%s %s", l.Account, l.Debit, l.Credit, l.Memo))
	}
	return out
}

func TestJournals_FeesAndPayoutsAreBalancedWithMappedAccounts(t *testing.T) {
	rep := fixtureRun(t)
	if len(rep.JournalErrors) != 0 {
		t.Fatalf("journal errors: %v", rep.JournalErrors)
	}
	var got []string
	for _, j := range rep.Journals {
		if !j.Balanced() {
			dr, cr := j.Totals()
			t.Errorf("journal %s unbalanced: debit %s credit %s", j.ID, dr, cr)
		}
		if j.Provider == "adyen" && j.PayoutID == "101" {
			got = append(got, journalLines(j)...)
		}
	}
	want := []string{
		"adyen/101/EUR/fees 2026-11-03",
		"  6820 dr=25.00 cr=0 adyen account_fee",
		"  6810 dr=18.40 cr=0 adyen commission",
		"  6811 dr=0.22 cr=0 adyen interchange",
		"  6813 dr=0.10 cr=0 adyen markup",
		"  6812 dr=0.02 cr=0 adyen scheme_fees",
		"  1210 dr=0 cr=43.74 adyen fees of payout 101",
		"adyen/101/EUR/payout 2026-11-03",
		"  1010 dr=352.26 cr=0 adyen payout 101",
		"  1210 dr=0 cr=352.26 adyen payout 101",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("adyen batch 101 journals (-want +got):\n%s", diff)
	}
	// Stripe's dispute fee nets to zero (charged and returned): no line for it.
	for _, j := range rep.Journals {
		for _, l := range j.Lines {
			if l.Account == "6840" {
				t.Errorf("zero fee component booked: %+v", l)
			}
		}
	}
	if n := len(rep.Journals); n != 11 {
		t.Errorf("%d journals, want 11 (fees and payout for 5 paid payouts, fees only for the unpaid JPY balance)", n)
	}
}

func TestJournals_MissingAccountIsAMappingExceptionForFinance(t *testing.T) {
	in := "name,account\npsp_clearing,1290\n"
	tables, err := mapping.Read(mapping.Input{Table: mapping.Accounts, Name: "accounts.csv", Format: mapping.CSV, R: strings.NewReader(in)})
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: day2026(time.November, 6)}
	r, _ := New(Config{Now: c.Now, Accounts: TableAccounts{Tables: tables}})
	rep := run(t, r, Input{Files: files(t, allFixtureFiles[0])})
	if len(rep.Journals) != 0 || len(rep.JournalErrors) != 2 {
		t.Fatalf("journals %d errors %v, want none built, one error for fees and one for the payout", len(rep.Journals), rep.JournalErrors)
	}
	var miss *mapping.MissingError
	if !errors.As(&rep.JournalErrors[0], &miss) {
		t.Fatalf("journal error %v does not wrap *mapping.MissingError", &rep.JournalErrors[0])
	}
	var keys []string
	for _, x := range rep.Exceptions {
		if x.Kind == KindMappingMissing {
			if x.Owner != OwnerFinance {
				t.Errorf("mapping exception owned by %s", x.Owner)
			}
			keys = append(keys, x.Key)
		}
	}
	want := []string{"accounts: name=bank", "accounts: name=psp_fees"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("mapping exceptions (-want +got):\n%s", diff)
	}
}

package reconcile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
)

// fuzzFormat feeds arbitrary bytes to a reader: it must never panic, every
// error must be a *LineError or *FileError naming the file, and every line
// it yields must keep the net = gross in net currency − fees identity. The
// lines and errors are printed as they come and again once the file is
// read: a reader that reuses its buffers must not leave a line or error
// pointing into one.
func fuzzFormat(f *testing.F, format Format, seeds ...string) {
	for _, s := range seeds {
		b, err := os.ReadFile("testdata/" + s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		type seen struct {
			l       SettlementLine
			err     error
			printed string
		}
		var kept []seen
		print := func(l SettlementLine, err error) string { return fmt.Sprintf("%+v %v", l, err) }
		for l, err := range format.Read(context.Background(), bytes.NewReader(data), "fuzz.csv") {
			kept = append(kept, seen{l, err, print(l, err)})
			if err != nil {
				var le *LineError
				var fe *FileError
				if !errors.As(err, &le) && !errors.As(err, &fe) {
					t.Fatalf("untyped error %v", err)
				}
				continue
			}
			if l.Source.File != "fuzz.csv" || l.Source.Line < 1 {
				t.Fatalf("line without its position: %+v", l.Source)
			}
			if got := mustSub(l.GrossInNetCurrency(), l.FeeTotal()); got.Cmp(l.Net) != 0 {
				t.Fatalf("net %s != gross in net %s - fees %s", l.Net, l.GrossInNetCurrency(), l.FeeTotal())
			}
		}
		for i, k := range kept {
			if now := print(k.l, k.err); now != k.printed {
				t.Fatalf("line or error %d changed after it was read: %s, then %s", i, k.printed, now)
			}
		}
	})
}

func FuzzAdyen(f *testing.F) {
	fuzzFormat(f, Adyen{}, "settlement_detail_report_batch_101.csv", "settlement_detail_report_batch_102.csv", "adyen_bad_rows.csv")
}

func FuzzStripe(f *testing.F) {
	fuzzFormat(f, Stripe{}, "payout_reconciliation_itemized_po_1.csv", "stripe_bad_rows.csv")
}

func FuzzPayPal(f *testing.F) {
	fuzzFormat(f, PayPal{}, "STL-20261102.01.009.CSV", "STL-bad.CSV")
}

func FuzzGeneric(f *testing.F) {
	fuzzFormat(f, Generic{Mapping: klarnaMapping}, "generic_klarna_2026-11-04.csv")
}

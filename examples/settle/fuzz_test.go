package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/reconcile"
)

// FuzzReadRefunds feeds arbitrary bytes to the refunds reader: it must
// never panic; a file it can use yields refunds and skipped rows, each
// skipped row reported with the file and its line on its own output line.
func FuzzReadRefunds(f *testing.F) {
	good, err := os.ReadFile("testdata/refunds.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("\ufeff\"order_no\",psp_reference,refund_id,amount,currency,date\n1,\"p,r,1.00,EUR,2026-11-02\n2,p,r,9999999999999999999999,EUR,2026-11-02\n3,p\n"))
	f.Add([]byte("order_no,psp_reference,refund_id,amount,currency,date\n\"a\nb\",p,r,1,EUR,2026-11-02\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var stderr bytes.Buffer
		open := func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		refunds, skipped, err := readRefunds(&stderr, open, "refunds.csv")
		if err != nil {
			if refunds != nil || skipped != 0 {
				t.Fatalf("error %v with results", err)
			}
			return
		}
		lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
		if stderr.Len() == 0 {
			lines = nil
		}
		if len(lines) != skipped {
			t.Fatalf("%d skipped rows, %d report lines:\n%s", skipped, len(lines), stderr.String())
		}
		for _, l := range lines {
			if !strings.HasPrefix(l, "settle: refund skipped: refunds.csv line ") {
				t.Fatalf("report line %q does not name file and line", l)
			}
		}
		for _, r := range refunds {
			if r.Amount.Abs().Cmp(bigAmount) >= 0 {
				t.Fatalf("refund amount %s beyond the bound", r.Amount)
			}
		}
	})
}

var bigAmount = reconcile.MaxAmount

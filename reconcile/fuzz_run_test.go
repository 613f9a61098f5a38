package reconcile

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
)

// fuzzLines turns text into settlement lines and expected items, the way a
// host that reads its own sources might hand them over: one record per
// line, "L,type,psp,order,gross,net,fee,currency,payout,day" or
// "E,kind,psp,order,amount,currency,day". Amounts are any decimal the
// library parses, far beyond what a settlement reader accepts.
func fuzzLines(text string) ([]SettlementLine, []Expected) {
	var lines []SettlementLine
	var expected []Expected
	num := func(s string) decimal.Decimal {
		v, err := decimal.Parse(s)
		if err != nil {
			return decimal.Zero
		}
		return v
	}
	date := func(s string) time.Time {
		n := 0
		for _, c := range s {
			n = (n*10 + int(c-'0')) % 60
		}
		return day2026(time.November, 1).AddDate(0, 0, n)
	}
	for i, rec := range strings.Split(text, "\n") {
		f := strings.Split(rec, ",")
		switch {
		case len(f) == 10 && f[0] == "L":
			l := SettlementLine{Provider: "fuzz", Type: LineType(f[1]), PSPReference: f[2], MerchantReference: f[3],
				ModificationReference: f[2] + "-" + f[1], Gross: num(f[4]), Net: num(f[5]), GrossCurrency: f[7], NetCurrency: f[7],
				PayoutID: f[8], BookingDate: date(f[9]), Source: Position{File: "fuzz", Line: i + 1}}
			if fee := num(f[6]); !fee.IsZero() {
				l.Fees = []Fee{{Component: "processing", Amount: fee}}
			}
			lines = append(lines, l)
		case len(f) == 7 && f[0] == "E":
			expected = append(expected, Expected{Kind: ExpectedKind(f[1]), PSPReference: f[2], OrderNo: f[3], Amount: num(f[4]),
				Currency: f[5], Date: date(f[6])})
		}
	}
	return lines, expected
}

// runReportOutputs writes every output of a report; none may fail or panic.
func runReportOutputs(t *testing.T, rep *Report) {
	t.Helper()
	for name, write := range map[string]func(io.Writer) error{"json": rep.WriteJSON, "csv": rep.WriteCSV, "html": rep.WriteHTML} {
		if err := write(io.Discard); err != nil {
			t.Fatalf("write %s report: %v", name, err)
		}
	}
}

// FuzzReconcilerRun runs the reconciler, twice on one store, on lines and
// expected items a host could hand over: it must never panic or fail, and
// every output of the report must be written.
func FuzzReconcilerRun(f *testing.F) {
	f.Add("E,payment,p1,1001,100.00,EUR,1\nL,capture,p1,1001,100.00,97.00,3.00,EUR,b1,2\nL,payout,,,0,-97.00,0,EUR,b1,3\n", int64(0))
	f.Add("E,payment,p1,1001,100.00,EUR,1\nE,payment,p2,1002,50,EUR,1\nL,capture,p1,1001,99.99,99.99,0,EUR,b1,2\nL,capture,x,1002,50,50,0,EUR,b1,9\n", int64(5))
	f.Add("E,refund,p1,1001,-20.00,EUR,1\nL,refund,p1,1001,-20.00,-20.50,0.50,EUR,b1,2\nL,chargeback,p3,1003,-9999999999999999999,-9999999999999999999,0,EUR,b1,2\n", int64(2))
	f.Add("L,capture,p1,1,999999999999999999,999999999999999999,0,JPY,b,1\nL,capture,p2,2,999999999999999999,999999999999999999,0,JPY,b,1\nE,payment,p1,1,0.0000001,JPY,1\n", int64(1))
	f.Fuzz(func(t *testing.T, text string, tol int64) {
		lines, expected := fuzzLines(text)
		rules := []ToleranceRule{{Name: "fuzz", Absolute: decimal.MustNew(tol%1000, 2).Abs(), Percent: decimal.MustNew(tol%4900, 2).Abs(), DaysAfter: int(tol % 10), DaysBefore: int(tol % 3)}}
		if tol < 0 {
			rules[0].DaysBefore, rules[0].DaysAfter = 0, 0
		}
		r, err := New(Config{Rules: rules, Now: func() time.Time { return day2026(time.November, 20) }})
		if err != nil {
			t.Skip()
		}
		half := len(lines) / 2
		for _, in := range []Input{{Expected: expected, Lines: lines[:half]}, {Expected: expected, Lines: lines[half:]}} {
			rep, err := r.Run(context.Background(), in)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			runReportOutputs(t, rep)
		}
	})
}

// FuzzFileStoreLoad loads arbitrary bytes as state.json: Load must return a
// state or a *StoreError, never panic; a state it accepts must carry a run.
func FuzzFileStoreLoad(f *testing.F) {
	f.Add([]byte(`{"Open":[{"Expected":{"OrderNo":"1","Kind":"payment","Currency":"EUR","Amount":"10.50","PSPReference":"p","Date":"2026-11-01T00:00:00Z"},"Settled":"4.00","FirstSeen":"2026-11-02T00:00:00Z"}],"Closed":["payment|2|x||0"],"Files":[{"Name":"a.csv","Digest":"ab","Provider":"adyen","FirstSeen":"2026-11-02T00:00:00Z"}]}`))
	f.Add([]byte(`{"Open":[{"Expected":{"OrderNo":"1","Kind":"payment","Currency":"EUR","Amount":"9999999999999999999","PSPReference":"p"},"Settled":"-9999999999999999999"}]}`))
	f.Add([]byte(`{"Open":[{"Expected":{"Amount":"1e30"}}]}`))
	f.Add([]byte("{not json"))
	f.Add([]byte(`{"Open":[{"Expected":{"Kind":"refund","Amount":"-999999999999.999999"},"Settled":"999999999999.999999"}]}`))
	// A memory file system where there is one: the fuzzer writes the
	// state file once per input.
	dir := f.TempDir()
	if shm, err := os.MkdirTemp("/dev/shm", "o2c-fuzz-state-"); err == nil {
		dir = shm
		f.Cleanup(func() { os.RemoveAll(shm) })
	}
	store := &FileStore{Dir: dir}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, "state.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		st, err := store.Load(context.Background())
		store.Unlock()
		if err != nil {
			var se *StoreError
			if !errors.As(err, &se) {
				t.Fatalf("Load: untyped error %v", err)
			}
			return
		}
		mem := &MemoryStore{}
		mem.Save(context.Background(), st)
		r, _ := New(Config{Store: mem, Now: func() time.Time { return day2026(time.November, 20) }})
		lines, expected := fuzzLines("E,payment,p,1,10.50,EUR,1\nL,capture,p,1,6.50,6.50,0,EUR,b,2\n")
		// The report's outputs are fuzzed by FuzzReconcilerRun; here the
		// sums over the loaded items are what must hold.
		if _, err := r.Run(context.Background(), Input{Expected: expected, Lines: lines}); err != nil &&
			!strings.Contains(err.Error(), "open items sum beyond") {
			t.Fatalf("Run on a loaded state: %v", err)
		}
	})
}

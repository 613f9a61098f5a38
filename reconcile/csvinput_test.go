package reconcile

import (
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// readLines reads a file with a format and returns its lines and errors.
func readLines(f Format, file, body string) ([]SettlementLine, []error) {
	var lines []SettlementLine
	var errs []error
	for l, err := range f.Read(context.Background(), strings.NewReader(body), file) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		lines = append(lines, l)
	}
	return lines, errs
}

// breakLine replaces line n (1-based) of body with s.
func breakLine(body string, n int, s string) string {
	lines := strings.Split(body, "\n")
	lines[n-1] = s
	return strings.Join(lines, "\n")
}

func TestAdyen_UnterminatedQuoteIsReportedAtItsLineAndTheRowsAfterItRead(t *testing.T) {
	body := readFixture(t, "settlement_detail_report_batch_101.csv")
	broken := breakLine(body, 3, `ShopCo,ShopCoEU,"8815000000000002,00001002,mc,2026-11-02 11:00:00,CET,Settled,8815000000000201,EUR,,100.00,1,EUR,,99.00,1.00,,,,mccredit,,101,,,,,,,`)
	lines, errs := readLines(Adyen{}, "b101.csv", broken)
	var le *LineError
	if len(errs) != 1 || !errors.As(errs[0], &le) || le.Line != 3 || !errors.Is(errs[0], ErrMalformedRow) {
		t.Fatalf("errors = %v, want one ErrMalformedRow at line 3", errs)
	}
	if !slices.ContainsFunc(lines, func(l SettlementLine) bool { return l.Type == TypePayout && l.Source.Line == 12 }) {
		t.Fatalf("the payout at line 12 was not read after the broken row: %d lines", len(lines))
	}
}

func TestAdyen_ShortRowIsRejectedNotReadAsACapture(t *testing.T) {
	body := readFixture(t, "settlement_detail_report_batch_101.csv")
	short := breakLine(body, 3, `ShopCo,ShopCoEU,8815000000000002,00001002,mc,2026-11-02 11:00:00,CET,Settled,8815000000000201,EUR,,100.00`)
	lines, errs := readLines(Adyen{}, "b101.csv", short)
	var le *LineError
	if len(errs) != 1 || !errors.As(errs[0], &le) || le.Line != 3 || !strings.Contains(errs[0].Error(), "12 fields, the header has 30") {
		t.Fatalf("errors = %v, want line 3 rejected as 12 fields of 30", errs)
	}
	if slices.ContainsFunc(lines, func(l SettlementLine) bool { return l.Source.Line == 3 }) {
		t.Fatal("the short row was read as a line")
	}
}

func TestRun_FileWithBrokenRowsIsNotCountedNorMarkedSeen(t *testing.T) {
	store := &MemoryStore{}
	r, err := New(Config{Store: store, Now: func() time.Time { return day2026(time.November, 6) }})
	if err != nil {
		t.Fatal(err)
	}
	body := readFixture(t, "settlement_detail_report_batch_101.csv")
	broken := breakLine(body, 3, `ShopCo,ShopCoEU,8815000000000002,00001002,mc`)
	rep, err := r.Run(context.Background(), Input{Files: []SettlementFile{{Name: "b101.csv", Format: Adyen{}, Body: strings.NewReader(broken)}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Payouts) != 0 || len(rep.ReadErrors) != 2 ||
		!slices.ContainsFunc(rep.ReadErrors, func(e ReadError) bool { return strings.Contains(e.Message, "not marked seen") }) {
		t.Fatalf("payouts %d, read errors %+v: want nothing counted, the row and the file reported", len(rep.Payouts), rep.ReadErrors)
	}
	// The corrected file of the same batch is taken, not a duplicate.
	rep, err = r.Run(context.Background(), Input{Files: []SettlementFile{{Name: "b101-fixed.csv", Format: Adyen{}, Body: strings.NewReader(body)}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.DuplicateFiles) != 0 || len(rep.Payouts) != 1 || !rep.Payouts[0].PaidOut {
		t.Fatalf("corrected batch: duplicates %+v, payouts %+v; want it counted", rep.DuplicateFiles, rep.Payouts)
	}
}

func TestRun_EmptyOrHeaderOnlyFileIsAReadErrorNotASeenBatch(t *testing.T) {
	header := strings.SplitAfter(readFixture(t, "settlement_detail_report_batch_101.csv"), "\n")[0]
	for name, body := range map[string]string{"empty.csv": "", "header-only.csv": header} {
		store := &MemoryStore{}
		r, _ := New(Config{Store: store, Now: func() time.Time { return day2026(time.November, 6) }})
		rep, err := r.Run(context.Background(), Input{Files: []SettlementFile{{Name: name, Format: Adyen{}, Body: strings.NewReader(body)}}})
		if err != nil {
			t.Fatal(err)
		}
		st, _ := store.Load(context.Background())
		if len(rep.ReadErrors) != 1 || !strings.Contains(rep.ReadErrors[0].Message, "no settlement lines") || len(st.Files) != 0 {
			t.Errorf("%s: read errors %+v, seen files %d; want one read error and nothing seen", name, rep.ReadErrors, len(st.Files))
		}
	}
}

func TestReaders_ByteOrderMarkBeforeAQuotedHeaderOrFirstRecord(t *testing.T) {
	bom := "\ufeff"
	stl := readFixture(t, "STL-20261102.01.009.CSV")
	plain, _ := readLines(PayPal{}, "stl.csv", stl)
	withBOM, errs := readLines(PayPal{}, "stl.csv", bom+stl)
	if len(errs) != 0 || len(withBOM) != len(plain) {
		t.Errorf("PayPal with BOM: %d lines, errors %v; without BOM %d lines", len(withBOM), errs, len(plain))
	}
	adyen := readFixture(t, "settlement_detail_report_batch_101.csv")
	h, rest, _ := strings.Cut(adyen, "\n")
	quoted := `"` + strings.ReplaceAll(h, ",", `","`) + `"` + "\n" + rest
	lines, errs := readLines(Adyen{}, "b101.csv", bom+quoted)
	if len(errs) != 0 || len(lines) != 11 {
		t.Errorf("Adyen, BOM before quoted header: %d lines, errors %v; want 11 and none", len(lines), errs)
	}
}

// cellReader is a CSV header and one row whose cell is n bytes, produced
// as read, so the test itself holds none of it.
type cellReader struct {
	head, tail string
	n          int
}

func (c *cellReader) Read(p []byte) (int, error) {
	switch {
	case c.head != "":
		k := copy(p, c.head)
		c.head = c.head[k:]
		return k, nil
	case c.n > 0:
		k := min(len(p), c.n)
		for i := range k {
			p[i] = 'x'
		}
		c.n -= k
		return k, nil
	case c.tail != "":
		k := copy(p, c.tail)
		c.tail = c.tail[k:]
		return k, nil
	}
	return 0, io.EOF
}

func TestStripe_HugeCellIsARowErrorAndCostsLittleMemory(t *testing.T) {
	fixture := readFixture(t, "payout_reconciliation_itemized_po_1.csv")
	h, rest, _ := strings.Cut(fixture, "\n")
	body := &cellReader{head: h + "\npo_1,2026-11-05 00:00:00,txn_big,2026-11-02 10:00:00,2026-11-04 00:00:00,usd,1.00,0,1.00,charge,ch,pi,ch,",
		n: 100 << 20, tail: ",1.00,usd,visa,US,credit,card,1,x,y\n" + rest}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var lines []SettlementLine
	var errs []error
	for l, err := range (Stripe{}).Read(context.Background(), body, "po_1.csv") {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		lines = append(lines, l)
	}
	runtime.ReadMemStats(&after)
	var le *LineError
	if len(errs) != 1 || !errors.As(errs[0], &le) || le.Line != 2 || !strings.Contains(errs[0].Error(), "too long") {
		t.Fatalf("errors = %v, want line 2 reported too long", errs)
	}
	if len(lines) != strings.Count(rest, "\n") {
		t.Errorf("%d lines read after the huge row, want %d", len(lines), strings.Count(rest, "\n"))
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("reading a 100 MB cell allocated %d MB, want under 16", alloc>>20)
	}
}

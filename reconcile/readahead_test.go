package reconcile

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unsafe"
)

// TestCSVReadAhead_SameRecordsAsCSVRows reads a file of several batches
// with broken records, blank lines and short rows both ways: the records,
// their lines and the errors agree, in order.
func TestCSVReadAhead_SameRecordsAsCSVRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b,c\n")
	for i := range 3000 {
		switch i % 250 {
		case 7:
			b.WriteString("\n")
		case 8:
			fmt.Fprintf(&b, "x%d,\"broken,%d\n", i, i) // an unterminated quote: resynchronised
		case 9:
			fmt.Fprintf(&b, "\"multi\nline %d\",2,3\n", i)
		case 10:
			fmt.Fprintf(&b, "short%d,1\n", i)
		default:
			fmt.Fprintf(&b, "r%d,%d,\"q,%d\"\n", i, i, i)
		}
	}
	in := b.String()
	collect := func(read func(yield func(rec []string, line int, err error) bool)) []string {
		var out []string
		read(func(rec []string, line int, err error) bool {
			out = append(out, fmt.Sprintf("%d %q %v", line, rec, err))
			return true
		})
		return out
	}
	width := 0
	want := collect(func(yield func([]string, int, error) bool) {
		csvRows(context.Background(), strings.NewReader(in), "f.csv", CSVLimits{}.config(), &width, func(rec []string, line int, err error) bool {
			if err == nil && width == 0 {
				width = len(rec)
			}
			return yield(rec, line, err)
		})
	})
	got := collect(func(yield func([]string, int, error) bool) {
		csvReadAhead(context.Background(), strings.NewReader(in), "f.csv", CSVLimits{}.config(), yield)
	})
	if len(want) < 2900 {
		t.Fatalf("only %d records read", len(want))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("record %d: read ahead %s, csvRows %s", i, got[i], want[i])
			}
		}
		t.Fatalf("read ahead %d records, csvRows %d", len(got), len(want))
	}
}

// TestCSVReadAhead_StopsWhenTold stops after a few records of a large file
// and after a cancelled context: it returns, and yields nothing more.
func TestCSVReadAhead_StopsWhenTold(t *testing.T) {
	in := "a,b\n" + strings.Repeat("1,2\n", 100_000)
	n := 0
	csvReadAhead(context.Background(), strings.NewReader(in), "f.csv", CSVLimits{}.config(), func([]string, int, error) bool {
		n++
		return n < 3
	})
	if n != 3 {
		t.Errorf("yielded %d records after being told to stop at 3", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errs []error
	csvReadAhead(ctx, strings.NewReader(in), "f.csv", CSVLimits{}.config(), func(_ []string, _ int, err error) bool {
		errs = append(errs, err)
		return true
	})
	if len(errs) != 1 || errs[0] == nil || !strings.Contains(errs[0].Error(), "context canceled") {
		t.Errorf("cancelled read yielded %v, want one context error", errs)
	}
}

// TestGeneric_LinesKeepNothingOfTheReadBuffers reads a generic file of
// many batches whose every cell is distinct (references, payout ids, dates,
// currencies, types beyond the interner's bound), keeps the lines and
// errors without copying them, and only when the file is read checks each
// against its row: the read-ahead buffers are reused batch after batch, so
// a line or error still pointing into one would read a later row's bytes.
func TestGeneric_LinesKeepNothingOfTheReadBuffers(t *testing.T) {
	m := ColumnMapping{Provider: "acme", Types: map[string]LineType{"sale": TypeCapture}, Type: "type",
		PSPReference: "psp", ModificationReference: "mod", MerchantReference: "order", PaymentMethod: "method",
		Currency: "currency", Gross: "amount", PayoutID: "payout", BookingDate: "date"}
	var b strings.Builder
	b.WriteString("type,psp,mod,order,method,currency,amount,payout,date\n")
	const rows = 6000
	for i := range rows {
		typ := "sale"
		if i%997 == 5 {
			typ = fmt.Sprintf("odd-%d", i) // an unknown type: an error naming it
		}
		fmt.Fprintf(&b, "%s,P%06d,M%06d,O%06d,card-%d,C%02d,%d.%02d,PO-%d,2026-%02d-%02d\n",
			typ, i, i, i, i, i%90+10, i, i%100, i, 1+i%12, 1+i%28)
	}
	type got struct {
		l   SettlementLine
		err error
	}
	var all []got
	for l, err := range (Generic{Mapping: m}).Read(context.Background(), strings.NewReader(b.String()), "acme.csv") {
		all = append(all, got{l, err})
	}
	if len(all) != rows {
		t.Fatalf("read %d lines and errors, want %d", len(all), rows)
	}
	for i, g := range all {
		if i%997 == 5 {
			if g.err == nil || !strings.Contains(g.err.Error(), fmt.Sprintf("odd-%d", i)) {
				t.Fatalf("row %d: error %v, want one naming odd-%d", i, g.err, i)
			}
			continue
		}
		if g.err != nil {
			t.Fatalf("row %d: %v", i, g.err)
		}
		l := g.l
		want := fmt.Sprintf("P%06d M%06d O%06d card-%d C%02d %d.%02d PO-%d 2026-%02d-%02d", i, i, i, i, i%90+10, i, i%100, i, 1+i%12, 1+i%28)
		have := fmt.Sprintf("%s %s %s %s %s %s %s %s", l.PSPReference, l.ModificationReference, l.MerchantReference, l.PaymentMethod,
			l.GrossCurrency, l.Gross, l.PayoutID, l.BookingDate.Format("2006-01-02"))
		if have != want {
			t.Fatalf("row %d read as %q, want %q", i, have, want)
		}
	}
}

// TestRowDate_CacheKeepsACopyOfTheCell: the generic reader remembers the
// last date cell it parsed, and its cells are views of read-ahead buffers
// that are reused. The remembered cell must be a copy: a view would read
// whatever a later batch wrote there and hand back the old date for it.
func TestRowDate_CacheKeepsACopyOfTheCell(t *testing.T) {
	buf := []byte("2026-02-02")
	rw := row{h: header{idx: map[string]int{"date": 0}, width: 1}, day: &dayCache{}}
	read := func() string {
		rw.rec = []string{unsafe.String(&buf[0], len(buf))}
		return rw.date("date", "2006-01-02").Format("2006-01-02")
	}
	if got := read(); got != "2026-02-02" {
		t.Fatalf("first date %s", got)
	}
	copy(buf, "2026-03-03") // the buffer reused for a later row
	if got := read(); got != "2026-03-03" {
		t.Fatalf("after the buffer was reused, the date read %s, want 2026-03-03", got)
	}
}

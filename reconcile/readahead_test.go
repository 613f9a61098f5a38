package reconcile

import (
	"context"
	"fmt"
	"strings"
	"testing"
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

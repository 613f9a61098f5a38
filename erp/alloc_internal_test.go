package erp

import (
	"fmt"
	"testing"

	"github.com/govalues/decimal"
)

func TestAllocateLargestRemainder_PartsSumToTheWholeAndFollowTheWeights(t *testing.T) {
	ds := func(ss ...string) []decimal.Decimal {
		out := make([]decimal.Decimal, len(ss))
		for i, s := range ss {
			out[i] = decimal.MustParse(s)
		}
		return out
	}
	tests := []struct {
		name    string
		total   string
		weights []string
		scale   int
		want    string
	}{
		{"equal thirds give the odd penny to the first", "10.00", []string{"1", "1", "1"}, 2, "[3.34 3.33 3.33]"},
		{"largest remainder, not first, gets the penny", "-7.77", []string{"50", "30", "20"}, 2, "[-3.89 -2.33 -1.55]"},
		{"negative weight among positive ones", "1.00", []string{"3", "-1"}, 2, "[1.50 -0.50]"},
		{"zero weight gets nothing", "0.05", []string{"0", "2", "3"}, 2, "[0.00 0.02 0.03]"},
		{"yen has no minor unit", "1000", []string{"1", "1", "1"}, 0, "[334 333 333]"},
		{"dinar has three digits", "1.000", []string{"1", "2"}, 3, "[0.333 0.667]"},
		{"nothing to allocate", "0.00", []string{"0", "0"}, 2, "[0.00 0.00]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := allocateLargestRemainder(decimal.MustParse(tt.total), ds(tt.weights...), tt.scale)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != tt.want {
				t.Errorf("got %v, want %s", got, tt.want)
			}
		})
	}
	if _, err := allocateLargestRemainder(decimal.MustParse("1.00"), ds("0", "0"), 2); err == nil {
		t.Error("allocating 1.00 over zero weights succeeded")
	}
	if _, err := allocateLargestRemainder(decimal.MustParse("1.005"), ds("1"), 2); err == nil {
		t.Error("allocating a fraction of a penny succeeded")
	}
}

// FuzzAllocateLargestRemainder: whatever the amounts and weights, the parts
// add up to the total exactly, or the allocation is refused.
func FuzzAllocateLargestRemainder(f *testing.F) {
	f.Add(int64(-777), []byte{50, 30, 20})
	f.Add(int64(1000), []byte{1, 1, 1})
	f.Add(int64(1), []byte{0, 0, 7})
	f.Add(int64(5), []byte{200, 100})
	f.Fuzz(func(t *testing.T, units int64, raw []byte) {
		if len(raw) == 0 || len(raw) > 64 || units > 1e12 || units < -1e12 {
			return
		}
		weights := make([]decimal.Decimal, len(raw))
		for i, b := range raw {
			weights[i] = decimal.MustNew(int64(b)-100, 1) // signed weights, one decimal
		}
		total := decimal.MustNew(units, 2)
		parts, err := allocateLargestRemainder(total, weights, 2)
		if err != nil {
			return
		}
		sum := decimal.Zero
		for _, p := range parts {
			if p.Scale() != 2 {
				t.Fatalf("part %s is not in pennies", p)
			}
			sum, _ = sum.Add(p)
		}
		if sum.Cmp(total) != 0 {
			t.Fatalf("parts %v sum to %s, want %s", parts, sum, total)
		}
	})
}

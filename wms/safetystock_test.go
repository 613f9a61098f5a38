package wms

import (
	"testing"
)

func TestSafetyStock_AllocationIsAvailableMinusBufferNeverBelowZero(t *testing.T) {
	ss := &SafetyStock{
		Normal: Profile{
			Global:     Rule{Units: qty("2")},
			Categories: map[string]Rule{"shoes": {Percent: qty("10"), MinUnits: qty("3")}},
			SKUs: map[string]Rule{"VIP": {}, "HALF": {Percent: qty("50")},
				"NEG": {Units: qty("-3"), MinUnits: qty("-1"), Percent: qty("-10")}},
		},
		HighVelocity: Profile{
			Global:     Rule{Percent: qty("20")},
			Categories: map[string]Rule{"shoes": {Percent: qty("25"), Units: qty("5")}},
			SKUs:       map[string]Rule{"VIP": {Units: qty("1")}},
		},
		CategoryOf: func(sku string) string {
			if len(sku) > 5 && sku[:5] == "SHOE-" {
				return "shoes"
			}
			return ""
		},
	}
	cases := []struct {
		name      string
		sku       string
		available string
		hv        bool
		want      string
	}{
		{"global absolute", "TEE-1", "10", false, "8"},
		{"global absolute floors at zero", "TEE-1", "1", false, "0"},
		{"negative available floors at zero", "TEE-1", "-4", false, "0"},
		{"category percent", "SHOE-1", "100", false, "90"},
		{"category percent rounds buffer up", "SHOE-1", "45", false, "40"},
		{"category percent with minimum buffer", "SHOE-1", "12", false, "9"},
		{"category minimum floors at zero", "SHOE-1", "2", false, "0"},
		{"SKU rule beats category and global (none held back)", "VIP", "7", false, "7"},
		{"SKU percent", "HALF", "9", false, "4"},
		{"fractional stock keeps its scale", "TEE-1", "10.5", false, "8.5"},
		{"high-velocity global percent", "TEE-1", "10", true, "8"},
		{"high-velocity global percent rounds up", "TEE-1", "11", true, "8"},
		{"high-velocity category larger of units and percent", "SHOE-1", "12", true, "7"},
		{"high-velocity category percent wins when larger", "SHOE-1", "40", true, "30"},
		{"high-velocity SKU rule", "VIP", "7", true, "6"},
		{"high-velocity unlisted SKU falls back to its profile", "HALF", "10", true, "8"},
		{"zero stock", "TEE-1", "0", true, "0"},
		{"negative rule never allocates more than available", "NEG", "10", false, "10"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ss.Allocation(tc.sku, qty(tc.available), tc.hv)
			if err != nil {
				t.Fatal(err)
			}
			if got.Cmp(qty(tc.want)) != 0 {
				t.Errorf("Allocation(%s, %s, hv=%v) = %s, want %s", tc.sku, tc.available, tc.hv, got, tc.want)
			}
			if got.IsNeg() {
				t.Errorf("allocation below zero: %s", got)
			}
		})
	}
}

func TestSafetyStock_NilHoldsNothingBack(t *testing.T) {
	var ss *SafetyStock
	got, err := ss.Allocation("X", qty("5"), true)
	if err != nil || got.Cmp(qty("5")) != 0 {
		t.Fatalf("got %s, %v", got, err)
	}
}

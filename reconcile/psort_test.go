package reconcile

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortFunc_SameOrderAsSlicesSortFunc sorts large inputs (distinct,
// few distinct values, all equal, already sorted, reversed) on several
// cores and checks the result is sorted and holds the same elements.
func TestSortFunc_SameOrderAsSlicesSortFunc(t *testing.T) {
	type kv struct{ k, v int }
	byK := func(a, b kv) int { return cmp.Compare(a.k, b.k) }
	rng := rand.New(rand.NewPCG(1, 2))
	n := 3 * parallelSortAt
	inputs := map[string]func(i int) int{
		"distinct": func(int) int { return rng.Int() },
		"few":      func(int) int { return rng.IntN(5) },
		"equal":    func(int) int { return 7 },
		"sorted":   func(i int) int { return i },
		"reversed": func(i int) int { return n - i },
	}
	for name, gen := range inputs {
		xs := make([]kv, n)
		for i := range xs {
			xs[i] = kv{gen(i), i}
		}
		want := slices.Clone(xs)
		slices.SortFunc(want, func(a, b kv) int { return cmp.Or(byK(a, b), cmp.Compare(a.v, b.v)) })
		sortFunc(xs, byK)
		if !slices.IsSortedFunc(xs, byK) {
			t.Errorf("%s: not sorted", name)
		}
		slices.SortStableFunc(xs, func(a, b kv) int { return cmp.Or(byK(a, b), cmp.Compare(a.v, b.v)) })
		if !slices.Equal(xs, want) {
			t.Errorf("%s: elements lost or repeated", name)
		}
	}
}

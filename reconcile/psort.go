package reconcile

import (
	"math/bits"
	"runtime"
	"slices"
	"sync"
)

// parallelSortAt is the length from which sortFunc sorts on several cores.
const parallelSortAt = 1 << 15

// sortFunc sorts xs like slices.SortFunc, on up to GOMAXPROCS cores: a
// million sort keys take a third of a second on one. It partitions xs
// around the median of a sample, as one quicksort step, and sorts the two
// sides at once, recursively; no memory beyond the sample is used. Like
// slices.SortFunc it is not stable: elements cmp finds equal may come out
// in any order.
func sortFunc[T any](xs []T, cmp func(a, b T) int) {
	depth := bits.Len(uint(runtime.GOMAXPROCS(0) - 1)) // ⌈log2 GOMAXPROCS⌉
	sortDepth(xs, cmp, min(depth, 4))
}

func sortDepth[T any](xs []T, cmp func(a, b T) int, depth int) {
	if depth == 0 || len(xs) < parallelSortAt {
		slices.SortFunc(xs, cmp)
		return
	}
	const samples = 255
	sample := make([]T, samples)
	for i := range sample {
		sample[i] = xs[i*(len(xs)-1)/(samples-1)]
	}
	slices.SortFunc(sample, cmp)
	pivot := sample[samples/2]
	// Elements below the pivot go left, the others stay right.
	left := 0
	for i := range xs {
		if cmp(xs[i], pivot) < 0 {
			xs[left], xs[i] = xs[i], xs[left]
			left++
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { sortDepth(xs[:left], cmp, depth-1) })
	sortDepth(xs[left:], cmp, depth-1)
	wg.Wait()
}

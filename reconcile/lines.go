package reconcile

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// sortedLines puts the lines of parts in canonical order (compareLines),
// in place: the parts, taken as one sequence, are reordered, and the
// result points at each line of that sequence in turn. A line is some 280
// bytes: sorting the lines themselves spent most of its time moving them,
// and copying them into one sorted slice doubled their memory. It sorts
// small keys (provider, PSP reference, position), compares lines only when
// those tie, then moves each line once, cycle by cycle. The passes after
// it read the lines in canonical order, which is now the order they lie
// in memory. sameRef[k] reports whether line k has the provider and PSP
// reference of line k-1, found from the keys without reading the
// references again.
//
// refs[k] is line k's reference as the keys held it (lineRef), so the
// matcher need not read the references again: they lie in memory in the
// order they were read, and reading them in sorted order was a cache miss
// per line.
func sortedLines(parts [][]SettlementLine) (lines []*SettlementLine, sameRef []bool, refs []lineRef) {
	n := countOf(parts)
	if n == 0 {
		return nil, nil, nil
	}
	slots := make([]*SettlementLine, 0, n)
	for _, lines := range parts {
		for i := range lines {
			slots = append(slots, &lines[i])
		}
	}
	// A key orders by provider, then by the first 16 bytes of the PSP
	// reference as two integers (zero-padded: a shorter reference that is
	// a prefix of a longer one sorts first, as strings do), and only when
	// those tie by the lines themselves.
	// Providers are ranked first: the keys then hold no pointer, and
	// compare as integers.
	var providers []string
	rank := map[string]uint32{}
	for _, l := range slots {
		if _, ok := rank[l.Provider]; !ok {
			rank[l.Provider] = 0
			providers = append(providers, l.Provider)
		}
	}
	slices.Sort(providers)
	for i, p := range providers {
		rank[p] = uint32(i)
	}
	// The keys are lineRefs with the provider's rank and the line's place
	// in slots: sorted, they are the refs returned, and their places the
	// permutation (no second array of either).
	type key = lineRef
	// Beyond 65536 providers (never in practice) the ranks would wrap:
	// the lines themselves then decide between providers.
	manyProviders := len(providers) > 1<<16
	keys := make([]key, n)
	last, lastRank := "", uint32(0)
	for v, l := range slots {
		if v == 0 || l.Provider != last {
			last, lastRank = l.Provider, rank[l.Provider]
		}
		if manyProviders {
			lastRank = 0
		}
		keys[v] = refOf(l.PSPReference)
		keys[v].provider, keys[v].v = uint16(lastRank), int32(v)
	}
	sortFunc(keys, func(a, b key) int {
		if manyProviders {
			if c := strings.Compare(slots[a.v].Provider, slots[b.v].Provider); c != 0 {
				return c
			}
		} else if c := cmp.Compare(a.provider, b.provider); c != 0 {
			return c
		}
		if c := cmp.Compare(a.hi, b.hi); c != 0 {
			return c
		}
		if c := cmp.Compare(a.lo, b.lo); c != 0 {
			return c
		}
		return compareLinePtrs(slots[a.v], slots[b.v])
	})
	// Slot k receives the line now in slot keys[k].v.
	sameRef = make([]bool, n)
	for k, key := range keys {
		if k == 0 {
			continue
		}
		prev := &keys[k-1]
		switch {
		case key.hi != prev.hi || key.lo != prev.lo:
		case manyProviders || key.provider != prev.provider:
			sameRef[k] = slots[key.v].Provider == slots[prev.v].Provider && slots[key.v].PSPReference == slots[prev.v].PSPReference
		case key.size <= 16 && prev.size <= 16:
			sameRef[k] = key.size == prev.size
		default:
			sameRef[k] = slots[key.v].PSPReference == slots[prev.v].PSPReference
		}
	}
	// The permutation consumes the places (left as -1s).
	for start := range keys {
		if keys[start].v < 0 {
			continue
		}
		if int(keys[start].v) == start {
			keys[start].v = -1
			continue
		}
		tmp := *slots[start]
		k := start
		for {
			src := int(keys[k].v)
			keys[k].v = -1
			if src == start {
				*slots[k] = tmp
				break
			}
			*slots[k] = *slots[src]
			k = src
		}
	}
	return slots, sameRef, keys
}

// lineRef is a PSP reference as the sorts and the matcher compare it
// first: its first 16 bytes (prefix16) and its length, 17 standing for
// any length beyond 16. References of at most 16 bytes are equal when
// their lineRefs are, and order as their lineRefs do (compareLineRefs);
// longer ones may need their bytes.
//
// provider and v are sortedLines' own (its sort keys are lineRefs): they
// sit in what would be padding, and no comparison reads them.
type lineRef struct {
	hi, lo   uint64
	size     uint16
	provider uint16 // the line's provider's rank (sortedLines)
	v        int32  // the line's place before sorting (sortedLines)
}

func refOf(s string) lineRef {
	hi, lo := prefix16(s)
	return lineRef{hi: hi, lo: lo, size: uint16(min(len(s), 17))}
}

// compareLineRefs orders the references a and b, given as their lineRefs,
// as strings.Compare does; it reads the strings only when the lineRefs
// cannot tell.
func compareLineRefs(ra lineRef, a string, rb lineRef, b string) int {
	if c := cmp.Compare(ra.hi, rb.hi); c != 0 {
		return c
	}
	if c := cmp.Compare(ra.lo, rb.lo); c != 0 {
		return c
	}
	if ra.size <= 16 && rb.size <= 16 {
		// One is the other zero-padded: the shorter sorts first.
		return cmp.Compare(ra.size, rb.size)
	}
	return strings.Compare(a, b)
}

// prefix16 is the first 16 bytes of s, zero-padded, as two big-endian
// integers: comparing them compares those bytes as strings.Compare would.
func prefix16(s string) (hi, lo uint64) {
	var b [16]byte
	copy(b[:], s)
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
}

// countOf is the number of lines in parts.
func countOf(parts [][]SettlementLine) int {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	return n
}

// permute reorders xs in place so that xs[k] becomes the old xs[perm[k]],
// moving each element once, one cycle at a time. perm must be a
// permutation; it is consumed (left as -1s).
func permute[T any](xs []T, perm []int) {
	for start := range perm {
		if perm[start] < 0 {
			continue
		}
		if perm[start] == start {
			perm[start] = -1
			continue
		}
		tmp := xs[start]
		k := start
		for {
			src := perm[k]
			perm[k] = -1
			if src == start {
				xs[k] = tmp
				break
			}
			xs[k] = xs[src]
			k = src
		}
	}
}

// lineChunks collects the lines of a file as they are read, in chunks of
// a fixed size: growing one slice of a million lines copied it over and
// over (most of the reading time) and left a quarter of it unused. The
// chunks go to sortedLines, which orders the lines within them, and the
// lines stay there for the rest of the run (and in the report).
type lineChunks struct {
	full [][]SettlementLine
	cur  []SettlementLine
}

const lineChunkSize = 1 << 14

func (c *lineChunks) add(l SettlementLine) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]SettlementLine, 0, lineChunkSize)
	}
	c.cur = c.cur[:len(c.cur)+1]
	setLine(&c.cur[len(c.cur)-1], &l)
}

// setLine is *d = *l, field by field: while the collector marks, a struct
// copy goes through the bulk write barrier over every pointer slot, which
// costs several times the compiler's buffered barriers on each field.
// TestSetLineCopiesEveryField fails when SettlementLine gains a field
// this does not copy.
func setLine(d, l *SettlementLine) {
	d.Provider, d.Type, d.RawType = l.Provider, l.Type, l.RawType
	d.PSPReference, d.ModificationReference, d.MerchantReference, d.PaymentMethod = l.PSPReference, l.ModificationReference, l.MerchantReference, l.PaymentMethod
	d.GrossCurrency, d.Gross, d.Fees = l.GrossCurrency, l.Gross, l.Fees
	d.NetCurrency, d.Net, d.ExchangeRate = l.NetCurrency, l.Net, l.ExchangeRate
	d.BookingDate, d.PayoutID, d.Source = l.BookingDate, l.PayoutID, l.Source
}

// parts returns the chunks read, the last one trimmed to its length.
func (c *lineChunks) parts() [][]SettlementLine {
	if len(c.cur) > 0 {
		c.full = append(c.full, c.cur[:len(c.cur):len(c.cur)])
	}
	out := c.full
	c.full, c.cur = nil, nil
	return out
}

// countLines filters canonically ordered lines to those the run counts:
// the same provider row delivered twice (an overlapping export) counts
// once, the copies go to rep.DuplicateLines; a line whose amounts would
// take the run beyond its budget is reported as a read error. It filters
// in place and returns the counted prefix.
//
// Copies of a row share provider, PSP and modification reference, the
// first keys of the canonical order, so they sit in one run of adjacent
// lines: each line is compared with the rows kept before it in its run
// instead of going through a map of every line's identity.
//
// sameRef (from sortedLines) is filtered with the lines: countedSame[k]
// reports whether counted line k has the provider and PSP reference of
// counted line k-1.
//
// refs (from sortedLines, or nil) is filtered with the lines too.
func countLines(lines []*SettlementLine, sameRef []bool, refs []lineRef, budget *runBudget, rep *Report) (counted []*SettlementLine, countedSame []bool, countedRefs []lineRef) {
	counted, countedSame = lines[:0], sameRef[:0]
	if refs != nil {
		countedRefs = refs[:0]
	}
	// Whether every line since the last counted one had the reference of
	// the line before it: the next counted line then has that one's.
	same := false
	var (
		seen    []rowIdentity // the run's rows kept so far
		seenMap map[rowIdentity]bool
		// The run's modification reference (provider and PSP reference
		// are the line before's while sameRef holds).
		mod string
	)
	for i, l := range lines {
		same = same && sameRef[i]
		if i == 0 || !sameRef[i] || l.ModificationReference != mod {
			mod = l.ModificationReference
			seen, seenMap = seen[:0], nil
		}
		if l.ModificationReference != "" {
			id := identityOf(l)
			if dup(&seen, &seenMap, id) {
				rep.DuplicateLines = append(rep.DuplicateLines, *l)
				continue
			}
		}
		if !budget.takeLine(l) {
			rep.ReadErrors = append(rep.ReadErrors, ReadError{File: l.Source.File, Line: l.Source.Line,
				Message: fmt.Sprintf("reconcile: %s: line not counted: the run's amounts would sum beyond %s", l.Source, maxRunMagnitude)})
			continue
		}
		counted = append(counted, l)
		if refs != nil {
			countedRefs = append(countedRefs, refs[i])
		}
		countedSame = append(countedSame, same && len(counted) > 1)
		same = true
	}
	return counted, countedSame, countedRefs
}

// rowIdentity is what makes two lines of one run the same provider row
// (with provider and references: lineIdentity). Amounts compare with their
// scale, as written.
type rowIdentity struct {
	typ                  LineType
	rawType, payoutID    string
	grossCoef, netCoef   uint64
	grossNeg, netNeg     bool
	grossScale, netScale int
}

func identityOf(l *SettlementLine) rowIdentity {
	return rowIdentity{typ: l.Type, rawType: l.RawType, payoutID: l.PayoutID,
		grossCoef: l.Gross.Coef(), netCoef: l.Net.Coef(), grossNeg: l.Gross.IsNeg(), netNeg: l.Net.IsNeg(),
		grossScale: l.Gross.Scale(), netScale: l.Net.Scale()}
}

// runMapAt is the number of rows of a run from which they are looked up
// in a map rather than compared one by one.
const runMapAt = 16

// dup reports whether id repeats a row kept before in its run, and keeps
// it otherwise.
func dup(seen *[]rowIdentity, seenMap *map[rowIdentity]bool, id rowIdentity) bool {
	if *seenMap != nil {
		if (*seenMap)[id] {
			return true
		}
		(*seenMap)[id] = true
		return false
	}
	if slices.Contains(*seen, id) {
		return true
	}
	*seen = append(*seen, id)
	if len(*seen) == runMapAt {
		m := make(map[rowIdentity]bool, 2*runMapAt)
		for _, s := range *seen {
			m[s] = true
		}
		*seenMap = m
	}
	return false
}

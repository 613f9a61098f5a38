package orderxml

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"strings"

	"github.com/o2ckit/o2c/sfcc"
)

// A large export holds millions of short strings and small slices. The
// types below keep the decoder from allocating each one on its own: an
// order's strings share a few byte chunks, its list items share a few
// typed chunks, and values that repeat across orders (currencies, units,
// attribute ids, statuses) are shared through a bounded cache.
//
// Chunks start afresh with every order, so a value the caller keeps pins
// at most the memory of its own order, never that of its neighbours.

// stringArena hands out the strings of one order from shared chunks. Each
// chunk is a strings.Builder that is only ever appended to within its
// capacity, so the strings already handed out never change.
type stringArena struct {
	b     strings.Builder
	used  int // bytes handed out for the current order
	chunk int // size of the next chunk
}

const (
	minStringChunk = 256
	maxStringChunk = 64 << 10
	// Values this long are allocated on their own: sharing a chunk with
	// them saves nothing.
	maxArenaString = 1 << 10
)

// newOrder sizes the chunks of the next order after the last one.
func (a *stringArena) newOrder() {
	a.chunk = min(max(a.used+a.used/4+64, minStringChunk), maxStringChunk)
	a.used = 0
	a.b = strings.Builder{}
}

func (a *stringArena) string(v []byte) string {
	if len(v) == 0 {
		return ""
	}
	if len(v) > maxArenaString {
		return string(v)
	}
	if a.b.Cap()-a.b.Len() < len(v) {
		a.b = strings.Builder{}
		a.b.Grow(max(a.chunk, minStringChunk, len(v)))
		a.chunk = min(2*a.chunk, maxStringChunk)
	}
	start := a.b.Len()
	a.b.Write(v)
	a.used += len(v)
	return a.b.String()[start:]
}

// slab hands out the list items of one order from shared chunks. One list
// is open at a time: begin, add for each item, end. Lists of the same type
// that nest (bundled products) must not use a slab.
type slab[T any] struct {
	buf   []T
	start int // index of the open list's first item in buf
	open  bool
	used  int // items handed out for the current order
	chunk int // capacity of the next chunk
}

const maxSlabChunk = 256

func (s *slab[T]) newOrder() {
	s.chunk = min(max(s.used+s.used/4, 2), maxSlabChunk)
	s.used, s.open, s.buf = 0, false, nil
}

// begin opens a list; it reports false if one is open already.
func (s *slab[T]) begin() bool {
	if s.open {
		return false
	}
	s.open, s.start = true, len(s.buf)
	return true
}

// add appends a zero item to the open list and returns it; the pointer is
// valid until the next add.
func (s *slab[T]) add() *T {
	if len(s.buf) == cap(s.buf) {
		// Move the open list to a fresh chunk.
		n := len(s.buf) - s.start
		c := make([]T, n, max(s.chunk, 2*n, 2))
		copy(c, s.buf[s.start:])
		clear(s.buf[s.start:])
		s.buf, s.start = c, 0
		s.chunk = min(2*max(s.chunk, 1), maxSlabChunk)
	}
	// Past its length a chunk is still as make left it: zero.
	s.buf = s.buf[:len(s.buf)+1]
	return &s.buf[len(s.buf)-1]
}

// end closes the open list and returns its items (nil for none), capped so
// that appending to them never writes into the chunk.
func (s *slab[T]) end() []T {
	s.open = false
	n := len(s.buf)
	items := s.buf[s.start:n:n]
	s.used += len(items)
	if len(items) == 0 {
		return nil
	}
	return items
}

// valueCache shares the strings of values that repeat across orders. It is
// a 4-way set-associative cache keyed by the value's bytes. A value is
// admitted when it misses a second time in a later order than the first,
// so values that never repeat (names, streets), or only within one order
// (a product name and the line's text), do not push out the ones that do.
type valueCache struct {
	seed  uint64
	sets  [][cacheWays]string
	seen  []uint64 // per set: fingerprint<<32 | order of the value that missed last
	order uint32   // the order being read
}

const cacheWays = 4

func newValueCache(sets int) *valueCache {
	return &valueCache{seed: rand.Uint64() | 1, sets: make([][cacheWays]string, sets), seen: make([]uint64, sets)}
}

// get returns the shared string equal to b if there is one; otherwise, if
// always is set or b qualifies for admission, a new string it shares from
// now on; otherwise "", false.
func (c *valueCache) get(b []byte, always bool) (string, bool) {
	h := hashBytes(c.seed, b)
	i := h & uint64(len(c.sets)-1)
	set := &c.sets[i]
	for k := range set {
		if set[k] == string(b) {
			return set[k], true
		}
	}
	if !always {
		fp := h &^ (1<<32 - 1)
		seen := c.seen[i]
		if seen&^(1<<32-1) != fp {
			c.seen[i] = fp | uint64(c.order)
			return "", false
		}
		if uint32(seen) == c.order {
			return "", false
		}
	}
	s := string(b)
	copy(set[1:], set[:cacheWays-1])
	set[0] = s
	return s, true
}

// orderMem holds the chunks the values of the current order are taken from.
type orderMem struct {
	strs        stringArena
	values      slab[string]
	custom      slab[sfcc.CustomAttribute]
	products    slab[sfcc.ProductLineItem]
	options     slab[sfcc.OptionLineItem]
	shipping    slab[sfcc.ShippingLineItem]
	giftCerts   slab[sfcc.GiftCertificateLineItem]
	shipments   slab[sfcc.Shipment]
	payments    slab[sfcc.Payment]
	adjustments slab[sfcc.PriceAdjustment]
	taxItems    slab[sfcc.TaxItem]
	notes       slab[sfcc.Note]
}

// newOrder starts the chunks of the next order.
func (m *orderMem) newOrder() {
	m.strs.newOrder()
	m.values.newOrder()
	m.custom.newOrder()
	m.products.newOrder()
	m.options.newOrder()
	m.shipping.newOrder()
	m.giftCerts.newOrder()
	m.shipments.newOrder()
	m.payments.newOrder()
	m.adjustments.newOrder()
	m.taxItems.newOrder()
	m.notes.newOrder()
}

// hashBytes is a fast seeded hash of a short value: up to 16 bytes in two
// (overlapping) word loads, longer values eight bytes at a time, each word
// mixed in by a 128-bit multiply. Colliding inputs only cost cache misses,
// never wrong results.
func hashBytes(seed uint64, b []byte) uint64 {
	h := seed ^ uint64(len(b))*0x9E3779B97F4A7C15
	var w0, w1 uint64
	switch n := len(b); {
	case n >= 8 && n <= 16:
		w0, w1 = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	case n > 16:
		for i := 0; i+8 < n; i += 8 {
			hi, lo := bits.Mul64(h^binary.LittleEndian.Uint64(b[i:]), 0xBF58476D1CE4E5B9)
			h = hi ^ lo
		}
		w0 = binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4:
		w0, w1 = uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:]))
	default:
		for i, c := range b {
			w0 |= uint64(c) << (8 * i)
		}
	}
	hi, lo := bits.Mul64(h^w0, 0x94D049BB133111EB^w1)
	return hi ^ lo
}

package wms

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/govalues/decimal"
)

// PushedAllocation is the allocation SFCC last confirmed for a SKU in a list.
type PushedAllocation struct {
	Allocation decimal.Decimal
	// At is when SFCC confirmed it (Pusher clock), UTC.
	At time.Time
}

// LevelStore remembers, per inventory list and SKU, the latest level of each
// location and the allocation last pushed, so a Pusher that restarts sums
// every location again (not just the one that changed) and pushes exactly
// what a Pusher that never stopped would. Every method reads or writes one
// SKU; none loads or saves the whole store. Implementations must be safe for
// concurrent use, also from several processes sharing one store: SetLevel
// decides "newest wins" atomically. wmstest.RunLevelStore checks the
// contract.
type LevelStore interface {
	// SetLevel stores l as the level of (list, l.SKU, l.Location) if it
	// supersedes the stored one (see StockLevel.Supersedes) or none is
	// stored, and reports whether it did. A level that does not supersede
	// is ignored: false, nil.
	SetLevel(ctx context.Context, list string, l StockLevel) (bool, error)
	// Levels returns the stored levels of one SKU in one list, sorted by
	// location; none is not an error.
	Levels(ctx context.Context, list, sku string) ([]StockLevel, error)
	// SetPushed records the allocation SFCC last confirmed for the SKU,
	// replacing the previous one.
	SetPushed(ctx context.Context, list, sku string, p PushedAllocation) error
	// Pushed returns what SetPushed last recorded, and false when nothing was.
	Pushed(ctx context.Context, list, sku string) (PushedAllocation, bool, error)
}

// MemoryLevelStore is the in-memory LevelStore a Pusher uses by default. It
// forgets everything when the process ends; use a durable LevelStore
// (wms/wmssql) where restarts must not change what is pushed.
type MemoryLevelStore struct {
	mu     sync.Mutex
	levels map[invKey]map[string]StockLevel
	pushed map[invKey]PushedAllocation
}

var _ LevelStore = (*MemoryLevelStore)(nil)

// NewMemoryLevelStore returns an empty store.
func NewMemoryLevelStore() *MemoryLevelStore {
	return &MemoryLevelStore{levels: map[invKey]map[string]StockLevel{}, pushed: map[invKey]PushedAllocation{}}
}

// SetLevel implements LevelStore.
func (m *MemoryLevelStore) SetLevel(ctx context.Context, list string, l StockLevel) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := invKey{list, l.SKU}
	locs := m.levels[k]
	if locs == nil {
		locs = map[string]StockLevel{}
		m.levels[k] = locs
	}
	if prev, ok := locs[l.Location]; ok && !l.Supersedes(prev) {
		return false, nil
	}
	locs[l.Location] = l
	return true, nil
}

// Levels implements LevelStore.
func (m *MemoryLevelStore) Levels(ctx context.Context, list, sku string) ([]StockLevel, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]StockLevel, 0, len(m.levels[invKey{list, sku}]))
	for _, l := range m.levels[invKey{list, sku}] {
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b StockLevel) int { return cmp.Compare(a.Location, b.Location) })
	return out, nil
}

// SetPushed implements LevelStore.
func (m *MemoryLevelStore) SetPushed(ctx context.Context, list, sku string, p PushedAllocation) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pushed[invKey{list, sku}] = p
	return nil
}

// Pushed implements LevelStore.
func (m *MemoryLevelStore) Pushed(ctx context.Context, list, sku string) (PushedAllocation, bool, error) {
	if err := ctx.Err(); err != nil {
		return PushedAllocation{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.pushed[invKey{list, sku}]
	return p, ok, nil
}

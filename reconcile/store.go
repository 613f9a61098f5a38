package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/govalues/decimal"
)

// OpenItem is an expected item not (fully) settled yet. It carries over to
// the next run through a Store.
type OpenItem struct {
	Expected Expected
	// Settled is what partial captures have settled so far.
	Settled decimal.Decimal
	// FirstSeen is when a run first saw the item.
	FirstSeen time.Time
}

// Remaining is the amount still to be settled.
func (o OpenItem) Remaining() decimal.Decimal { return mustSub(o.Expected.Amount, o.Settled) }

// StoredItem is an open item as a Store keeps it: with the version every
// change to it must name, so two runs that read the same item cannot both
// change it.
type StoredItem struct {
	OpenItem
	// Version starts at 1 when the item is added and grows by one with
	// every change.
	Version int64 `json:",omitempty"`
}

// SeenFile records a settlement file already reconciled, by content digest,
// so the same file delivered again is reported and not counted twice.
type SeenFile struct {
	Name string
	// Digest is the hex SHA-256 of the file's bytes: the file's identity.
	Digest    string
	Provider  string
	FirstSeen time.Time
	// Batches are the "provider/payout" batches of a one-batch-per-file
	// format (see BatchFormat).
	Batches []string `json:",omitempty"`
}

// ClosedKey is the key (Expected.Key) of an item settled or closed as a
// mismatch, kept so an order exported again does not reopen it.
type ClosedKey struct {
	Key string
	// At is when it was closed; keys closed longer ago than the retention
	// (Config.ClosedRetention) are purged.
	At time.Time
}

// DefaultClosedRetention is how long closed keys are kept when
// Config.ClosedRetention is zero: long enough that an order exported again
// within a year and a month never reopens.
const DefaultClosedRetention = 400 * 24 * time.Hour

// Store keeps the reconciler's state between runs, item by item: the open
// expected items, the keys of closed items and the settlement files already
// reconciled. A run reads what it needs (OpenItems, ClosedKeys, SeenFiles),
// decides, and stores its decisions with one Apply, which checks that
// nothing it read has changed meanwhile: two runs at once either both land
// or the second fails with a *ConflictError and stores nothing, never the
// second silently overwriting the first.
//
// Implementations must be safe for concurrent use. A store never written
// to is empty.
type Store interface {
	// OpenItems lists every open item with its version, in key order.
	OpenItems(ctx context.Context) ([]StoredItem, error)
	// ClosedKeys reports which of keys are closed.
	ClosedKeys(ctx context.Context, keys []string) (map[string]bool, error)
	// SeenFiles returns the files already reconciled whose digest is one of
	// digests or that hold one of batches.
	SeenFiles(ctx context.Context, digests, batches []string) ([]SeenFile, error)
	// Apply stores every change or, when one does not hold, none and
	// returns a *ConflictError naming it.
	Apply(ctx context.Context, c Changes) error
}

// Changes are what one run stores, applied all or nothing. Each change
// states what the run read, and Apply refuses the whole set when the store
// says otherwise:
//   - Add: the key is neither open nor closed;
//   - Settle and Close with a Version: the item is open at that version;
//   - Close with Version 0 (an item added and closed by the same run): the
//     key is neither open nor closed;
//   - Files: neither the digest nor any of the batches is seen.
//
// Then closed keys closed before PurgeClosedBefore (when not zero) are
// removed.
type Changes struct {
	Add               []OpenItem
	Settle            []Settlement
	Close             []Closure
	Files             []SeenFile
	PurgeClosedBefore time.Time
}

// Empty reports whether c changes nothing.
func (c Changes) Empty() bool {
	return len(c.Add)+len(c.Settle)+len(c.Close)+len(c.Files) == 0 && c.PurgeClosedBefore.IsZero()
}

// Settlement is a partial settlement of an open item: its new settled sum.
type Settlement struct {
	Key     string
	Version int64
	Settled decimal.Decimal
}

// Closure closes an item: removes it from the open items (Version > 0) and
// records its key as closed at At.
type Closure struct {
	Key     string
	Version int64
	At      time.Time
}

// ErrConflict is what every *ConflictError matches with errors.Is.
var ErrConflict = errors.New("the state changed since the run read it")

// ConflictError is a run's changes refused because another run stored a
// change to the same item or file first. Nothing of the run was stored;
// running it again reads the new state.
type ConflictError struct {
	// What is "open item", "closed key", "seen file" or "batch".
	What string
	// Key is the item key, file digest or "provider/payout" batch.
	Key    string
	Reason string
}

// Error names the item and says that nothing was stored.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("reconcile: another run changed %s %s (%s); nothing of this run was stored: run it again", e.What, e.Key, e.Reason)
}

// Is matches ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// State is a whole store's content: what FileStore keeps in its JSON file
// and what MemoryStore.Load returns.
type State struct {
	// Open are the expected items still waiting for their settlement.
	Open []StoredItem
	// Closed are the keys of items settled or closed as a mismatch.
	Closed []ClosedKey
	// Files are the settlement files already reconciled.
	Files []SeenFile
}

func cloneState(s State) State {
	files := slices.Clone(s.Files)
	for i := range files {
		files[i].Batches = slices.Clone(files[i].Batches)
	}
	return State{Open: slices.Clone(s.Open), Closed: slices.Clone(s.Closed), Files: files}
}

// stateIndex is a State with its lookups, the engine of MemoryStore and
// FileStore.
type stateIndex struct {
	open    map[string]StoredItem
	closed  closedTimes
	files   map[string]SeenFile
	batches map[string]string // batch → digest
}

func indexState(s State) *stateIndex {
	x := &stateIndex{open: map[string]StoredItem{}, closed: newClosedTimes(0), files: map[string]SeenFile{}, batches: map[string]string{}}
	for _, o := range s.Open {
		if o.Version == 0 {
			o.Version = 1 // saved before items had versions
		}
		x.open[o.Expected.Key()] = o
	}
	for _, c := range s.Closed {
		x.closed.set(c.Key, c.At)
	}
	for _, f := range s.Files {
		x.files[f.Digest] = f
		for _, b := range f.Batches {
			x.batches[b] = f.Digest
		}
	}
	return x
}

func (x *stateIndex) state() State {
	var s State
	for _, o := range x.open {
		s.Open = append(s.Open, o)
	}
	slices.SortFunc(s.Open, func(a, b StoredItem) int { return compareKeys(a.Expected.Key(), b.Expected.Key()) })
	for k, at := range x.closed.all {
		s.Closed = append(s.Closed, ClosedKey{Key: k, At: at})
	}
	slices.SortFunc(s.Closed, func(a, b ClosedKey) int { return compareKeys(a.Key, b.Key) })
	for _, f := range x.files {
		s.Files = append(s.Files, f)
	}
	slices.SortFunc(s.Files, func(a, b SeenFile) int {
		if c := a.FirstSeen.Compare(b.FirstSeen); c != 0 {
			return c
		}
		return compareKeys(a.Digest, b.Digest)
	})
	return s
}

func compareKeys(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (x *stateIndex) openItems() []StoredItem { return x.state().Open }

func (x *stateIndex) closedKeys(keys []string) map[string]bool {
	out := map[string]bool{}
	for _, k := range keys {
		if x.closed.has(k) {
			out[k] = true
		}
	}
	return out
}

func (x *stateIndex) seenFiles(digests, batches []string) []SeenFile {
	found := map[string]bool{}
	var out []SeenFile
	add := func(d string) {
		if f, ok := x.files[d]; ok && !found[d] {
			found[d] = true
			f.Batches = slices.Clone(f.Batches)
			out = append(out, f)
		}
	}
	for _, d := range digests {
		add(d)
	}
	for _, b := range batches {
		if d, ok := x.batches[b]; ok {
			add(d)
		}
	}
	return out
}

// apply checks c against x and applies it to a copy, which it returns; x
// is left as it was.
func (x *stateIndex) apply(c Changes) (*stateIndex, error) {
	// The maps are sized for the changes up front: growing a map of a
	// million closed keys step by step rehashed it over and over.
	y := &stateIndex{open: cloneMap(x.open, len(c.Add)), closed: x.closed.clone(len(c.Close)),
		files: cloneMap(x.files, len(c.Files)), batches: cloneMap(x.batches, 0)}
	for _, a := range c.Add {
		k := a.Expected.Key()
		if _, ok := y.open[k]; ok {
			return nil, &ConflictError{What: "open item", Key: k, Reason: "added already"}
		}
		if y.closed.has(k) {
			return nil, &ConflictError{What: "open item", Key: k, Reason: "closed already"}
		}
		y.open[k] = StoredItem{OpenItem: a, Version: 1}
	}
	for _, s := range c.Settle {
		o, ok := y.open[s.Key]
		if !ok || o.Version != s.Version {
			return nil, &ConflictError{What: "open item", Key: s.Key, Reason: fmt.Sprintf("not open at version %d", s.Version)}
		}
		o.Settled = s.Settled
		o.Version++
		y.open[s.Key] = o
	}
	for _, cl := range c.Close {
		if cl.Version > 0 {
			o, ok := y.open[cl.Key]
			if !ok || o.Version != cl.Version {
				return nil, &ConflictError{What: "open item", Key: cl.Key, Reason: fmt.Sprintf("not open at version %d", cl.Version)}
			}
			delete(y.open, cl.Key)
		} else if _, ok := y.open[cl.Key]; ok {
			return nil, &ConflictError{What: "open item", Key: cl.Key, Reason: "added already"}
		}
		if !y.closed.addNew(cl.Key, cl.At) {
			return nil, &ConflictError{What: "closed key", Key: cl.Key, Reason: "closed already"}
		}
	}
	for _, f := range c.Files {
		if _, ok := y.files[f.Digest]; ok {
			return nil, &ConflictError{What: "seen file", Key: f.Digest, Reason: "reconciled already as " + y.files[f.Digest].Name}
		}
		for _, b := range f.Batches {
			if _, ok := y.batches[b]; ok {
				return nil, &ConflictError{What: "batch", Key: b, Reason: "reconciled already"}
			}
			y.batches[b] = f.Digest
		}
		f.Batches = slices.Clone(f.Batches)
		y.files[f.Digest] = f
	}
	if !c.PurgeClosedBefore.IsZero() {
		y.closed.purge(c.PurgeClosedBefore)
	}
	return y, nil
}

// cloneMap copies m into a map with room for extra more entries.
// closedTimes maps closed keys to when they were closed. A time that is
// exactly its Unix nanoseconds in UTC (a run's times are) is kept as those,
// 8 bytes instead of a time.Time's 24: a store holds a year of closed keys,
// a million a day for a large shop. Other times are kept as they are.
type closedTimes struct {
	utc   map[string]int64
	other map[string]time.Time
}

func newClosedTimes(n int) closedTimes {
	return closedTimes{utc: make(map[string]int64, n), other: map[string]time.Time{}}
}

func (c closedTimes) has(k string) bool {
	if _, ok := c.utc[k]; ok {
		return true
	}
	_, ok := c.other[k]
	return ok
}

func (c closedTimes) set(k string, at time.Time) {
	delete(c.utc, k)
	delete(c.other, k)
	c.add(k, at)
}

// add is set for a key c does not hold.
func (c closedTimes) add(k string, at time.Time) {
	if n := at.UnixNano(); time.Unix(0, n).UTC() == at {
		c.utc[k] = n
		return
	}
	c.other[k] = at
}

// addNew adds k closed at at unless c holds k already, and reports whether
// it did, with one hash of k where has and add take two (a run closes a
// million keys). When it reports false, k's time in c may have been
// replaced: apply then discards c.
func (c closedTimes) addNew(k string, at time.Time) bool {
	if n := at.UnixNano(); time.Unix(0, n).UTC() == at {
		return insertNew(c.utc, k, n) && !inMap(c.other, k)
	}
	return insertNew(c.other, k, at) && !inMap(c.utc, k)
}

// insertNew sets m[k] = v and reports whether m did not hold k before.
func insertNew[V any](m map[string]V, k string, v V) bool {
	before := len(m)
	m[k] = v
	return len(m) > before
}

// all yields every key with its time.
func (c closedTimes) all(yield func(string, time.Time) bool) {
	for k, n := range c.utc {
		if !yield(k, time.Unix(0, n).UTC()) {
			return
		}
	}
	for k, at := range c.other {
		if !yield(k, at) {
			return
		}
	}
}

// clone copies c with room for extra more keys.
func (c closedTimes) clone(extra int) closedTimes {
	return closedTimes{utc: cloneMap(c.utc, extra), other: cloneMap(c.other, 0)}
}

// purge removes the keys closed before t.
func (c closedTimes) purge(t time.Time) {
	for k, n := range c.utc {
		if time.Unix(0, n).Before(t) {
			delete(c.utc, k)
		}
	}
	for k, at := range c.other {
		if at.Before(t) {
			delete(c.other, k)
		}
	}
}

func cloneMap[K comparable, V any](m map[K]V, extra int) map[K]V {
	out := make(map[K]V, len(m)+extra)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// MemoryStore is a Store in memory, for tests and single-process hosts.
type MemoryStore struct {
	mu sync.Mutex
	x  *stateIndex
}

var _ Store = (*MemoryStore)(nil)

func (m *MemoryStore) index() *stateIndex {
	if m.x == nil {
		m.x = indexState(State{})
	}
	return m.x
}

// OpenItems implements Store.
func (m *MemoryStore) OpenItems(ctx context.Context) ([]StoredItem, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.index().openItems(), nil
}

// ClosedKeys implements Store.
func (m *MemoryStore) ClosedKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.index().closedKeys(keys), nil
}

// SeenFiles implements Store.
func (m *MemoryStore) SeenFiles(ctx context.Context, digests, batches []string) ([]SeenFile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.index().seenFiles(digests, batches), nil
}

// Apply implements Store.
func (m *MemoryStore) Apply(ctx context.Context, c Changes) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	y, err := m.index().apply(c)
	if err != nil {
		return err
	}
	m.x = y
	return nil
}

// Load returns a copy of the whole state, for inspection and export.
func (m *MemoryStore) Load(ctx context.Context) (State, error) {
	if err := ctx.Err(); err != nil {
		return State{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.index().state(), nil
}

// Save replaces the whole state with a copy of s, for seeding and import;
// runs change the state through Apply.
func (m *MemoryStore) Save(ctx context.Context, s State) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.x = indexState(cloneState(s))
	return nil
}

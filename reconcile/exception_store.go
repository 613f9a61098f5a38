package reconcile

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// ExceptionID identifies an exception across runs: one record per kind and
// key, however often it is seen.
type ExceptionID struct {
	Kind Kind
	Key  string
}

// ID is the exception's identity.
func (x Exception) ID() ExceptionID { return ExceptionID{Kind: x.Kind, Key: x.Key} }

// ExceptionRecord is an exception as an ExceptionStore keeps it: when it was
// first and last seen, and who resolved it.
type ExceptionRecord struct {
	// Exception is the latest sighting's kind, owner, key and detail;
	// FirstSeen is the first sighting's.
	Exception
	LastSeen time.Time
	// ResolvedBy and ResolvedAt are set once a person resolved it; a
	// sighting after ResolvedAt reopens it (both cleared, Note kept).
	ResolvedBy string
	ResolvedAt time.Time
	// Note is what the resolver wrote.
	Note string
}

// Open reports whether the exception is unresolved.
func (r ExceptionRecord) Open() bool { return r.ResolvedAt.IsZero() }

// ExceptionStatus selects exceptions by resolution.
type ExceptionStatus string

// Statuses of ExceptionQuery.
const (
	// StatusAny lists open and resolved exceptions.
	StatusAny ExceptionStatus = ""
	// StatusOpen lists unresolved exceptions.
	StatusOpen ExceptionStatus = "open"
	// StatusResolved lists resolved exceptions.
	StatusResolved ExceptionStatus = "resolved"
)

// Page sizes of ExceptionQuery.Limit.
const (
	DefaultExceptionPage = 100
	MaxExceptionPage     = 1000
)

// ExceptionQuery selects exceptions, in (kind, key) order, one page at a
// time. The zero query lists the first page of all exceptions.
type ExceptionQuery struct {
	// Owner and Kind, when set, select only that owner's or kind's.
	Owner  Owner
	Kind   Kind
	Status ExceptionStatus
	// After is the cursor: only exceptions after it in (kind, key) order;
	// pass the previous page's Next.
	After ExceptionID
	// Limit is the page size: 0 means DefaultExceptionPage, at most
	// MaxExceptionPage.
	Limit int
}

// ExceptionPage is one page of a listing.
type ExceptionPage struct {
	Records []ExceptionRecord
	// Next is the cursor of the following page; zero on the last page.
	Next ExceptionID
}

// More reports whether another page follows.
func (p ExceptionPage) More() bool { return p.Next != ExceptionID{} }

// ErrExceptionNotFound is a Resolve or Get of an exception never recorded.
var ErrExceptionNotFound = errors.New("reconcile: no such exception")

// ExceptionStore keeps exceptions across runs and processes, for the people
// who resolve them: recording one again updates its last sighting and keeps
// its first; resolving records who, when and why. Implementations must be
// safe for concurrent use.
type ExceptionStore interface {
	// Record upserts each exception by (kind, key) as seen at at: a new one
	// is first seen at its FirstSeen (at when zero); a known one gets the
	// new detail and owner and a LastSeen of at (never earlier than it
	// was), and reopens when at is after its resolution.
	Record(ctx context.Context, at time.Time, xs ...Exception) error
	// Resolve marks an exception resolved by a person at a time with a
	// note; ErrExceptionNotFound when it was never recorded.
	Resolve(ctx context.Context, id ExceptionID, by, note string, at time.Time) error
	// Get returns one exception; ErrExceptionNotFound when never recorded.
	Get(ctx context.Context, id ExceptionID) (ExceptionRecord, error)
	// List returns one page of the exceptions q selects.
	List(ctx context.Context, q ExceptionQuery) (ExceptionPage, error)
}

// CheckException checks an exception before it is recorded: a kind and a
// key are required.
func CheckException(x Exception) error {
	if x.Kind == "" || x.Key == "" {
		return fmt.Errorf("reconcile: exception %q %q: kind and key are required", x.Kind, x.Key)
	}
	return nil
}

// CheckResolve checks the arguments of ExceptionStore.Resolve.
func CheckResolve(id ExceptionID, by string, at time.Time) error {
	if by == "" || at.IsZero() {
		return fmt.Errorf("reconcile: resolve exception %s %s: who resolved it and when are required", id.Kind, id.Key)
	}
	return nil
}

// Normalize checks q and fills in its page size.
func (q ExceptionQuery) Normalize() (ExceptionQuery, error) {
	switch q.Status {
	case StatusAny, StatusOpen, StatusResolved:
	default:
		return q, fmt.Errorf("reconcile: exception status %q: want open, resolved or empty", q.Status)
	}
	if q.Limit < 0 || q.Limit > MaxExceptionPage {
		return q, fmt.Errorf("reconcile: exception page size %d: want 1 to %d", q.Limit, MaxExceptionPage)
	}
	if q.Limit == 0 {
		q.Limit = DefaultExceptionPage
	}
	return q, nil
}

// MergeException is the record after x is seen at at: the rule every
// ExceptionStore follows, exported so other implementations share it.
// ok is false for a record not seen before (old is ignored).
func MergeException(old ExceptionRecord, ok bool, x Exception, at time.Time) ExceptionRecord {
	at = at.UTC()
	if x.Owner == "" {
		x.Owner = x.Kind.Owner()
	}
	if !ok {
		first := x.FirstSeen.UTC()
		if x.FirstSeen.IsZero() || first.After(at) {
			first = at
		}
		x.FirstSeen = first
		return ExceptionRecord{Exception: x, LastSeen: at}
	}
	rec := old
	rec.Owner, rec.Detail = x.Owner, x.Detail
	if at.After(rec.LastSeen) {
		rec.LastSeen = at
	}
	if !rec.ResolvedAt.IsZero() && at.After(rec.ResolvedAt) {
		rec.ResolvedBy, rec.ResolvedAt = "", time.Time{}
	}
	return rec
}

// Selects reports whether q (normalised) selects r, cursor aside.
func (q ExceptionQuery) Selects(r ExceptionRecord) bool {
	switch {
	case q.Owner != "" && r.Owner != q.Owner, q.Kind != "" && r.Kind != q.Kind,
		q.Status == StatusOpen && !r.Open(), q.Status == StatusResolved && r.Open():
		return false
	}
	return true
}

func compareExceptionIDs(a, b ExceptionID) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Key, b.Key))
}

// MemoryExceptionStore is an ExceptionStore in memory.
type MemoryExceptionStore struct {
	mu   sync.Mutex
	recs map[ExceptionID]ExceptionRecord
}

var _ ExceptionStore = (*MemoryExceptionStore)(nil)

// Record implements ExceptionStore.
func (m *MemoryExceptionStore) Record(ctx context.Context, at time.Time, xs ...Exception) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, x := range xs {
		if err := CheckException(x); err != nil {
			return err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.recs == nil {
		m.recs = map[ExceptionID]ExceptionRecord{}
	}
	for _, x := range xs {
		old, ok := m.recs[x.ID()]
		m.recs[x.ID()] = MergeException(old, ok, x, at)
	}
	return nil
}

// Resolve implements ExceptionStore.
func (m *MemoryExceptionStore) Resolve(ctx context.Context, id ExceptionID, by, note string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := CheckResolve(id, by, at); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.recs[id]
	if !ok {
		return fmt.Errorf("%w: %s %s", ErrExceptionNotFound, id.Kind, id.Key)
	}
	r.ResolvedBy, r.ResolvedAt, r.Note = by, at.UTC(), note
	m.recs[id] = r
	return nil
}

// Get implements ExceptionStore.
func (m *MemoryExceptionStore) Get(ctx context.Context, id ExceptionID) (ExceptionRecord, error) {
	if err := ctx.Err(); err != nil {
		return ExceptionRecord{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.recs[id]
	if !ok {
		return ExceptionRecord{}, fmt.Errorf("%w: %s %s", ErrExceptionNotFound, id.Kind, id.Key)
	}
	return r, nil
}

// List implements ExceptionStore.
func (m *MemoryExceptionStore) List(ctx context.Context, q ExceptionQuery) (ExceptionPage, error) {
	if err := ctx.Err(); err != nil {
		return ExceptionPage{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return ExceptionPage{}, err
	}
	m.mu.Lock()
	var sel []ExceptionRecord
	for id, r := range m.recs {
		if q.Selects(r) && compareExceptionIDs(id, q.After) > 0 {
			sel = append(sel, r)
		}
	}
	m.mu.Unlock()
	slices.SortFunc(sel, func(a, b ExceptionRecord) int { return compareExceptionIDs(a.ID(), b.ID()) })
	var p ExceptionPage
	if len(sel) > q.Limit {
		sel = sel[:q.Limit]
		p.Next = sel[len(sel)-1].ID()
	}
	p.Records = sel
	return p, nil
}

package wms

import (
	"context"
	"slices"
	"sync"
	"time"
)

// EventState is where an event stands in the shipment sequence. The states
// are written in step order so that a run interrupted between two steps
// resumes at the first unfinished one and never repeats a notification.
type EventState string

// Event states.
const (
	// EventWaiting: sequenced event held until lower sequence numbers of its
	// order have been handled.
	EventWaiting EventState = "waiting"
	// EventRecorded: accepted; SFCC not yet (fully) written.
	EventRecorded EventState = "recorded"
	// EventWritten: tracking attributes and shipping status written.
	EventWritten EventState = "written"
	// EventNotifying: the notification was requested but not yet confirmed.
	EventNotifying EventState = "notifying"
	// EventDone: notified and confirmed. Final.
	EventDone EventState = "done"
	// EventRejected: refused for a business reason (quantities). Final.
	EventRejected EventState = "rejected"
)

// accepted reports whether an event in this state counts toward the order's
// shipped quantities.
func (s EventState) accepted() bool {
	switch s {
	case EventRecorded, EventWritten, EventNotifying, EventDone:
		return true
	}
	return false
}

// EventRecord is what an EventStore remembers about one event.
type EventRecord struct {
	Confirmation ShipmentConfirmation
	State        EventState
	// Reason says why an event was rejected.
	Reason string
	// RecordedAt is when the event was first recorded; UpdatedAt when its
	// state last changed (sequencer clock).
	RecordedAt time.Time
	UpdatedAt  time.Time
}

// EventStore remembers the shipment events a Sequencer has seen and how far
// each got. Implementations must be safe for concurrent use; the sequencer
// serialises calls for one order itself. Events are keyed by (OrderNo,
// EventID).
type EventStore interface {
	// Record stores c in the given state if no event with its key exists,
	// and returns the stored record and true; otherwise it returns the
	// existing record unchanged and false.
	Record(ctx context.Context, c ShipmentConfirmation, state EventState, at time.Time) (EventRecord, bool, error)
	// SetState moves an existing event to state (with a reason for
	// EventRejected). Setting the current state again is allowed.
	SetState(ctx context.Context, orderNo, eventID string, state EventState, reason string, at time.Time) error
	// Events returns all records of one order in sequencing order
	// (Sequence, then ShippedAt, then EventID); none is not an error.
	Events(ctx context.Context, orderNo string) ([]EventRecord, error)
	// Unfinished returns every record that is neither done nor rejected,
	// across orders, ordered by order number then sequencing order.
	Unfinished(ctx context.Context) ([]EventRecord, error)
	// OrdersShippedBefore returns, sorted, the order numbers that have at
	// least one event (accepted or waiting) with ShippedAt before cutoff.
	OrdersShippedBefore(ctx context.Context, cutoff time.Time) ([]string, error)
}

// MemoryEventStore is an in-memory EventStore, safe for concurrent use. It
// keeps every event and forgets everything when the process ends; use a
// durable implementation of EventStore (checked with wmstest.RunEventStore)
// where re-delivery after a restart matters, and let it expire finished
// events once the WMS can no longer re-deliver them.
type MemoryEventStore struct {
	mu     sync.Mutex
	orders map[string]map[string]*EventRecord
}

var _ EventStore = (*MemoryEventStore)(nil)

// NewMemoryEventStore returns an empty store.
func NewMemoryEventStore() *MemoryEventStore {
	return &MemoryEventStore{orders: map[string]map[string]*EventRecord{}}
}

func copyRecord(r *EventRecord) EventRecord {
	out := *r
	out.Confirmation.Lines = slices.Clone(r.Confirmation.Lines)
	return out
}

// Record implements EventStore.
func (m *MemoryEventStore) Record(ctx context.Context, c ShipmentConfirmation, state EventState, at time.Time) (EventRecord, bool, error) {
	if err := ctx.Err(); err != nil {
		return EventRecord{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	evs := m.orders[c.OrderNo]
	if evs == nil {
		evs = map[string]*EventRecord{}
		m.orders[c.OrderNo] = evs
	}
	if r, ok := evs[c.EventID]; ok {
		return copyRecord(r), false, nil
	}
	c.Lines = slices.Clone(c.Lines)
	r := &EventRecord{Confirmation: c, State: state, RecordedAt: at, UpdatedAt: at}
	evs[c.EventID] = r
	return copyRecord(r), true, nil
}

// SetState implements EventStore.
func (m *MemoryEventStore) SetState(ctx context.Context, orderNo, eventID string, state EventState, reason string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.orders[orderNo][eventID]
	if !ok {
		return &ConfirmationError{OrderNo: orderNo, EventID: eventID, Reason: "event not recorded", Kind: ErrInvalidConfirmation}
	}
	r.State, r.Reason, r.UpdatedAt = state, reason, at
	return nil
}

func sortRecords(rs []EventRecord) {
	slices.SortFunc(rs, func(a, b EventRecord) int {
		if c := compareStrings(a.Confirmation.OrderNo, b.Confirmation.OrderNo); c != 0 {
			return c
		}
		return compareEvents(a.Confirmation, b.Confirmation)
	})
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Events implements EventStore.
func (m *MemoryEventStore) Events(ctx context.Context, orderNo string) ([]EventRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]EventRecord, 0, len(m.orders[orderNo]))
	for _, r := range m.orders[orderNo] {
		out = append(out, copyRecord(r))
	}
	sortRecords(out)
	return out, nil
}

// Unfinished implements EventStore.
func (m *MemoryEventStore) Unfinished(ctx context.Context) ([]EventRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []EventRecord
	for _, evs := range m.orders {
		for _, r := range evs {
			if r.State != EventDone && r.State != EventRejected {
				out = append(out, copyRecord(r))
			}
		}
	}
	sortRecords(out)
	return out, nil
}

// OrdersShippedBefore implements EventStore.
func (m *MemoryEventStore) OrdersShippedBefore(ctx context.Context, cutoff time.Time) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for no, evs := range m.orders {
		for _, r := range evs {
			if r.State != EventRejected && r.Confirmation.ShippedAt.Before(cutoff) {
				out = append(out, no)
				break
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

package wmssql

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/o2ckit/o2c/internal/sqlstore"
	"github.com/o2ckit/o2c/wms"
)

// EventStore is a wms.EventStore on SQL: one row per (order, event), the
// confirmation kept as JSON, so a re-delivered event is recognised after a
// restart and by other processes.
type EventStore struct {
	db *sqlstore.DB
}

var _ wms.EventStore = (*EventStore)(nil)

// NewEventStore returns an EventStore on db.
func NewEventStore(db *sqlstore.DB) *EventStore { return &EventStore{db: db} }

const eventCols = `confirmation, state, reason, recorded_ns, updated_ns`

// order is the sequencing order of wms (Sequence, ShippedAt, EventID).
const eventOrder = `ORDER BY order_no, sequence, shipped_ns, event_id`

// Record implements wms.EventStore.
func (s *EventStore) Record(ctx context.Context, c wms.ShipmentConfirmation, state wms.EventState, at time.Time) (wms.EventRecord, bool, error) {
	if err := ctx.Err(); err != nil {
		return wms.EventRecord{}, false, err
	}
	body, err := json.Marshal(c)
	if err != nil {
		return wms.EventRecord{}, false, fmt.Errorf("wmssql: record event %s of order %s: %w", c.EventID, c.OrderNo, err)
	}
	res, err := s.db.Exec(ctx, `INSERT INTO wms_events (order_no, event_id, sequence, shipped_ns, `+eventCols+`)
		VALUES (?, ?, ?, ?, ?, ?, '', ?, ?) ON CONFLICT (order_no, event_id) DO NOTHING`,
		c.OrderNo, c.EventID, c.Sequence, sqlstore.Nanos(c.ShippedAt), string(body), string(state), sqlstore.Nanos(at), sqlstore.Nanos(at))
	if err != nil {
		return wms.EventRecord{}, false, fmt.Errorf("wmssql: record event %s of order %s: %w", c.EventID, c.OrderNo, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wms.EventRecord{}, false, fmt.Errorf("wmssql: record event %s of order %s: %w", c.EventID, c.OrderNo, err)
	}
	r, err := scanEvent(s.db.QueryRow(ctx, `SELECT `+eventCols+` FROM wms_events WHERE order_no = ? AND event_id = ?`, c.OrderNo, c.EventID))
	if err != nil {
		return wms.EventRecord{}, false, fmt.Errorf("wmssql: read event %s of order %s: %w", c.EventID, c.OrderNo, err)
	}
	return r, n > 0, nil
}

type scanner interface{ Scan(...any) error }

func scanEvent(row scanner) (wms.EventRecord, error) {
	var body, state, reason string
	var rec, upd int64
	if err := row.Scan(&body, &state, &reason, &rec, &upd); err != nil {
		return wms.EventRecord{}, err
	}
	r := wms.EventRecord{State: wms.EventState(state), Reason: reason, RecordedAt: sqlstore.Time(rec), UpdatedAt: sqlstore.Time(upd)}
	if err := json.Unmarshal([]byte(body), &r.Confirmation); err != nil {
		return wms.EventRecord{}, fmt.Errorf("stored confirmation: %w", err)
	}
	return r, nil
}

// SetState implements wms.EventStore.
func (s *EventStore) SetState(ctx context.Context, orderNo, eventID string, state wms.EventState, reason string, at time.Time) error {
	res, err := s.db.Exec(ctx, `UPDATE wms_events SET state = ?, reason = ?, updated_ns = ? WHERE order_no = ? AND event_id = ?`,
		string(state), reason, sqlstore.Nanos(at), orderNo, eventID)
	if err != nil {
		return fmt.Errorf("wmssql: set state of event %s of order %s: %w", eventID, orderNo, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return &wms.ConfirmationError{OrderNo: orderNo, EventID: eventID, Reason: "event not recorded", Kind: wms.ErrInvalidConfirmation}
	}
	return nil
}

func (s *EventStore) list(ctx context.Context, what, where string, args ...any) ([]wms.EventRecord, error) {
	rows, err := s.db.Query(ctx, `SELECT `+eventCols+` FROM wms_events WHERE `+where+` `+eventOrder, args...)
	if err != nil {
		return nil, fmt.Errorf("wmssql: %s: %w", what, err)
	}
	defer rows.Close()
	out := []wms.EventRecord{}
	for rows.Next() {
		r, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("wmssql: %s: %w", what, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("wmssql: %s: %w", what, err)
	}
	return out, nil
}

// Events implements wms.EventStore.
func (s *EventStore) Events(ctx context.Context, orderNo string) ([]wms.EventRecord, error) {
	return s.list(ctx, "events of order "+orderNo, "order_no = ?", orderNo)
}

// Unfinished implements wms.EventStore.
func (s *EventStore) Unfinished(ctx context.Context) ([]wms.EventRecord, error) {
	return s.list(ctx, "unfinished events", "state <> ? AND state <> ?", string(wms.EventDone), string(wms.EventRejected))
}

// OrdersShippedBefore implements wms.EventStore.
func (s *EventStore) OrdersShippedBefore(ctx context.Context, cutoff time.Time) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT DISTINCT order_no FROM wms_events WHERE state <> ? AND shipped_ns < ? ORDER BY order_no`,
		string(wms.EventRejected), sqlstore.Nanos(cutoff))
	if err != nil {
		return nil, fmt.Errorf("wmssql: orders shipped before %s: %w", cutoff.Format(time.RFC3339), err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var no string
		if err := rows.Scan(&no); err != nil {
			return nil, err
		}
		out = append(out, no)
	}
	return out, rows.Err()
}

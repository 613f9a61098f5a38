package wmssql

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/sqlstore"
	"github.com/o2ckit/o2c/wms"
)

// LevelStore is a wms.LevelStore on SQL. Every method is one statement, so
// processes sharing the database never lose each other's levels.
type LevelStore struct {
	db *sqlstore.DB
}

var _ wms.LevelStore = (*LevelStore)(nil)

// NewLevelStore returns a LevelStore on db.
func NewLevelStore(db *sqlstore.DB) *LevelStore { return &LevelStore{db: db} }

// supersedes is StockLevel.Supersedes in SQL: by sequence when both carry
// one, else by time (0 is the zero time), arrival order when neither has.
const supersedes = `(CASE WHEN excluded.sequence <> 0 AND wms_levels.sequence <> 0
	THEN excluded.sequence > wms_levels.sequence
	ELSE (excluded.at_ns = 0 AND wms_levels.at_ns = 0) OR excluded.at_ns > wms_levels.at_ns END)`

// SetLevel implements wms.LevelStore.
func (s *LevelStore) SetLevel(ctx context.Context, list string, l wms.StockLevel) (bool, error) {
	res, err := s.db.Exec(ctx, `INSERT INTO wms_levels (list, sku, location, available, sequence, at_ns)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (list, sku, location) DO UPDATE SET available = excluded.available,
			sequence = excluded.sequence, at_ns = excluded.at_ns
		WHERE `+supersedes,
		list, l.SKU, l.Location, l.Available.String(), l.Sequence, sqlstore.Nanos(l.At))
	if err != nil {
		return false, fmt.Errorf("wmssql: set level of SKU %s at %q in list %s: %w", l.SKU, l.Location, list, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("wmssql: set level of SKU %s at %q in list %s: %w", l.SKU, l.Location, list, err)
	}
	return n > 0, nil
}

// Levels implements wms.LevelStore.
func (s *LevelStore) Levels(ctx context.Context, list, sku string) ([]wms.StockLevel, error) {
	rows, err := s.db.Query(ctx, `SELECT location, available, sequence, at_ns FROM wms_levels
		WHERE list = ? AND sku = ? ORDER BY location`, list, sku)
	if err != nil {
		return nil, fmt.Errorf("wmssql: levels of SKU %s in list %s: %w", sku, list, err)
	}
	defer rows.Close()
	var out []wms.StockLevel
	for rows.Next() {
		l := wms.StockLevel{SKU: sku}
		var avail string
		var at int64
		if err := rows.Scan(&l.Location, &avail, &l.Sequence, &at); err != nil {
			return nil, fmt.Errorf("wmssql: levels of SKU %s in list %s: %w", sku, list, err)
		}
		if l.Available, err = decimal.Parse(avail); err != nil {
			return nil, fmt.Errorf("wmssql: level of SKU %s at %q in list %s: stored quantity %q: %w", sku, l.Location, list, avail, err)
		}
		l.At = sqlstore.Time(at)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("wmssql: levels of SKU %s in list %s: %w", sku, list, err)
	}
	return out, nil
}

// SetPushed implements wms.LevelStore.
func (s *LevelStore) SetPushed(ctx context.Context, list, sku string, p wms.PushedAllocation) error {
	_, err := s.db.Exec(ctx, `INSERT INTO wms_pushed (list, sku, allocation, pushed_ns) VALUES (?, ?, ?, ?)
		ON CONFLICT (list, sku) DO UPDATE SET allocation = excluded.allocation, pushed_ns = excluded.pushed_ns`,
		list, sku, p.Allocation.String(), sqlstore.Nanos(p.At))
	if err != nil {
		return fmt.Errorf("wmssql: record push of SKU %s in list %s: %w", sku, list, err)
	}
	return nil
}

// Pushed implements wms.LevelStore.
func (s *LevelStore) Pushed(ctx context.Context, list, sku string) (wms.PushedAllocation, bool, error) {
	var alloc string
	var at int64
	err := s.db.QueryRow(ctx, `SELECT allocation, pushed_ns FROM wms_pushed WHERE list = ? AND sku = ?`, list, sku).Scan(&alloc, &at)
	if err == sql.ErrNoRows {
		return wms.PushedAllocation{}, false, nil
	}
	if err != nil {
		return wms.PushedAllocation{}, false, fmt.Errorf("wmssql: push of SKU %s in list %s: %w", sku, list, err)
	}
	d, err := decimal.Parse(alloc)
	if err != nil {
		return wms.PushedAllocation{}, false, fmt.Errorf("wmssql: push of SKU %s in list %s: stored allocation %q: %w", sku, list, alloc, err)
	}
	return wms.PushedAllocation{Allocation: d, At: sqlstore.Time(at)}, true, nil
}

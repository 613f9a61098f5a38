package main

import (
	"context"
	"fmt"
	"time"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/dedupe/dedupesql"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erpsql"
	"github.com/o2ckit/o2c/internal/ctxwait"
	"github.com/o2ckit/o2c/internal/sqlstore"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/reconcilesql"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmssql"
)

// This file is the one place o2cd chooses its stores. Everything durable
// lives in the one database behind -db, next to River's tables, so a job is
// enqueued in the same transaction as the state change that causes it.
//
// The export ledger is erp/erpsql's, so "where did order X go" survives
// restarts and is shared by every worker. Exceptions live in reconcile's
// durable exception store (reconcile/reconcilesql): the same kinds, owners
// and history (first and last seen, resolved by whom and why) as the
// settlement run and the other examples, listed by the connector API and the
// operations console. The settlement state (open items, seen files) is
// reconcilesql's too.

// stores are the durable stores the jobs use.
type stores struct {
	events     wms.EventStore
	levels     wms.LevelStore
	claims     dedupe.ClaimStore
	ledger     erp.ExportLedger
	exceptions reconcile.ExceptionStore
	settlement reconcile.Store
	expected   *expectedStore
	reports    *reportStore
	outcomes   *outcomeStore
	activity   *activityStore
}

func openStores(ctx context.Context, db *sqlstore.DB) (stores, error) {
	if err := createTables(ctx, db); err != nil {
		return stores{}, err
	}
	return stores{
		events:     wmssql.NewEventStore(db),
		levels:     wmssql.NewLevelStore(db),
		claims:     dedupesql.NewClaimStore(db),
		ledger:     erpsql.NewExportLedger(db),
		exceptions: reconcilesql.NewExceptionStore(db),
		settlement: reconcilesql.New(db),
		expected:   &expectedStore{db: db},
		reports:    &reportStore{db: db},
		outcomes:   &outcomeStore{db: db},
		activity:   &activityStore{db: db},
	}, nil
}

// o2cdTables are o2cd's own bookkeeping: what each job did (the summary's
// figures), exported payments waiting for a settlement run, the settlement
// reports, the connector API's idempotent answers, and when the periodic jobs last found work (the
// -until-idle rule). Statements are portable between SQLite and PostgreSQL.
var o2cdTables = []string{
	`CREATE TABLE IF NOT EXISTS o2cd_outcomes (
		kind TEXT NOT NULL, item TEXT NOT NULL, outcome TEXT NOT NULL, updated_at BIGINT NOT NULL,
		PRIMARY KEY (kind, item))`,
	`CREATE TABLE IF NOT EXISTS o2cd_expected (
		item TEXT NOT NULL PRIMARY KEY, data TEXT NOT NULL, added_at BIGINT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS o2cd_settlement_reports (
		file TEXT NOT NULL PRIMARY KEY, run_at BIGINT NOT NULL, html TEXT NOT NULL,
		matched BIGINT NOT NULL, open_items BIGINT NOT NULL, exceptions BIGINT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS o2cd_idempotency (
		ikey TEXT NOT NULL PRIMARY KEY, expires_at BIGINT NOT NULL, status BIGINT,
		content_type TEXT, body TEXT, fingerprint TEXT)`,
	`CREATE TABLE IF NOT EXISTS o2cd_activity (
		name TEXT NOT NULL PRIMARY KEY, started_at BIGINT NOT NULL, found_at BIGINT NOT NULL, empty_at BIGINT NOT NULL)`,
}

// createTables creates o2cd's tables. Several processes may start at once:
// PostgreSQL can refuse a concurrent CREATE TABLE IF NOT EXISTS of the same
// table, so a failure is tried again.
func createTables(ctx context.Context, db *sqlstore.DB) error {
	var err error
	for range 5 {
		err = nil
		for _, stmt := range o2cdTables {
			if _, err = db.Exec(ctx, stmt); err != nil {
				break
			}
		}
		if err == nil {
			return nil
		}
		if err := ctxwait.Sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	return fmt.Errorf("o2cd: create tables: %w", err)
}

// outcomeStore remembers the last outcome per (kind, item): the summary
// counts them, so figures are the same however many processes did the work.
type outcomeStore struct{ db *sqlstore.DB }

// Outcome kinds and values.
const (
	outcomeOrder        = "order"        // item order number: exported | failed
	outcomeShipment     = "shipment"     // item "order/event": applied | rejected
	outcomeNotification = "notification" // item "order/event": sent
	outcomeSKU          = "sku"          // item "list/SKU": pushed
)

func (s *outcomeStore) set(ctx context.Context, kind, item, outcome string, at time.Time) error {
	_, err := s.db.Exec(ctx, `INSERT INTO o2cd_outcomes (kind, item, outcome, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (kind, item) DO UPDATE SET outcome = excluded.outcome, updated_at = excluded.updated_at`,
		kind, item, outcome, sqlstore.Nanos(at))
	return err
}

func (s *outcomeStore) count(ctx context.Context, kind, outcome string) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM o2cd_outcomes WHERE kind = ? AND outcome = ?`, kind, outcome).Scan(&n)
	return n, err
}

// activityStore records, per periodic job and for the row "work", when a
// run last started, when work was last found and when a run last found
// none (see idle.go). Each column only moves forward.
type activityStore struct{ db *sqlstore.DB }

// workRow is the activity row every job that did work moves forward.
const workRow = "work"

// found records that name found or did work at t (the latest time wins).
func (s *activityStore) found(ctx context.Context, name string, t time.Time) error {
	return s.advance(ctx, "found_at", name, t)
}

// started records that a run of name started at t.
func (s *activityStore) started(ctx context.Context, name string, t time.Time) error {
	return s.advance(ctx, "started_at", name, t)
}

// advance moves one column of name's row to t unless it is already later.
// col is one of the three column names, never input.
func (s *activityStore) advance(ctx context.Context, col, name string, t time.Time) error {
	_, err := s.db.Exec(ctx, `INSERT INTO o2cd_activity (name, started_at, found_at, empty_at) VALUES (?, 0, 0, 0)
		ON CONFLICT (name) DO NOTHING`, name)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE o2cd_activity SET `+col+` = ? WHERE name = ? AND `+col+` < ?`, sqlstore.Nanos(t), name, sqlstore.Nanos(t))
	return err
}

// empty records that a run of name that started at t found no work.
func (s *activityStore) empty(ctx context.Context, name string, t time.Time) error {
	return s.advance(ctx, "empty_at", name, t)
}

// activity is one row of o2cd_activity.
type activity struct{ started, found, empty time.Time }

// lastDone is when a run last completed, with or without work.
func (a activity) lastDone() time.Time {
	if a.empty.After(a.found) {
		return a.empty
	}
	return a.found
}

func (s *activityStore) all(ctx context.Context) (map[string]activity, error) {
	rows, err := s.db.Query(ctx, `SELECT name, started_at, found_at, empty_at FROM o2cd_activity`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]activity{}
	for rows.Next() {
		var name string
		var st, f, e int64
		if err := rows.Scan(&name, &st, &f, &e); err != nil {
			return nil, err
		}
		out[name] = activity{sqlstore.Time(st), sqlstore.Time(f), sqlstore.Time(e)}
	}
	return out, rows.Err()
}

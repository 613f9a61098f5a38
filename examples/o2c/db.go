package main

import (
	"context"
	"fmt"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/dedupe/dedupesql"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erpsql"
	"github.com/o2ckit/o2c/internal/sqlstore"
	_ "github.com/o2ckit/o2c/internal/sqlstore/drivers" // SQLite and PostgreSQL for -db
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmssql"
)

// dbUsage is the -db flag's help.
const dbUsage = "keep the export ledger, shipment events, stock levels and customer claims in `DSN` " +
	"(sqlite:PATH or postgres://...) instead of memory; the state outlives the run, so with the embedded " +
	"simulator (new every run) give each run a new database"

// stores is where the day keeps the state its components remember. Each
// field left nil makes the component use its in-memory default.
type stores struct {
	db     *sqlstore.DB
	ledger erp.ExportLedger
	events wms.EventStore
	levels wms.LevelStore
	claims dedupe.ClaimStore
}

// openStores opens the database dsn names and its stores; "" keeps
// everything in memory.
func openStores(ctx context.Context, dsn string) (*stores, error) {
	if dsn == "" {
		return &stores{}, nil
	}
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("-db: %w", err)
	}
	return &stores{db: db, ledger: erpsql.NewExportLedger(db), events: wmssql.NewEventStore(db),
		levels: wmssql.NewLevelStore(db), claims: dedupesql.NewClaimStore(db)}, nil
}

// Close closes the database, if any.
func (s *stores) Close() error {
	if s == nil || s.db == nil {
		return nil
	}
	return s.db.Close()
}

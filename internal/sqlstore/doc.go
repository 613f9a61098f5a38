// Package sqlstore is the SQL foundation under o2c's durable stores: one
// schema, with migrations embedded in the binary and applied idempotently
// (several processes may start at once), and a small dialect layer so one
// set of statements runs on SQLite (modernc.org/sqlite, the embedded
// default: a file next to the host) and PostgreSQL (pgx's database/sql
// driver: several processes or machines).
//
// It is written against database/sql only and registers no driver: a host
// imports internal/sqlstore/drivers (or its own driver) to choose. The core
// packages (sfcc, erp, wms, mapping, reconcile, dedupe) import neither; their
// SQL implementations live in sub-packages (wms/wmssql, dedupe/dedupesql,
// erp/erpsql).
//
// Concurrency rules every store follows:
//   - Writes of one item are one statement where possible: INSERT ... ON
//     CONFLICT DO NOTHING for "create once", and ON CONFLICT DO UPDATE ...
//     WHERE for "newest wins" or "take over a stale claim". Both dialects
//     run these atomically, so concurrent writers never lose an update.
//   - Read-modify-write of several rows runs in DB.WriteTx: on SQLite the
//     transaction starts with BEGIN IMMEDIATE (the write lock is taken up
//     front, so two writers never deadlock on lock upgrade) and waits out
//     other writers with busy_timeout; on PostgreSQL it runs SERIALIZABLE
//     and is retried on serialization failures and deadlocks.
//   - SQLite runs in WAL mode so readers never block the writer.
//
// Adding a store (the reconcile items, the export ledger, the exception
// store): add the next numbered file to migrations/ (never edit an applied
// one; tables are prefixed with their package, e.g. reconcile_open_items),
// write the implementation in a sub-package of the package that owns the
// interface, on DB.Exec/Query/WriteTx with "?" placeholders (Rebind turns
// them into $n for PostgreSQL), and run the package's conformance suite
// through sqlstoretest.Each so it is proven on both dialects. Times are
// stored as Unix nanoseconds (BIGINT; 0 for the zero time, see Nanos and
// Time), decimals as their canonical TEXT, so comparisons and equality
// behave the same on both dialects.
package sqlstore

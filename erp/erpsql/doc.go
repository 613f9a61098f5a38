// Package erpsql implements erp.ExportLedger on an internal/sqlstore
// database (SQLite or PostgreSQL), so the record of which ERP sales order and
// journal each SFCC order's export made survives restarts and is shared by
// every process exporting from the same database. Its table comes with
// sqlstore's embedded migrations. It registers no driver: a host imports
// internal/sqlstore/drivers (or its own) to choose.
//
// It does not own the export flow (erp.Exporter) or the ERP's own
// idempotency, which is what keeps a repeated export from making a second
// document; the ledger answers "where did order X go".
package erpsql

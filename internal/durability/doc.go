// Package durability holds o2c's process-level proofs of its crash and
// concurrency claims. Its tests run the export flow (erp.Exporter with the
// SQL export ledger and dedupe claims) and the stock flow (wms.Pusher with
// the SQL level store) in child processes against SQLite and PostgreSQL,
// while SFCC (sfcctest), the ERP (erptest behind erphttp) and the WMS feed
// (wmstest behind wmshttp) live in the test process, so their state
// survives every child's death:
//
//   - crash tests kill the child with SIGKILL at seeded random points —
//     before a request takes effect, after it took effect but before the
//     answer arrives, or just after the answer while the child writes its
//     stores — restart it, and check the end state equals an uninterrupted
//     run's;
//   - concurrency tests run three children on one database doing the same
//     work and check nothing is created twice and nothing is lost.
//
// The package has no API: everything is in its tests (go test
// ./internal/durability; -short skips them).
package durability

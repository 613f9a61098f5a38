// Package erptest holds a strict in-memory ERP (ERP), the conformance suite
// any erp adapter can run to prove it keeps the contract the fake keeps,
// and sample data a consumer loads in one line.
//
// The suite is a table of exported, named tests (Tests) that RunSuite runs
// as subtests; Features lets an adapter declare what it does not support
// (no ledger, a backend that cannot be made to fail) so the rest still
// runs. It checks every field of Customer, SalesOrder and JournalEntry
// round-trips, that "same content" is by value (erp.SameSalesOrder,
// erp.SameJournal), idempotent creates under concurrency and after a lost
// response, and — through a FaultInjector on the adapter's backend — that a
// backend failure surfaces as erp.ErrUnavailable.
//
// The fake behaves like the ERPs o2c talks to: customer emails are unique
// ignoring case, a second sales order with an external reference that
// exists never makes a second document, journals must balance, and every
// record it returns is a copy. Tests inject the clock, latency (as a wait
// function, so no test sleeps) and transient failures, and read per-method
// call counters. It is safe for concurrent use.
//
// SampleOrders, SampleTables and SampleSalesOrder are ready-made data: SFCC
// orders decoded from an Order XML export, the mapping tables that
// translate them, and valid ERP documents.
//
// It does not own the documents' arithmetic (erp.SalesOrder.Validate,
// erp.JournalEntry.Validate) or any real ERP's wire protocol.
package erptest

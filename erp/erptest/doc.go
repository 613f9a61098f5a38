// Package erptest holds a strict in-memory ERP (ERP) and the conformance
// suite (Run) any erp adapter can run to prove it keeps the contract the
// fake keeps.
//
// The fake behaves like the ERPs o2c talks to: customer emails are unique
// ignoring case, a second sales order with an external reference that
// exists never makes a second document, journals must balance, and every
// record it returns is a copy. Tests inject the clock, latency (as a wait
// function, so no test sleeps) and transient failures, and read per-method
// call counters. It is safe for concurrent use.
//
// It does not own the documents' arithmetic (erp.SalesOrder.Validate,
// erp.JournalEntry.Validate) or any real ERP's wire protocol.
package erptest

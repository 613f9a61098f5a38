// Package erp is the ERP boundary of o2c: the documents a store's ERP keeps
// (Customer, SalesOrder, JournalEntry), the interfaces an ERP adapter
// implements (Customers, SalesOrders, Ledger), and the pure, deterministic
// translation of an sfcc.Order through the mapping tables into a SalesOrder
// whose total equals the SFCC order total exactly, and into a balanced
// double-entry journal.
//
// It owns the finance rules (gross and net taxation, tax allocation by
// largest remainder, discount lines per promotion split across tax codes,
// gift certificates as a liability, split tenders, the rounding account).
// It does not own the tables themselves (package mapping), talking to any
// particular ERP (adapters live with their hosts; erp/erptest holds a strict
// in-memory fake and the conformance suite adapters run), or customer
// lookup-or-create (package dedupe, which erp.Customers satisfies).
package erp

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
//
// The Exporter owns the export flow: search READY orders, resolve each
// order's customer (dedupe, through OrderCustomer), translate, create the
// sales order and post the journal, mark the order EXPORTED — or FAILED
// with the reason in its error attribute. SameSalesOrder and SameJournal
// define "same content" for the idempotent creates of every adapter.
//
// # Transient and permanent
//
// One rule decides what becomes of an order whose export meets an error.
// An error is transient when a system could not answer: ErrUnavailable from
// the ERP adapter, an error whose Temporary method reports true (an SFCC 429
// or 5xx), a transport failure, or the context ending (see Transient). The
// order stays READY, the report says ExportUnavailable, and the next run
// exports it. Every other error says the order cannot be exported as it is
// (a mapping gap, totals that do not reconcile, an invalid email, a
// document the ERP refuses as invalid or conflicting): the order is marked
// FAILED with the reason, and the report's *ExportError names its owner.
// An adapter must therefore map its backend's 5xx and timeouts to
// ErrUnavailable (erptest checks it), or orders are failed that would have
// gone through an hour later.
//
// # One owner for retries
//
// The layer nearest the wire retries: the SFCC client retries its idempotent
// calls (and the order search) and the ERP adapter retries its backend. The
// Exporter does not retry either: an error that reaches it has been retried
// already and is final for this run. It records it (the order stays READY)
// and leaves the next attempt to the host's schedule or job engine, so an
// outage costs the client's attempts per call, never a product of layers.
//
// # Telemetry
//
// ExporterConfig.MeterProvider and ExporterConfig.TracerProvider receive the
// Exporter's OpenTelemetry metrics (MetricOrdersExported,
// MetricOldestReadyAge) and spans (SpanExportReady, SpanExportOrder). Both
// default to no-op; the package never reads the global providers. Give the
// SFCC client the same TracerProvider and its request spans nest under the
// order's span, so one trace shows an export and every SFCC call it made.
// Spans name the order number, never the customer: an email address in an
// error's text is redacted before it reaches a span.
package erp

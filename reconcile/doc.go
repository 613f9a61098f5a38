// Package reconcile settles every SFCC payment against what the payment
// providers actually paid out, and gives every exception of the order-to-cash
// flow an owner.
//
// It owns:
//   - the settlement readers (Adyen settlement details, classic and
//     extended; Stripe itemized payout reconciliation; PayPal STL; any other
//     provider's CSV through a ColumnMapping), streaming, by header name,
//     into one normalised SettlementLine with exact decimal amounts, every
//     amount within MaxAmount and every sum of a run within its budget, the
//     CSV split by the module's one opener (BOM, broken rows reported at
//     their line, CSVLimits on field and record size);
//   - the expected side: payments of sfcc.Order (ExpectedFromOrder) and the
//     refunds the host reports (Refund), given as a slice or streamed
//     (Input.ExpectedSeq) from a database cursor or a file while the run
//     reads the settlement files;
//   - the deterministic matcher (PSP reference, then order number and
//     amount, then ToleranceRules; partial captures, grouped settlements,
//     review instead of guessing) and open items carried across runs through
//     a per-item Store (MemoryStore; FileStore, locked for a whole run and
//     written durably; reconcilesql on SQLite or PostgreSQL) whose Apply
//     stores a run's changes all or none and refuses a lost update with a
//     *ConflictError, overdue after an SLA, closed keys purged after a
//     retention; Prepare and Pending.Commit let the host store the state
//     only once its outputs are written;
//   - the Report per payout and in total, written as JSON, CSV and one
//     self-contained HTML page (CSV text cells neutralised against formula
//     injection, SpreadsheetSafe), with balanced fee and payout Journals whose
//     accounts come from the mapping package's accounts table;
//   - the Exception vocabulary (kind, owner, key, detail, first seen) and the
//     Classifier that turns errors and findings into exceptions by the
//     methods they carry (Exceptional: ExceptionKind, Owner, ExceptionKey),
//     so the typed errors of sfcc, mapping, wms, dedupe, erp — and a host's
//     own — classify without reconcile importing their packages; and the
//     ExceptionStore that keeps them across runs (first and last seen,
//     resolved by whom, when and why; queried by owner, kind and status a
//     page at a time). docs/operations.md is the manual for the people who
//     resolve them.
//
// It does not fetch settlement files or orders (the host does), post
// journals (erpjournal.Entry converts them for an erp.Ledger), or resolve
// exceptions (people do, through an ExceptionStore). Package reconcilesql
// keeps the state and the exceptions in SQLite or PostgreSQL; package
// reconciletest holds the conformance suites of both stores. A Run keeps
// one day's lines in memory.
package reconcile

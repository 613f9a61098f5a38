// Package mapping holds the tables finance and operations own that turn SFCC
// codes into ERP codes: payments (kind, card type or method name, processor →
// ERP payment method, clearing account, PSP), promotions (→ discount account
// and/or item), tax (country, rate, optional tax class → VAT/tax code and
// account), shipping methods (→ carrier service, shipping item and revenue
// account), custom attributes (→ target field with a maximum length) and named
// accounts (gift-certificate liability, rounding, revenue, chosen fallbacks).
//
// Tables are edited as CSV in a spreadsheet (JSON is also accepted) and are
// loaded strictly: a missing column, a duplicate or conflicting key, an
// overlapping validity range or a blank code is an error naming the file and
// line. Rows may carry valid_from/valid_to dates and the order date picks the
// row. A key column may hold "*" to match anything; the most specific matching
// row wins. Keys match exactly, except where the platform treats a code
// case-insensitively: a tax row's country and a payment row's kind and card
// type or method name match whatever their case ("gb" is GB, "VISA" is
// Visa); ids (processors, promotions, shipping methods, attributes) stay
// case-sensitive. A default is only ever such an explicit row: a lookup that finds
// nothing returns a *MissingError naming the table and key. Audit runs a batch
// of orders through the tables and reports every missing key once.
//
// The package knows nothing of SFCC or ERP types: tables are keyed by plain
// strings, and callers (package erp) say which keys an order needs. Loaded
// Tables are immutable and safe for concurrent use.
package mapping

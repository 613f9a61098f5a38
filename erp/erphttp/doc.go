// Package erphttp carries the ERP interfaces (erp.Customers, erp.SalesOrders,
// erp.Ledger) over a small JSON REST API: Handler serves any implementation
// of them, Client implements them against that API. Client is the reference
// ERP adapter: a host whose ERP speaks another protocol copies it and
// changes the wire, keeping the error mapping and the idempotency rules, and
// proves the result with erptest.Run as this package's tests do.
//
// # The API
//
// Paths are relative to the base URL the handler is mounted at. Bodies are
// JSON with snake_case names; money, quantities and rates are decimal
// strings ("36.90"), never JSON floats (a bare number is still parsed
// exactly, as a decimal); times are RFC 3339 in UTC.
//
//	GET  /v1/customers?email=E           200 {"customers":[customer...]}  (email equal ignoring case)
//	POST /v1/customers                   201 customer                     409 duplicate_customer, 422 invalid
//	GET  /v1/customers/{id}              200 customer                     404 not_found
//	PUT  /v1/sales_orders/{external_ref} 200 sales order                  409 conflict, 422 invalid
//	GET  /v1/sales_orders/{external_ref} 200 sales order                  404 not_found
//	PUT  /v1/journals/{reference}        200 journal                      409 conflict, 422 unbalanced or invalid
//	GET  /v1/journals/{reference}        200 journal                      404 not_found
//
// A customer is {"id","email","customer_no","registered","first_name",
// "last_name","phone","address":{"line1","line2","city","postal_code",
// "state_code","country_code"},"created"}; sales orders and journals are
// erp.SalesOrder and erp.JournalEntry as their json tags spell them.
// Sales orders and journals are written with PUT to their key, so a repeat
// is the same request: the ERP answers the document that exists when the
// content is the same, 409 when it differs. The key in the path must equal
// the one in the body (422 naming the field otherwise).
//
// Every error answers with one body:
//
//	{"error":{"code":"conflict","message":"...","key":"00001234","field":""}}
//
// code is one of not_found (404), duplicate_customer and conflict (409),
// invalid and unbalanced (422, field names the offending JSON field),
// unavailable (503, with Retry-After in seconds), unauthorized (401),
// bad_request (400), too_large (413), method_not_allowed (405) and
// internal (500). key is the business key the error concerns (the external
// reference, journal reference, customer id, or the redacted email).
//
// # Errors and retries
//
// Client maps every answer back to the erp sentinels: the codes above to
// erp.ErrNotFound, erp.ErrDuplicateCustomer, erp.ErrConflict, erp.ErrInvalid
// and erp.ErrUnbalanced, and any 5xx, 429, or a request whose answer never
// arrived (connection reset, timeout) to erp.ErrUnavailable: the write may
// or may not have happened, and repeating it with the same key is safe.
// Every error is an *Error with the status, code, key and field.
//
// Client is the layer nearest the ERP's wire, so it owns the ERP retries:
// it repeats a call that ended in erp.ErrUnavailable up to
// Config.MaxRetries times (default DefaultMaxRetries), waiting an
// exponential backoff or the server's Retry-After, whichever is longer.
// Every call is safe to repeat: reads, PUTs keyed on the external reference,
// and customer creates, whose repeat after a lost answer ends in
// erp.ErrDuplicateCustomer, which the dedupe Resolver recovers from by
// finding the record. Callers above (the Exporter, the job engine) treat an
// erp.ErrUnavailable from Client as already retried. Nothing else is
// retried.
//
// An optional bearer token (Config.Token on the client, HandlerConfig.Token
// on the handler) protects the API; it never appears in errors or logs.
//
// The package does not own the ERP's rules (erptest.ERP or a real ERP keep
// them) or any ERP vendor's own protocol.
package erphttp

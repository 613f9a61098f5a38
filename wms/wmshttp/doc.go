// Package wmshttp carries a WMS feed over a small JSON REST API: Handler
// serves any wms.ConfirmationSource and wms.LevelSource, Client implements
// both against that API, so wms.PumpConfirmations and wms.PumpLevels run
// against a WMS in another process. A host whose WMS speaks another protocol
// copies Client, changes the wire and proves it with wmstest's
// RunConfirmationSource and RunLevelSource, as this package's tests do.
//
// # The API
//
// Paths are relative to where the handler is mounted. Bodies are JSON with
// snake_case names; quantities are decimal strings ("2"), never JSON
// floats; times are RFC 3339 in UTC.
//
//	GET  /v1/confirmations?max=N   200 {"confirmations":[confirmation...]}
//	POST /v1/confirmations/ack     204  body {"confirmations":[{"order_no","event_id"}...]}
//	GET  /v1/levels?max=N          200 {"levels":[level...]}
//	POST /v1/levels/ack            204  body {"levels":[level...]}
//
// A confirmation is {"order_no","event_id","shipment_id","sequence",
// "lines":[{"sku","quantity"}],"carrier","service","tracking_number",
// "tracking_url","shipped_at"}; a level is {"sku","location","available",
// "sequence","at"} and is acknowledged by its sku, location, sequence and
// at. Delivery is at least once: an item comes back on every fetch until it
// is acknowledged; acknowledging twice or an unknown item is fine. max is
// 1 to MaxBatch.
//
// Errors answer {"error":{"code","message","key","field"}} with the codes
// invalid (422, field names the parameter or JSON field), bad_request
// (400), too_large (413), unauthorized (401), not_found (404),
// method_not_allowed (405) and unavailable (503 with Retry-After).
//
// # Errors and retries
//
// Client returns an *Error for every refused or lost call; a 5xx, a 429 or
// an answer that never arrived matches ErrUnavailable. Client owns the
// retries toward the WMS (it is nearest the wire): it repeats a call that
// ended in ErrUnavailable up to Config.MaxRetries times, waiting a doubling
// backoff or the server's Retry-After. Fetches and acknowledgements are
// safe to repeat, so nothing else is needed; the pumps above treat an
// ErrUnavailable as already retried. An optional bearer token protects the
// API and never appears in errors or logs.
package wmshttp

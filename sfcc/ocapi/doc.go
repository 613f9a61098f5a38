// Package ocapi is o2c's client for SFCC's OCAPI Data and Shop APIs: Account
// Manager authentication, a transport stack (client-side rate limit,
// retries of requests that are safe to repeat, bearer auth), typed errors
// and OCAPI batches.
//
// A Client (NewClient) sets order statuses and custom attributes (Data API),
// reads and searches orders (Shop API), reads and writes product inventory
// records, and sends OCAPI batches of up to 50 sub-requests. It shares one
// Account Manager token between goroutines, retries only requests that are
// safe to repeat — reads, PUT/PATCH/DELETE and the order_search POST, which
// changes nothing — and turns every non-2xx answer into an *sfcc.Error.
// Secrets and tokens never appear in its errors or log lines.
//
// Retries have one owner: this client. It is the layer nearest the wire, so
// an error it returns has already been retried as far as its Config allows;
// flows above it (erp.Exporter, wms.Sequencer) treat such an error as final
// for this attempt and record it or hand it to a job engine instead of
// retrying again.
//
// The model it reads and writes (sfcc.Order, statuses, inventory records)
// lives in package sfcc; *Client satisfies the small interfaces of that
// package, as the SCAPI client in sfcc/scapi does.
//
// Telemetry: Config.MeterProvider and Config.TracerProvider receive the
// client's OpenTelemetry metrics (one count and duration per HTTP attempt)
// and spans (one client span per API call, named by method and route
// template, under the caller's span); both default to no-op and the global
// providers are never read.
package ocapi

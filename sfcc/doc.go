// Package sfcc is the SFCC side of o2c: typed clients for the OCAPI Data and
// Shop APIs with Account Manager authentication, a transport stack (rate
// limit, retries, auth), typed errors, and the canonical Order model that
// every other o2c package consumes.
//
// A Client (NewClient) sets order statuses and custom attributes (Data API),
// reads and searches orders (Shop API), reads and writes product inventory
// records, and sends OCAPI batches of up to 50 sub-requests. It shares one
// Account Manager token between goroutines, retries only requests that are
// safe to repeat, and turns every non-2xx answer into an *Error that
// errors.Is matches against ErrNotFound, ErrConflict, ErrPreconditionFailed,
// ErrRateLimited, ErrUnauthorized and ErrBadRequest. Secrets and tokens never
// appear in its errors or log lines.
//
// It knows nothing of ERPs, warehouses or mapping tables. Decoding Order XML
// exports lives in sfcc/orderxml; the simulator, for tests and examples,
// lives in sfcc/sfcctest.
package sfcc

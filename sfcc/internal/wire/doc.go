// Package wire is the transport both SFCC clients (sfcc/ocapi and
// sfcc/scapi) share: the Account Manager token cache, the bearer-token
// transport, the one retry policy (go-retryablehttp with its traps closed,
// Retry-After, sfdc_load THROTTLE backoff), the client-side rate limiter,
// turning a non-2xx answer into an *sfcc.Error, and scrubbing secrets from
// everything an error or a log line may print.
//
// It is the single owner of retries for SFCC calls: the clients above it
// never retry on their own.
package wire

// Package scapi is the client for Salesforce's B2C Commerce API (SCAPI):
// the Admin Orders API (read and search orders, set their export,
// shipping, payment and confirmation statuses, patch custom attributes)
// and Omnichannel Inventory (OCI: availability batch updates and NDJSON
// delta imports).
//
// A *Client satisfies the same small interfaces as the OCAPI client
// (sfcc.OrderReader, sfcc.OrderSearcher, sfcc.OrderStatusWriter,
// sfcc.OrderAttributeWriter, sfcc.InventoryUpdater), so o2c's flows run
// against either API. It shares the OCAPI client's transport: one Account
// Manager token for all goroutines (client credentials with the tenant
// scope SALESFORCE_COMMERCE_API:<tenant> plus the API scopes), retries of
// idempotent calls honouring Retry-After and sfdc_load THROTTLE, a
// client-side rate limiter, and errors as *sfcc.Error with the sfcc
// sentinels. Secrets and tokens never appear in errors or logs.
//
// It does not create orders (createOrders is a shopper-token endpoint) and
// does not read inventory availability.
package scapi

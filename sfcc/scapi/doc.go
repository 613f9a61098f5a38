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
//
// # Orders
//
// Calls go to /checkout/orders/v1/organizations/{organizationId} with the
// siteId query parameter; the Orders OAS 1.5.2 (a test checks every
// request against it) names the operations. getOrders sorts only by
// creation_date or last_modified_date (its sortBy enum): it cannot sort by
// order number, OCAPI's default. SearchOrders therefore always asks for
// sortBy=creation_date&sortOrder=asc, for OrderQuery.SortBy "order_no" as
// for "creation_date" — the same order for orders numbered as they are
// placed — and refuses any other sort field. getOrders pages by offset
// and limit (at most 200) up to offset+limit 10,000; beyond that
// SearchOrders ends with ErrSearchWindow. An offset search shifts when the
// matched set changes while paging, so collect before marking (as
// erp.Exporter does).
//
// SCAPI's order document has no payment processor and no payment
// transaction type: sfcc.Payment.ProcessorID is empty for orders read
// here, and mapping tables used with SCAPI must match payments on kind and
// method.
//
// # Omnichannel Inventory
//
// OCI calls go to the tenant group (Config.InventoryGroupID), not the
// organization; an inventory list id is used as the OCI location and
// Allocation as onHand. UpdateInventory sends up to Config.ImportThreshold
// (default 1,000, the point past which Salesforce's impex best practices
// advise a file import) SKU changes as
//
//	POST /inventory/availability/v1/organizations/{group}/availability-records/actions/batch-update
//
// calls of at most 100 records, a few in parallel, and more as one delta
// import:
//
//	POST /inventory/impex/v1/organizations/{group}/availability-records/imports  {"fileFormat":"JSON"}
//	POST {uploadLink}  (multipart/form-data, the NDJSON file)
//	GET  {importStatusLink}  until COMPLETED or FAILED
//	GET  {fullResults.href}  the records that failed
//
// The reference material pins neither the OCI request schemas nor their
// answers; the code assumes the following, each pinned by the simulator
// (sfcc/sfcctest) and its tests, and each worth checking against a sandbox:
//
//   - Batch answers list refused records in errors[] with actionRequestId,
//     stockKeepingUnit, errorCode and message; a record not listed there
//     was applied (partial success). An error is matched to its record by
//     actionRequestId, else by SKU; details[] is not read.
//   - Every batch record carries a fresh random actionRequestId (a UUID),
//     built once per call. OCI is taken to apply an actionRequestId only
//     once, so the transport retries a batch (429, 5xx, a lost answer)
//     unchanged, as it would a read. A new UpdateInventory call is a new
//     change with new ids and a later effectiveDate (Config.Now).
//   - Initiating an import answers importId, uploadLink and
//     importStatusLink; missing links fall back to
//     .../imports/uploadlink/{importId} and .../imports/{importId}/status.
//     Links to another host are refused, so the token never leaves the
//     API host. Initiating again after a lost answer is harmless: an import
//     never uploaded never runs.
//   - The upload is multipart/form-data with the file in the field
//     "fileUpload" (the name Salesforce's Connect REST upload resource
//     documents). The file is the location-header layout: a line
//     {"location":...,"mode":"UPDATE"}, then one line per record with
//     recordId (a fresh UUID; OCI skips recordIds it has imported, so a
//     repeated upload is harmless), sku, onHand, effectiveDate and futures.
//   - The result file (fullResults.href, else .../imports/{importId}/file-content)
//     is one JSON value per line; a line with a recordId is a record that
//     failed, with its message.
//   - Future stock is futureStock/futures [{quantity, expectedDate}] from
//     PreOrderBackOrderAllocation and InStockDate. OCI has no perpetual
//     flag and no pre-order/back-order handling: such updates fail alone
//     with sfcc.ErrInvalidArgument.
//
// Telemetry: Config.MeterProvider and Config.TracerProvider receive the
// client's OpenTelemetry metrics (one count and duration per HTTP attempt)
// and spans (one client span per API call, named by method and route
// template, under the caller's span); both default to no-op and the global
// providers are never read.
package scapi

// Package sfcctest is an SFCC instance simulated over real HTTP, for unit
// tests, examples and benchmarks — ours and those of programs that use o2c.
//
// It owns what a test needs from SFCC: an Account Manager token endpoint
// (client credentials, Basic auth with form-encoded id and secret, token
// lifetime on an injectable clock), the OCAPI routes o2c calls — Data API
// order status changes and custom attribute patches, Data API product
// inventory records, Shop API order get and order_search, and multipart
// batches — backed by in-memory orders and inventory lists that a test seeds
// and inspects, OCAPI fault documents, a request log with credentials
// redacted, scripted faults per route and a server-side rate limit. It does
// not own the clients (sfcc/ocapi, sfcc/scapi) and does not model baskets, customers,
// catalogs or promotions: orders are seeded whole.
//
// # Using it in a test
//
//	srv := sfcctest.NewTestServer(t)            // closed by t.Cleanup
//	srv.AddOrders(sfcc.Order{OrderNo: "00001", Status: sfcc.StatusSet{Export: sfcc.ExportStatusReady}})
//	client, err := ocapi.NewClient(srv.ClientConfig()) // millisecond retry waits
//	// ... exercise the code under test with client ...
//	got, _ := srv.Order("00001")                 // state after the calls
//	reqs := srv.Requests()                        // what was sent, Authorization redacted
//
// Expiry: WithClock and WithTokenLifetime, then move the clock (or call
// ExpireTokens) and the next API call answers 401 InvalidAccessTokenException.
//
// Faults: InjectFault(Fault{Route: "order.status", Status: 503, Times: 2})
// makes the next two status changes fail with a 503 and sfdc_load headers;
// Every makes every Nth request fail; Latency delays; Drop closes the
// connection. Faults fire by count, never by chance, so tests are repeatable.
//
// Speed: WithLatency(150*time.Millisecond) makes every API request take as
// long as a real instance's; WithSleep replaces the timer, so a unit test
// can check the waits without sleeping.
//
// # Behaviour worth knowing
//
//   - Statuses are lower case on the wire and upper case in the stored
//     sfcc.Order. Forbidden changes answer 409 OrderStatusTransitionException
//     (see TransitionAllowed); setting a status, or a custom attribute,
//     stamps the order's LastModified from the clock.
//   - Orders are served as Shop API JSON by sfcc.MarshalShopOrder, so what a
//     client reads is exactly what that codec writes.
//   - A Data API order PATCH answers 204 with no body, as Data API v25.6
//     does: the order is not returned.
//   - Inventory lists exist once seeded (PutInventory, AddInventoryList) or
//     once a PUT creates a record in them; elsewhere an unknown list answers
//     404 InventoryListNotFoundException. ATS and stock level are recomputed
//     on every write (allocation + pre-order/back-order allocation − turnover).
//   - order_search supports term_query (operators is and one_of on
//     export_status, status, shipping_status, payment_status,
//     confirmation_status, order_no, customer_email), bool_query (must,
//     must_not, should) and match_all_query; sorts by order_no or
//     creation_date (ties by order_no); count 1..200, default 25.
//   - A batch is checked whole first (multipart/mixed, at most 50 parts,
//     distinct content ids) and then each sub-request runs through the same
//     routes as a top-level request.
//   - The rate limit and authentication apply to every route but the token
//     endpoint; injected faults are applied before either.
//
// A Server is safe for concurrent use; every accessor returns copies.
package sfcctest

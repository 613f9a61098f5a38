// Package sfcc is the SFCC model of o2c: the canonical Order (whatever the
// source: an Order XML export, Shop API JSON or SCAPI JSON) with everything
// in it, order statuses, inventory records and updates, custom attributes,
// the typed *Error every SFCC client returns (matched through errors.Is
// against ErrNotFound, ErrConflict, ErrPreconditionFailed, ErrRateLimited,
// ErrUnauthorized and ErrBadRequest), the secret sources clients read their
// credentials from, and the small interfaces the flows depend on
// (OrderReader, OrderSearcher, OrderStatusWriter, OrderAttributeWriter,
// InventoryUpdater). Order.Clone deep-copies an order and Order.Redacted
// strips its personal and card data for logs and dumps;
// NormalizeCountryCode and NormalizeCurrencyCode are the one place codes are
// normalised as they enter, from every decoder.
//
// It links no HTTP client library: the clients live in sub-packages —
// sfcc/ocapi for the OCAPI Data and Shop APIs, sfcc/scapi for the SCAPI Admin
// Orders and Omnichannel Inventory APIs — and a package that only needs the
// model (erp, wms, reconcile) imports this one alone. Decoding Order XML
// exports lives in sfcc/orderxml; the simulator, for tests and examples, in
// sfcc/sfcctest. It knows nothing of ERPs, warehouses or mapping tables.
package sfcc

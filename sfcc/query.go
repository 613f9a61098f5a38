package sfcc

// OrderQuery selects orders for SearchOrders.
type OrderQuery struct {
	ExportStatus ExportStatus // "" = any
	Status       OrderStatus  // "" = any
	// ShippingStatuses selects orders in any of these shipping statuses;
	// empty = any.
	ShippingStatuses []ShippingStatus
	PageSize         int    // 1..200, default 200
	SortBy           string // "order_no" (default) or "creation_date" (ties broken by order_no)
}

// MaxSearchPageSize is the largest page an order search serves (OCAPI's
// order_search count and SCAPI's limit both stop at 200).
const MaxSearchPageSize = 200

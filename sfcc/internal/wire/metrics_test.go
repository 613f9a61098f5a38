package wire

import "testing"

func TestRoute_FoldsIdentifiersOutOfPaths(t *testing.T) {
	for in, want := range map[string]string{
		"/s/RefArch/dw/shop/v25_6/order_search":                                       "/s/{}/dw/shop/v25_6/order_search",
		"/s/-/dw/data/v25_6/sites/UK/orders/00001001/export_status":                   "/s/-/dw/data/v25_6/sites/{}/orders/{}/export_status",
		"/s/-/dw/data/v25_6/inventory_lists/inventory_uk/product_inventory_records/A": "/s/-/dw/data/v25_6/inventory_lists/{}/product_inventory_records/{}",
		"/checkout/orders/v1/organizations/f_ecom_zzxy_prd/orders/00001001":           "/checkout/orders/v1/organizations/{}/orders/{}",
		"/checkout/orders/v1/organizations/f_ecom_zzxy_prd/orders":                    "/checkout/orders/v1/organizations/{}/orders",
		"/inventory/impex/v1/organizations/zzxy_prd/availability-records/imports/42":  "/inventory/impex/v1/organizations/{}/availability-records/imports/{}",
		"/dwsso/oauth2/access_token":                                                  "/dwsso/oauth2/access_token",
	} {
		if got := Route(in); got != want {
			t.Errorf("Route(%q) = %q, want %q", in, got, want)
		}
	}
}

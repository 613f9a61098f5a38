package reconcile

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/orderxml"
	"github.com/o2ckit/o2c/wms"
)

func TestClassifier_FindingsOfTheOtherPackages(t *testing.T) {
	at := time.Date(2026, 11, 6, 9, 0, 0, 0, time.UTC)
	c := Classifier{Now: func() time.Time { return at }}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"inventory push failure", &wms.PushError{List: "eu", SKU: "SKU-1", Attempts: 3, Err: sfcc.ErrRateLimited},
			"inventory-push-failure operations SKU-1"},
		{"over-shipped confirmation", &wms.QuantityError{OrderNo: "00001001", EventID: "e1", ShipmentID: "s1", SKU: "SKU-2",
			Ordered: d("1"), Shipped: d("2"), Kind: wms.ErrOverShipped}, "shipment-rejected operations 00001001"},
		{"invalid confirmation", &wms.ConfirmationError{OrderNo: "00001002", EventID: "e2", Reason: "no packages", Kind: wms.ErrInvalidConfirmation},
			"shipment-rejected operations 00001002"},
		{"shipment not applied to SFCC", &wms.ApplyError{OrderNo: "00001003", EventID: "e3", ShipmentID: "s1", Err: sfcc.ErrNotFound},
			"sfcc-sync-failure ecommerce 00001003"},
		{"monitor could not read the order", &wms.MonitorError{OrderNo: "00001004", Err: &sfcc.Error{StatusCode: 503, Path: "/orders/00001004"}},
			"sfcc-sync-failure ecommerce 00001004"},
		{"customer not resolved", &dedupe.ResolveError{OrderNo: "00001005", Email: "j***@example.com", Op: "normalise", Err: dedupe.ErrInvalidEmail},
			"customer-resolve-failure ecommerce 00001005"},
		{"ERP totals off", &erp.TotalMismatchError{OrderNo: "00001006", Currency: "EUR", What: "total", SFCC: d("10.00"), ERP: d("10.02")},
			"erp-order-rejected finance 00001006"},
		{"ERP order error", &erp.OrderError{OrderNo: "00001007", Reason: "taxed gift certificate"},
			"erp-order-rejected finance 00001007"},
		{"stock level refused", &wms.LevelError{SKU: "SKU-3", Location: "DC1", Reason: "negative quantity"},
			"inventory-push-failure operations SKU-3"},
		{"ERP field too long", &erp.FieldTooLongError{OrderNo: "00001011", AttributeID: "giftMessage", Field: "memo", Length: 300, MaxLength: 250},
			"erp-order-rejected finance 00001011"},
		{"ERP mapping row unusable", &erp.MappingRowError{OrderNo: "00001012", Table: "payments", Key: "GIFT_CERTIFICATE", Reason: "clearing account"},
			"erp-order-rejected finance 00001012"},
		{"journal unbalanced", &erp.UnbalancedJournalError{Reference: "settlement:adyen-101-EUR", Debit: d("1.00"), Credit: d("2.00")},
			"erp-order-rejected finance settlement:adyen-101-EUR"},
		{"invalid email on its own", &dedupe.InvalidEmailError{Email: "j***@example", Reason: "domain has a single label"},
			"customer-resolve-failure ecommerce j***@example"},
		{"order in the export unreadable", &orderxml.DecodeError{OrderNo: "00001013", Line: 12, Column: 3, Path: "order/totals/merchandize-total/net-price", Err: orderxml.ErrInvalidValue},
			"sfcc-sync-failure ecommerce 00001013"},
		{"shop API order undecodable", &sfcc.ShopJSONError{OrderNo: "00001014", Field: "order_total", Err: fmt.Errorf("not a number")},
			"sfcc-sync-failure ecommerce 00001014"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xs := c.Classify(fmt.Errorf("batch: %w", tt.err))
			if len(xs) != 1 {
				t.Fatalf("%d exceptions", len(xs))
			}
			if got := fmt.Sprintf("%s %s %s", xs[0].Kind, xs[0].Owner, xs[0].Key); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}

	var got []string
	for _, f := range []dedupe.Finding{
		&dedupe.MergeCandidate{OrderNo: "00001008", Email: "a***@example.com", Kept: "C1", Records: []dedupe.RecordRef{{ID: "C1"}, {ID: "C2"}}},
		&dedupe.CustomerNoConflict{OrderNo: "00001009", Email: "b***@example.com", CustomerNo: "0042", Record: dedupe.RecordRef{ID: "C7", CustomerNo: "0043"}},
	} {
		x := c.ClassifyFinding(f)
		got = append(got, fmt.Sprintf("%s %s %s", x.Kind, x.Owner, x.Key))
	}
	for _, l := range []wms.Lagging{{OrderNo: "00001010", WMSStatus: sfcc.ShippingStatusShipped, SFCCStatus: sfcc.ShippingStatusNotShipped,
		Packages: []string{"PKG-1"}, Since: at.Add(-50 * time.Hour), Age: 50 * time.Hour}} {
		x := c.ClassifyFinding(l)
		got = append(got, fmt.Sprintf("%s %s %s | %s", x.Kind, x.Owner, x.Key, x.Detail))
	}
	want := []string{
		"customer-merge-candidate ecommerce 00001008",
		"customer-email-conflict ecommerce 00001009",
		"shipment-stuck operations 00001010 | WMS SHIPPED, SFCC NOT_SHIPPED; packages PKG-1 shipped 2026-11-04 07:00:00 (50h0m0s ago)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

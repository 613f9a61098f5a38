package mapping_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/mapping"
)

type fakeOrder struct {
	no       string
	method   string
	shipping []string
}

func check(t *mapping.Tables, o fakeOrder) (string, error) {
	on := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
	var errs []error
	if _, err := t.Payment("credit-card", o.method, "NEWPSP", on); err != nil {
		errs = append(errs, err)
	}
	for _, m := range o.shipping {
		if _, err := t.Shipping(m, on); err != nil {
			errs = append(errs, err)
		}
	}
	if o.method == "broken" {
		errs = append(errs, errors.New("amounts do not add up"))
	}
	return o.no, errors.Join(errs...)
}

func TestAudit_CountsEachMissingKeyOncePerOrder(t *testing.T) {
	orders := []fakeOrder{
		{no: "1001", method: "Visa", shipping: []string{"UK-STANDARD"}},
		{no: "1002", method: "Visa", shipping: []string{"UK-DRONE", "UK-DRONE"}},
		{no: "1003", method: "Visa", shipping: []string{"UK-DRONE", "US-PIGEON"}},
		{no: "1004", method: "Visa", shipping: []string{"UK-DRONE"}},
		{no: "1005", method: "Visa", shipping: []string{"UK-DRONE"}},
	}
	// Remove the catch-all card row so every order also misses a payment mapping.
	noCatchAll, err := mapping.Read(mapping.Input{Table: mapping.Payments, Name: "payments.csv", Format: mapping.CSV,
		R: stringsReader("kind,method,processor,payment_method,clearing_account,psp\ncredit-card,Amex,NEWPSP,AMEX,1211,x\n")},
		mapping.Input{Table: mapping.Shipping, Name: "shipping.csv", Format: mapping.CSV,
			R: stringsReader("shipping_method,carrier_service,shipping_item,revenue_account\nUK-STANDARD,RM48,SHIP-STD,4100\n")})
	if err != nil {
		t.Fatal(err)
	}
	report := mapping.Audit(noCatchAll, slices.Values(orders), check)
	want := mapping.AuditReport{
		Orders:        5,
		Clean:         0,
		MissingOrders: 5,
		Missing: []mapping.MissingKey{
			{Table: "payments", Key: "kind=credit-card method=Visa processor=NEWPSP", Count: 5, Examples: []string{"1001", "1002", "1003"}},
			{Table: "shipping", Key: "shipping_method=UK-DRONE", Count: 4, Examples: []string{"1002", "1003", "1004"}},
			{Table: "shipping", Key: "shipping_method=US-PIGEON", Count: 1, Examples: []string{"1003"}},
		},
	}
	if diff := cmp.Diff(want, report); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
}

func TestAudit_OtherFailuresAreKeptNotDropped(t *testing.T) {
	report := mapping.Audit(fixture(t), slices.Values([]fakeOrder{{no: "2001", method: "broken"}, {no: "2002", method: "Visa"}}), check)
	if report.Orders != 2 || report.Clean != 1 || len(report.Missing) != 0 {
		t.Errorf("report = %+v", report)
	}
	if len(report.Failed) != 1 || report.Failed[0].OrderNo != "2001" {
		t.Errorf("Failed = %+v, want order 2001", report.Failed)
	}
}

func TestAudit_OtherFailuresOfAnOrderWithGapsAreKeptToo(t *testing.T) {
	report := mapping.Audit(fixture(t), slices.Values([]fakeOrder{
		{no: "3001", method: "broken", shipping: []string{"UK-DRONE"}},
		{no: "3002", method: "Visa"},
	}), check)
	if report.Orders != 2 || report.Clean != 1 || report.MissingOrders != 1 {
		t.Errorf("orders %d clean %d missing orders %d; want 2, 1, 1", report.Orders, report.Clean, report.MissingOrders)
	}
	if len(report.Missing) != 1 || report.Missing[0].Key != "shipping_method=UK-DRONE" {
		t.Errorf("Missing = %+v, want UK-DRONE", report.Missing)
	}
	if len(report.Failed) != 1 || report.Failed[0].OrderNo != "3001" || !strings.Contains(report.Failed[0].Err.Error(), "amounts do not add up") {
		t.Fatalf("Failed = %+v, want order 3001's other error", report.Failed)
	}
	if len(mapping.MissingErrors(report.Failed[0].Err)) != 0 {
		t.Errorf("Failed repeats the missing mapping: %v", report.Failed[0].Err)
	}
}

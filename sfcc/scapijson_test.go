package sfcc_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

func readSCAPISample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUnmarshalSCAPIOrder_ReadsTheSpecExample(t *testing.T) {
	o, err := sfcc.UnmarshalSCAPIOrder(readSCAPISample(t, "scapi-OrderGet.json"))
	if err != nil {
		t.Fatal(err)
	}
	d := decimal.MustParse
	checks := []struct {
		name      string
		got, want any
	}{
		{"orderNo", o.OrderNo, "00000410"},
		{"status", o.Status, sfcc.StatusSet{Order: sfcc.OrderStatusNew, Shipping: sfcc.ShippingStatusNotShipped,
			Confirmation: sfcc.ConfirmationStatusConfirmed, Payment: sfcc.PaymentStatusNotPaid, Export: sfcc.ExportStatusNotExported}},
		{"taxation", o.Taxation, sfcc.TaxationNet},
		{"currency", o.Currency, "USD"},
		{"order total gross", o.Totals.OrderTotal.Gross, d("110.24")},
		{"order total tax", o.Totals.OrderTotal.Tax, d("5.25")},
		{"order total net", o.Totals.OrderTotal.Net, d("104.99")},
		{"merchandize net", o.Totals.MerchandizeTotal.Net, d("99")},
		{"adjusted shipping net", o.Totals.AdjustedShippingTotal.Net, d("25.99")},
		{"line gross", o.ProductLineItems[0].GrossPrice, d("103.95")},
		{"line tax rate", o.ProductLineItems[0].TaxRate, d("0.05")},
		{"line product", o.ProductLineItems[0].ProductID, "701643632930"},
		{"customer no", o.Customer.CustomerNo, "0002352"},
		{"billing city", o.Customer.BillingAddress.City, "Burlington"},
		{"shipment method", o.Shipments[0].ShippingMethod, "DefaultShippingMethod"},
		{"payment kind", o.Payments[0].Kind, sfcc.PaymentKindCreditCard},
		{"payment amount", o.Payments[0].Amount, d("110.24")},
		{"payment transaction", o.Payments[0].TransactionID, "40f07907428e23c4bbc6fb0446"},
		{"card masked", o.Payments[0].Card.MaskedNumber, "***************1111"},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
	if v, ok := o.Payments[0].Custom.Get("authResult"); !ok || v.Value() != "AUTHORIZED" {
		t.Errorf("transaction c_authResult = %+v", v)
	}
	if v, ok := o.Payments[0].Card.Custom.Get("issuerBank"); !ok || !strings.HasPrefix(v.Value(), "JPMORGAN") {
		t.Errorf("instrument c_issuerBank = %+v", v)
	}
}

// What MarshalSCAPIOrder writes, UnmarshalSCAPIOrder reads back unchanged.
func TestSCAPIOrder_RoundTripKeepsEveryDecodedField(t *testing.T) {
	for _, name := range []string{"scapi-OrderGet.json"} {
		o1, err := sfcc.UnmarshalSCAPIOrder(readSCAPISample(t, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := sfcc.MarshalSCAPIOrder(o1)
		if err != nil {
			t.Fatal(err)
		}
		o2, err := sfcc.UnmarshalSCAPIOrder(b)
		if err != nil {
			t.Fatalf("re-read: %v\n%s", err, b)
		}
		if diff := cmp.Diff(o1, o2); diff != "" {
			t.Errorf("%s: round trip changed the order (-first +second):\n%s", name, diff)
		}
	}
}

func TestUnmarshalSCAPIOrder_CustomAttributes(t *testing.T) {
	o, err := sfcc.UnmarshalSCAPIOrder([]byte(`{"orderNo":"1","c_carrierCode":"DHL","c_weight":2.4,"c_review":null,"c_tags":["a","b"]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := sfcc.CustomAttributes{{ID: "carrierCode", Values: []string{"DHL"}}, {ID: "weight", Values: []string{"2.4"}},
		{ID: "tags", Values: []string{"a", "b"}, Multi: true}}
	if diff := cmp.Diff(want, o.Custom); diff != "" {
		t.Error(diff)
	}
}

func TestUnmarshalSCAPIOrder_BadFieldNamesOrderAndField(t *testing.T) {
	_, err := sfcc.UnmarshalSCAPIOrder([]byte(`{"orderNo":"00042","productItems":[{"netPrice":"x"}]}`))
	var e *sfcc.SCAPIJSONError
	if !errors.As(err, &e) || e.OrderNo != "00042" {
		t.Fatalf("err = %v", err)
	}
	_, err = sfcc.UnmarshalSCAPIOrder([]byte(`{"orderNo":"00043","productItems":[{"netPrice":1e999999999}]}`))
	if !errors.As(err, &e) || e.OrderNo != "00043" || !strings.Contains(e.Field, "productItems[0].netPrice") {
		t.Fatalf("err = %v", err)
	}
	if _, err := sfcc.UnmarshalSCAPIOrder([]byte(`{"data":[]}`)); !errors.As(err, &e) || e.Field != "orderNo" {
		t.Fatalf("err = %v", err)
	}
	deep := `{"orderNo":"7","c_x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`
	if _, err := sfcc.UnmarshalSCAPIOrder([]byte(deep)); !errors.As(err, &e) || e.OrderNo != "7" {
		t.Fatalf("err = %v", err)
	}
}

func TestMarshalSCAPIOrder_NeverWritesCardToken(t *testing.T) {
	o := sfcc.Order{OrderNo: "1", Payments: []sfcc.Payment{{Kind: sfcc.PaymentKindCreditCard,
		Card: &sfcc.CreditCard{Type: "Visa", MaskedNumber: "4111111111111111", Token: "tok_SECRET_CARD"}}}}
	b, err := sfcc.MarshalSCAPIOrder(o)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "tok_SECRET_CARD") || strings.Contains(string(b), "4111111111111111") {
		t.Errorf("card data written: %s", b)
	}
}

// FuzzUnmarshalSCAPIOrder: any document decodes or fails with a
// *SCAPIJSONError; what decodes survives a round trip.
func FuzzUnmarshalSCAPIOrder(f *testing.F) {
	for _, name := range []string{"scapi-OrderGet.json", "scapi-Order.json"} {
		f.Add(readSCAPISample(f, name))
	}
	f.Add([]byte(`{"orderNo":"1","taxation":"gross","productItems":[{"grossPrice":1.5,"tax":0.25}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := sfcc.UnmarshalSCAPIOrder(data)
		if err != nil {
			var e *sfcc.SCAPIJSONError
			if !errors.As(err, &e) {
				t.Fatalf("error %T: %v", err, err)
			}
			return
		}
		b, err := sfcc.MarshalSCAPIOrder(o)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if _, err := sfcc.UnmarshalSCAPIOrder(b); err != nil {
			t.Fatalf("re-read: %v\n%s", err, b)
		}
	})
}

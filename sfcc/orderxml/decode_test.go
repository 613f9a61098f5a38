package orderxml

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/sfcc"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeAll decodes every order of data, failing the test on any error.
func decodeAll(t testing.TB, data []byte, opts ...Option) []sfcc.Order {
	t.Helper()
	var out []sfcc.Order
	for o, err := range NewDecoder(bytes.NewReader(data), opts...).All(context.Background()) {
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		out = append(out, o)
	}
	return out
}

func TestDecoder_FixtureDecodesFieldByField(t *testing.T) {
	got := decodeAll(t, readFixture(t, "orders.xml"))
	want := expectedOrders()
	if len(got) != len(want) {
		t.Fatalf("decoded %d orders, want %d", len(got), len(want))
	}
	for i := range want {
		if diff := cmp.Diff(want[i], got[i], decimalsEqual); diff != "" {
			t.Errorf("order %s mismatch (-want +got):\n%s", want[i].OrderNo, diff)
		}
	}
}

func TestDecoder_NextReturnsEOFAfterLastOrderAndKeepsReturningIt(t *testing.T) {
	d := NewDecoder(bytes.NewReader(readFixture(t, "orders.xml")))
	ctx := context.Background()
	for range 3 {
		if _, err := d.Next(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if _, err := d.Next(ctx); err != io.EOF {
			t.Fatalf("after the last order: err = %v, want io.EOF", err)
		}
	}
}

func TestDecoder_CancelledContextStopsBeforeReading(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewDecoder(bytes.NewReader(readFixture(t, "orders.xml"))).Next(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestDecoder_ALaterChoiceReplacesAnEarlierOne(t *testing.T) {
	doc := `<orders xmlns="` + Namespace + `"><order order-no="1">
<product-lineitems><product-lineitem><price-adjustments><price-adjustment><promotion-id>X</promotion-id>
<discount><amount>5</amount><bonus/></discount></price-adjustment></price-adjustments></product-lineitem></product-lineitems>
<payments>
<payment><salesforce-payments><card><brand>visa</brand></card><ideal><bank>ing</bank></ideal></salesforce-payments></payment>
<payment><bml><custom-attributes><custom-attribute attribute-id="a">x</custom-attribute></custom-attributes></bml>
<credit-card><card-type>VISA</card-type></credit-card><amount>1.00</amount></payment>
</payments></order></orders>`
	o := decodeAll(t, []byte(doc))[0]
	if d := o.ProductLineItems[0].PriceAdjustments[0].Discount; d.Kind != "bonus" || !d.Value.IsZero() {
		t.Errorf("discount = %+v, want a bare bonus", d)
	}
	if s := o.Payments[0].SalesforcePayments; !cmp.Equal(*s, sfcc.SalesforcePayment{Type: "ideal", Bank: "ing"}) {
		t.Errorf("salesforce payment = %+v, want only the ideal details", s)
	}
	want := sfcc.Payment{Kind: sfcc.PaymentKindCreditCard, Card: &sfcc.CreditCard{Type: "VISA"}, Amount: dec("1.00")}
	if diff := cmp.Diff(want, o.Payments[1], decimalsEqual); diff != "" {
		t.Errorf("payment with a second instrument (-want +got):\n%s", diff)
	}
}

func TestEncoder_RefusesInstrumentCustomAttributesOnAnotherKind(t *testing.T) {
	o := sfcc.Order{OrderNo: "1", Payments: []sfcc.Payment{{Kind: sfcc.PaymentKindCreditCard, Card: &sfcc.CreditCard{},
		InstrumentCustom: sfcc.CustomAttributes{custom("a", "x")}}}}
	err := NewEncoder(io.Discard).Encode(context.Background(), o)
	if !errors.Is(err, ErrInvalidOrder) {
		t.Fatalf("err = %v, want ErrInvalidOrder rather than dropping the attributes", err)
	}
}

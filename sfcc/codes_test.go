package sfcc_test

import (
	"fmt"
	"testing"

	"github.com/o2ckit/o2c/sfcc"
)

func TestNormalizeCodes_TrimAndUpperCaseASCII(t *testing.T) {
	for in, want := range map[string]string{
		"us": "US", " gb\t": "GB", "US": "US", "": "", "Eur": "EUR", "usd ": "USD",
		"dé": "Dé", // only ASCII letters change; a bad code stays recognisable
	} {
		if got := sfcc.NormalizeCountryCode(in); got != want {
			t.Errorf("NormalizeCountryCode(%q) = %q, want %q", in, got, want)
		}
		if got := sfcc.NormalizeCurrencyCode(in); got != want {
			t.Errorf("NormalizeCurrencyCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// A real export spells codes in lower case; mapping tables key them upper
// case, so the decoder normalises them where they enter.
func TestUnmarshalShopOrder_NormalisesCountryAndCurrencyCodes(t *testing.T) {
	doc := `{"order_no":"00000411","currency":" usd","billing_address":{"country_code":"us"},
		"shipments":[{"shipment_id":"me","shipping_address":{"country_code":"ca "}}]}`
	o, err := sfcc.UnmarshalShopOrder([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if o.Currency != "USD" {
		t.Errorf("Currency = %q, want USD", o.Currency)
	}
	if got := o.Customer.BillingAddress.CountryCode; got != "US" {
		t.Errorf("billing country = %q, want US", got)
	}
	if got := o.Shipments[0].ShippingAddress.CountryCode; got != "CA" {
		t.Errorf("shipping country = %q, want CA", got)
	}
}

func ExampleNormalizeCountryCode() {
	fmt.Println(sfcc.NormalizeCountryCode(" us"), sfcc.NormalizeCurrencyCode("eur"))
	// Output: US EUR
}

package orderxml

import (
	"bytes"
	"context"
	"testing"

	"github.com/o2ckit/o2c/sfcc"
)

func TestDecoder_NormalisesLowerCaseCountryAndCurrencyCodes(t *testing.T) {
	data := readFixture(t, "lowercase-codes.xml")
	for name, d := range map[string]*Decoder{
		"fast":      NewDecoder(bytes.NewReader(data)),
		"reference": newReferenceDecoder(bytes.NewReader(data)),
	} {
		o, err := d.Next(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if o.Currency != "USD" {
			t.Errorf("%s: currency %q, want USD", name, o.Currency)
		}
		if got := o.Customer.BillingAddress.CountryCode; got != "US" {
			t.Errorf("%s: billing country %q, want US", name, got)
		}
		if got := o.Shipments[0].ShippingAddress.CountryCode; got != "US" {
			t.Errorf("%s: shipping country %q, want US", name, got)
		}
	}
}

func TestNormalizeCodes(t *testing.T) {
	for in, want := range map[string]string{"us": "US", "Gb": "GB", "DE": "DE", "": "", "ü1": "ü1", "eur": "EUR"} {
		if got := sfcc.NormalizeCountryCode(in); got != want {
			t.Errorf("NormalizeCountryCode(%q) = %q, want %q", in, got, want)
		}
		if got := sfcc.NormalizeCurrencyCode(in); got != want {
			t.Errorf("NormalizeCurrencyCode(%q) = %q, want %q", in, got, want)
		}
	}
	// Already normal codes are returned as they are, without a copy.
	if allocs := testing.AllocsPerRun(100, func() { _ = sfcc.NormalizeCountryCode("GB") }); allocs != 0 {
		t.Errorf("normalizeCountry of an upper-case code allocates %v times", allocs)
	}
}

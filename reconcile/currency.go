package reconcile

import (
	"fmt"
	"strings"

	"github.com/govalues/decimal"
)

// minorUnitExponents lists the currencies whose minor unit is not 1/100
// (ISO 4217), plus the currencies PayPal itself treats as having no decimals
// (HUF, TWD). Every other currency has two decimals.
var minorUnitExponents = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
	"XPF": 0, "HUF": 0, "TWD": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"CLF": 4, "UYW": 4,
}

// CurrencyExponent is the number of decimals of a currency's minor unit as
// the payment providers count it (JPY 0, USD 2, KWD 3).
func CurrencyExponent(currency string) int {
	if e, ok := minorUnitExponents[strings.ToUpper(currency)]; ok {
		return e
	}
	return 2
}

// FromMinorUnits converts an unsigned count of minor units ("10000") to an
// exact major-unit amount in currency (100.00 USD, 10000 JPY). Amounts
// beyond MaxAmount are an ErrMalformedAmount error, as in every reader.
func FromMinorUnits(units, currency string) (decimal.Decimal, error) {
	if len(currency) != 3 {
		return decimal.Decimal{}, fmt.Errorf("%w: currency %q", ErrMalformedAmount, currency)
	}
	if units == "" || len(units) > 15 {
		return decimal.Decimal{}, fmt.Errorf("%w: minor units %q", ErrMalformedAmount, units)
	}
	var v int64
	for i := 0; i < len(units); i++ {
		c := units[i]
		if c < '0' || c > '9' {
			return decimal.Decimal{}, fmt.Errorf("%w: minor units %q", ErrMalformedAmount, units)
		}
		v = v*10 + int64(c-'0')
	}
	d, err := decimal.New(v, CurrencyExponent(currency))
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w: minor units %q: %v", ErrMalformedAmount, units, err)
	}
	if err := CheckAmount(d); err != nil {
		return decimal.Decimal{}, fmt.Errorf("minor units %q %s: %w", units, currency, err)
	}
	return d, nil
}

// RoundToCurrency rounds an amount half to even to the currency's minor
// unit: the rounding used wherever an amount is converted with a rate.
func RoundToCurrency(d decimal.Decimal, currency string) decimal.Decimal {
	return d.Round(CurrencyExponent(currency)).Pad(CurrencyExponent(currency))
}

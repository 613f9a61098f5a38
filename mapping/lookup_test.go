package mapping_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/mapping"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func fixture(t testing.TB) *mapping.Tables {
	t.Helper()
	tables, err := mapping.Load(os.DirFS("testdata/good"))
	if err != nil {
		t.Fatal(err)
	}
	return tables
}

func TestTables_PaymentMostSpecificRowWins(t *testing.T) {
	tables := fixture(t)
	tests := []struct {
		name                    string
		kind, method, processor string
		wantMethod, wantAccount string
	}{
		{"exact card type and processor", "credit-card", "Amex", "ADYEN_CREDIT", "AMEX", "1211"},
		{"processor row beats catch-all", "credit-card", "Visa", "ADYEN_CREDIT", "CARD", "1210"},
		{"explicit catch-all row", "credit-card", "Visa", "OTHER_PSP", "CARD-OTHER", "1219"},
		{"gift certificate", "gift-certificate", "", "GIFT_CERTIFICATE", "GIFTCERT", "2300"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row, err := tables.Payment(tt.kind, tt.method, tt.processor, day("2026-02-01"))
			if err != nil {
				t.Fatal(err)
			}
			if row.PaymentMethod != tt.wantMethod || row.ClearingAccount != tt.wantAccount {
				t.Errorf("got %s/%s, want %s/%s", row.PaymentMethod, row.ClearingAccount, tt.wantMethod, tt.wantAccount)
			}
		})
	}
}

func TestTables_OrderDateSelectsEffectiveRow(t *testing.T) {
	tables := fixture(t)
	for date, want := range map[string]string{"2025-12-31": "1220", "2026-01-01": "1221", "2019-05-05": "1220"} {
		row, err := tables.Payment("custom-method", "PayPal", "PAYPAL", day(date).Add(23*time.Hour+59*time.Minute))
		if err != nil {
			t.Fatalf("%s: %v", date, err)
		}
		if row.ClearingAccount != want {
			t.Errorf("on %s: account %s, want %s", date, row.ClearingAccount, want)
		}
	}
}

func TestTables_MissIsMissingErrorWithTableAndKey(t *testing.T) {
	tables := fixture(t)
	_, err := tables.Shipping("US-OVERNIGHT", day("2026-02-01"))
	var miss *mapping.MissingError
	if !errors.As(err, &miss) {
		t.Fatalf("err = %v, want *MissingError", err)
	}
	if miss.Table != "shipping" || miss.Key != "shipping_method=US-OVERNIGHT" {
		t.Errorf("MissingError = %+v", miss)
	}
	// No silent fallback: the payments table has no row for bank transfers.
	if _, err := tables.Payment("bank-transfer", "", "", day("2026-02-01")); !errors.As(err, &miss) || miss.Table != "payments" {
		t.Errorf("bank transfer: err = %v, want payments miss", err)
	}
}

func TestTables_TaxByCountryRateAndClass(t *testing.T) {
	tables := fixture(t)
	tests := []struct {
		country, rate, class, want string
	}{
		{"GB", "0.2", "", "S20"},
		{"GB", "0.20", "", "S20"},
		{"GB", "0.05", "", "R5"},
		{"GB", "0", "", "Z0"},
		{"GB", "0", "exempt", "EX"},
		{"US", "0.08875", "", "US-SALES"},
		{"FR", "0", "", "O"},
	}
	for _, tt := range tests {
		row, err := tables.Tax(tt.country, decimal.MustParse(tt.rate), tt.class, day("2026-02-01"))
		if err != nil {
			t.Errorf("%s %s %q: %v", tt.country, tt.rate, tt.class, err)
			continue
		}
		if row.TaxCode != tt.want {
			t.Errorf("%s %s %q: %s, want %s", tt.country, tt.rate, tt.class, row.TaxCode, tt.want)
		}
	}
	if _, err := tables.Tax("FR", decimal.MustParse("0.2"), "", day("2026-02-01")); err == nil {
		t.Error("FR 20 % mapped; want a miss (no row covers it)")
	}
}

func TestTables_PromotionSpecificity(t *testing.T) {
	tables := fixture(t)
	tests := []struct{ promo, campaign, coupon, want string }{
		{"SUMMER10", "BLACKFRIDAY", "WELCOME5", "4910"},
		{"OTHER", "BLACKFRIDAY", "WELCOME5", "4930"},
		{"OTHER", "BLACKFRIDAY", "", "4920"},
		{"OTHER", "", "", "4900"},
	}
	for _, tt := range tests {
		row, err := tables.Promotion(tt.promo, tt.campaign, tt.coupon, day("2026-02-01"))
		if err != nil || row.DiscountAccount != tt.want {
			t.Errorf("%+v: %+v, %v; want %s", tt, row, err, tt.want)
		}
	}
}

func TestTables_RowOutsideItsDatesIsMissingNotAFallback(t *testing.T) {
	tables, err := mapping.Read(mapping.Input{Table: mapping.Accounts, Name: "accounts.csv", Format: mapping.CSV,
		R: stringsReader("name,account,valid_from,valid_to\nrounding,7990,2026-01-01,2026-12-31\n")})
	if err != nil {
		t.Fatal(err)
	}
	for date, wantOK := range map[string]bool{"2025-12-31": false, "2026-01-01": true, "2026-12-31": true, "2027-01-01": false} {
		_, err := tables.Account("rounding", day(date).Add(12*time.Hour))
		var miss *mapping.MissingError
		if gotOK := err == nil; gotOK != wantOK {
			t.Errorf("%s: err = %v, want found=%v", date, err, wantOK)
		}
		if err != nil && (!errors.As(err, &miss) || !miss.Date.Equal(day(date).Add(12*time.Hour)) || !strings.Contains(err.Error(), date)) {
			t.Errorf("%s: %v is not a MissingError naming the date", date, err)
		}
	}
}

func TestTables_CountryAndCardTypeMatchWhateverTheirCase(t *testing.T) {
	tax := "country,rate_percent,tax_class,tax_code,tax_account\ngb,20,*,S20,2200\n"
	payments := "kind,method,processor,payment_method,clearing_account,psp\ncard,VISA,ADYEN_CREDIT,CARD-VISA,1100,adyen\n"
	tables, err := mapping.Read(
		mapping.Input{Table: mapping.Tax, Name: "tax.csv", Format: mapping.CSV, R: strings.NewReader(tax)},
		mapping.Input{Table: mapping.Payments, Name: "payments.csv", Format: mapping.CSV, R: strings.NewReader(payments)},
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"GB", "gb", "Gb"} {
		if row, err := tables.Tax(c, decimal.MustParse("0.2"), "", day("2026-02-01")); err != nil || row.TaxCode != "S20" {
			t.Errorf("Tax(%q) = %q, %v; want S20 from the row written gb", c, row.TaxCode, err)
		}
	}
	for _, m := range []string{"Visa", "VISA", "visa"} {
		if row, err := tables.Payment("CARD", m, "ADYEN_CREDIT", day("2026-02-01")); err != nil || row.PaymentMethod != "CARD-VISA" {
			t.Errorf("Payment(card, %q) = %q, %v; want CARD-VISA", m, row.PaymentMethod, err)
		}
	}
	// Processor ids are SFCC ids: case-sensitive, and a miss names the key
	// as it was asked for.
	_, err = tables.Payment("card", "Visa", "adyen_credit", day("2026-02-01"))
	var miss *mapping.MissingError
	if !errors.As(err, &miss) || !strings.Contains(miss.Key, "method=Visa processor=adyen_credit") {
		t.Errorf("a lower-case processor id matched or the miss lost its key: %v", err)
	}
}

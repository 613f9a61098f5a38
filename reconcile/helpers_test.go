package reconcile

import (
	"bytes"
	"context"
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

func d(s string) decimal.Decimal { return decimal.MustParse(s) }

func day2026(month time.Month, dd int) time.Time {
	return time.Date(2026, month, dd, 0, 0, 0, 0, time.UTC)
}

// order builds an SFCC order with one card or custom-method payment per (psp, amount) pair.
func order(no, currency string, placed time.Time, payments ...[2]string) sfcc.Order {
	o := sfcc.Order{OrderNo: no, Currency: currency, PlaceDate: placed, OrderDate: placed}
	for _, p := range payments {
		o.Payments = append(o.Payments, sfcc.Payment{
			Kind: sfcc.PaymentKindCreditCard, Card: &sfcc.CreditCard{Type: "Visa", MaskedNumber: "************1111"},
			Amount: d(p[1]), TransactionID: p[0], ProcessorID: "PSP", TransactionType: "CAPTURE",
		})
	}
	return o
}

func pay(psp, amount string) [2]string { return [2]string{psp, amount} }

// fixtureOrders are the SFCC orders behind the provider fixtures.
func fixtureOrders() []sfcc.Order {
	nov1 := day2026(time.November, 1)
	nov2 := day2026(time.November, 2)
	return []sfcc.Order{
		order("00001001", "EUR", nov1, pay("8815000000000001", "100.00")),
		order("00001002", "EUR", nov1, pay("8815000000000002", "150.00")),
		order("00001003", "EUR", nov1, pay("8815000000000003", "80.00")),
		order("00001004", "EUR", nov1, pay("8815000000000004", "60.00")),
		order("00001006", "USD", nov1, pay("8815000000000006", "50.00")),
		order("00001007", "EUR", nov2, pay("8815000000000007", "200.00")),
		order("00001008", "EUR", nov2, pay("8815000000000008", "72.00")),
		order("00001009", "EUR", nov2, pay("8815000000000009", "45.00")),
		order("00002001", "USD", nov1, pay("pi_001", "120.00")),
		order("00002002", "USD", nov1, pay("pi_002", "80.00")),
		order("00002003", "USD", nov1, pay("pi_003", "60.00")),
		order("00002004", "USD", nov1, pay("pi_004", "45.00")),
		order("00002006", "EUR", nov2, pay("pi_006", "49.98")),
		order("00003001", "USD", nov1, pay("1AB00001", "100.00")),
		order("00003002", "JPY", nov1, pay("1AB00002", "5000")),
		order("00003003", "USD", nov1, pay("1AB00003", "50.00")),
		order("00003004", "USD", nov1, pay("1AB00004", "30.00")),
		order("00003006", "USD", nov1, pay("1AB00006A", "60.00")), // captured in two parts
		order("00004001", "SEK", nov2, pay("kc_1", "1000.00")),
	}
}

func fixtureRefunds() []Refund {
	return []Refund{
		{OrderNo: "00001003", PSPReference: "8815000000000003", RefundID: "RMA-1003", Amount: d("20.00"), Currency: "EUR", Date: day2026(time.November, 2)},
		{OrderNo: "00002003", PSPReference: "pi_003", RefundID: "RMA-2003", Amount: d("25.00"), Currency: "USD", Date: day2026(time.November, 3)},
		{OrderNo: "00003003", PSPReference: "1AB00003", RefundID: "RMA-3003", Amount: d("15.00"), Currency: "USD", Date: day2026(time.November, 2)},
		{OrderNo: "00004002", PSPReference: "kc_2", RefundID: "RMA-4002", Amount: d("200.00"), Currency: "SEK", Date: day2026(time.November, 3)},
	}
}

func fixtureExpected() []Expected {
	var out []Expected
	for _, o := range fixtureOrders() {
		out = append(out, ExpectedFromOrder(o)...)
	}
	for _, r := range fixtureRefunds() {
		out = append(out, r.Expected())
	}
	return out
}

type fixtureFile struct {
	format Format
	name   string
}

var allFixtureFiles = []fixtureFile{
	{Adyen{}, "settlement_detail_report_batch_101.csv"},
	{Adyen{}, "settlement_detail_report_batch_102.csv"},
	{Stripe{}, "payout_reconciliation_itemized_po_1.csv"},
	{PayPal{}, "STL-20261102.01.009.CSV"},
	{Generic{Mapping: klarnaMapping}, "generic_klarna_2026-11-04.csv"},
}

func files(t testing.TB, ff ...fixtureFile) []SettlementFile {
	t.Helper()
	var out []SettlementFile
	for _, f := range ff {
		b, err := os.ReadFile("testdata/" + f.name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, SettlementFile{Name: f.name, Format: f.format, Body: bytes.NewReader(b)})
	}
	return out
}

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func run(t testing.TB, r *Reconciler, in Input) *Report {
	t.Helper()
	rep, err := r.Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

var fixtureRules = []ToleranceRule{{Name: "fx-rounding", Absolute: d("0.05"), DaysAfter: 7}}

func TestDigits_IsItoaLength(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 99, 100, -1, -9, -10, 12345, math.MaxInt, math.MinInt} {
		if got, want := digits(n), len(strconv.Itoa(n)); got != want {
			t.Errorf("digits(%d) = %d, want %d", n, got, want)
		}
	}
}

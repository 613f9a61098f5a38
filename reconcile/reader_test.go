package reconcile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// describe renders every field of a line (or the error) on one line, so a
// table of expectations pins the whole normalisation.
func describe(l SettlementLine, err error) string {
	if err != nil {
		return "ERR " + err.Error()
	}
	return fmt.Sprintf("%s %s %s %s %s %s %s %v %s %s rate=%s %s %s %v", l.Type, l.RawType, l.PSPReference,
		l.ModificationReference, l.MerchantReference, l.GrossCurrency, l.Gross, l.Fees, l.NetCurrency, l.Net,
		l.ExchangeRate, l.BookingDate.Format("2006-01-02"), l.PayoutID, l.Source)
}

func readFile(t testing.TB, f Format, name string) []string {
	t.Helper()
	fh, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var got []string
	for l, err := range f.Read(context.Background(), fh, name) {
		got = append(got, describe(l, err))
	}
	return got
}

func TestReaders_NormaliseEveryProviderRowAndReportBadRowsWithFileAndLine(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		file   string
		want   []string
	}{
		{
			name:   "AdyenClassicBatch",
			format: Adyen{},
			file:   "settlement_detail_report_batch_101.csv",
			want: []string{
				"capture Settled 8815000000000001 8815000000000101 00001001 EUR 100.00 [{markup 0.10} {scheme_fees 0.02} {interchange 0.22}] EUR 99.66 rate=0 2026-11-02 101 settlement_detail_report_batch_101.csv:2",
				"capture Settled 8815000000000002 8815000000000201 00001002 EUR 100.00 [{commission 1.00}] EUR 99.00 rate=0 2026-11-02 101 settlement_detail_report_batch_101.csv:3",
				"capture Settled 8815000000000002 8815000000000202 00001002 EUR 50.00 [{commission 0.50}] EUR 49.50 rate=0 2026-11-02 101 settlement_detail_report_batch_101.csv:4",
				"capture Settled 8815000000000003 8815000000000301 00001003 EUR 80.00 [{commission 0.80}] EUR 79.20 rate=0 2026-11-02 101 settlement_detail_report_batch_101.csv:5",
				"refund Refunded 8815000000000003 8815000000000302 00001003 EUR -20.00 [] EUR -20.00 rate=0 2026-11-02 101 settlement_detail_report_batch_101.csv:6",
				"capture Settled 8815000000000004 8815000000000401 00001004 EUR 60.00 [{commission 0.60}] EUR 59.40 rate=0 2026-11-02 101 settlement_detail_report_batch_101.csv:7",
				"chargeback Chargeback 8815000000000004 8815000000000402 00001004 EUR -60.00 [{commission 15.00}] EUR -75.00 rate=0 2026-11-02 101 settlement_detail_report_batch_101.csv:8",
				"chargeback-reversal ChargebackReversed 8815000000000005 8815000000000501 00000905 EUR 40.00 [] EUR 40.00 rate=0 2026-11-02 101 settlement_detail_report_batch_101.csv:9",
				"fee Fee    EUR 0 [{account_fee 25.00}] EUR -25.00 rate=0 2026-11-02 101 settlement_detail_report_batch_101.csv:10",
				"capture Settled 8815000000000006 8815000000000601 00001006 USD 50.00 [{commission 0.50}] EUR 45.50 rate=0.92 2026-11-02 101 settlement_detail_report_batch_101.csv:11",
				"payout MerchantPayout    EUR 0 [] EUR -352.26 rate=0 2026-11-03 101 settlement_detail_report_batch_101.csv:12",
			},
		},
		{
			name:   "AdyenExtendedHeaderInAnotherOrder",
			format: Adyen{},
			file:   "settlement_detail_report_batch_102.csv",
			want: []string{
				"capture Settled 8815000000000007 8815000000000701 00001007 EUR 200.00 [{scheme_fees 0.40} {interchange 1.60}] EUR 198.00 rate=0 2026-11-03 102 settlement_detail_report_batch_102.csv:2",
				"capture Settled 8815000000009999 8815000000999901 00009999 EUR 30.00 [{commission 0.30}] EUR 29.70 rate=0 2026-11-03 102 settlement_detail_report_batch_102.csv:3",
				"capture Settled 8815000000000008 8815000000000801 00001008 EUR 74.00 [{commission 0.74}] EUR 73.26 rate=0 2026-11-03 102 settlement_detail_report_batch_102.csv:4",
				"adjustment DepositCorrection    EUR 0 [] EUR 5.00 rate=0 2026-11-03 102 settlement_detail_report_batch_102.csv:5",
				"payout MerchantPayout    EUR 0 [] EUR -305.96 rate=0 2026-11-04 102 settlement_detail_report_batch_102.csv:6",
			},
		},
		{
			name:   "AdyenBadRowsReportedRestLoads",
			format: Adyen{},
			file:   "adyen_bad_rows.csv",
			want: []string{
				"capture Settled 8815000000000011 8815000000001101 00001011 EUR 10.00 [{commission 0.10}] EUR 9.90 rate=0 2026-11-02 103 adyen_bad_rows.csv:2",
				"ERR reconcile: adyen_bad_rows.csv line 3: Type: unknown row type: \"PaymentCost\"",
				"ERR reconcile: adyen_bad_rows.csv line 4: Gross Credit (GC): malformed amount: \"12,50\"",
				"capture Settled 8815000000000014 8815000000001401 00001014 EUR 20.00 [{commission 0.20}] EUR 19.80 rate=0 2026-11-02 103 adyen_bad_rows.csv:5",
			},
		},
		{
			name:   "StripeItemizedPayout",
			format: Stripe{},
			file:   "payout_reconciliation_itemized_po_1.csv",
			want: []string{
				"capture charge pi_001 txn_001 00002001 USD 120.00 [{processing 3.78}] USD 116.22 rate=0 2026-11-02 po_1 payout_reconciliation_itemized_po_1.csv:2",
				"capture charge pi_002 txn_002 00002002 USD 100.00 [{processing 3.20}] USD 96.80 rate=0 2026-11-02 po_1 payout_reconciliation_itemized_po_1.csv:3",
				"capture partial_capture_reversal pi_002 txn_003 00002002 USD -20.00 [] USD -20.00 rate=0 2026-11-02 po_1 payout_reconciliation_itemized_po_1.csv:4",
				"capture charge pi_003 txn_004 00002003 USD 60.00 [{processing 2.04}] USD 57.96 rate=0 2026-11-02 po_1 payout_reconciliation_itemized_po_1.csv:5",
				"refund refund pi_003 txn_005 00002003 USD -25.00 [] USD -25.00 rate=0 2026-11-03 po_1 payout_reconciliation_itemized_po_1.csv:6",
				"capture charge pi_004 txn_006 00002004 USD 45.00 [{processing 1.61}] USD 43.39 rate=0 2026-11-02 po_1 payout_reconciliation_itemized_po_1.csv:7",
				"chargeback dispute pi_004 txn_007 00002004 USD -45.00 [{dispute_fee 15.00}] USD -60.00 rate=0 2026-11-03 po_1 payout_reconciliation_itemized_po_1.csv:8",
				"chargeback-reversal dispute_reversal pi_005 txn_008 00001905 USD 30.00 [{dispute_fee -15.00}] USD 45.00 rate=0 2026-11-03 po_1 payout_reconciliation_itemized_po_1.csv:9",
				"fee fee  txn_009  USD 0 [{account_fee 2.50}] USD -2.50 rate=0 2026-11-03 po_1 payout_reconciliation_itemized_po_1.csv:10",
				"capture charge pi_006 txn_010 00002006 EUR 50.00 [{processing 1.87}] USD 52.13 rate=1.08 2026-11-03 po_1 payout_reconciliation_itemized_po_1.csv:11",
				"payout payout  po_1  USD -304.00 [] USD -304.00 rate=0 2026-11-05 po_1 payout_reconciliation_itemized_po_1.csv:12",
			},
		},
		{
			name:   "StripeBadRowsReportedRestLoads",
			format: Stripe{},
			file:   "stripe_bad_rows.csv",
			want: []string{
				"capture charge pi_101 txn_101 00002101 USD 10.00 [{processing 0.59}] USD 9.41 rate=0 2026-11-06 po_2 stripe_bad_rows.csv:2",
				"ERR reconcile: stripe_bad_rows.csv line 3: gross: malformed amount: \"1e3\"",
				"ERR reconcile: stripe_bad_rows.csv line 4: reporting_category: unknown row type: \"topup\"",
				"capture charge pi_104 txn_104 00002104 USD 12.00 [{processing 0.65}] USD 11.35 rate=0 2026-11-06 po_2 stripe_bad_rows.csv:5",
			},
		},
		{
			name:   "PayPalSTLMinorUnitsAndConversionPair",
			format: PayPal{},
			file:   "STL-20261102.01.009.CSV",
			want: []string{
				"capture T0006 1AB00001  00003001 USD 100.00 [{processing 3.20}] USD 96.80 rate=0 2026-11-02 2026-11-02 STL-20261102.01.009.CSV:5",
				"capture T0006 1AB00002  00003002 JPY 5000 [{processing 200}] JPY 4800 rate=0 2026-11-02 2026-11-02 STL-20261102.01.009.CSV:6",
				"conversion T0200 1AB00002 1AB00020  JPY -4800 [] JPY -4800 rate=0.006667 2026-11-02 2026-11-02 STL-20261102.01.009.CSV:7",
				"conversion T0200 1AB00002 1AB00021  USD 32.00 [] USD 32.00 rate=0.006667 2026-11-02 2026-11-02 STL-20261102.01.009.CSV:8",
				"capture T0006 1AB00003  00003003 USD 50.00 [{processing 1.75}] USD 48.25 rate=0 2026-11-02 2026-11-02 STL-20261102.01.009.CSV:9",
				"refund T1107 1AB00003 1AB00013 00003003 USD -15.00 [{processing -0.45}] USD -14.55 rate=0 2026-11-02 2026-11-02 STL-20261102.01.009.CSV:10",
				"capture T0006 1AB00004  00003004 USD 30.00 [{processing 1.17}] USD 28.83 rate=0 2026-11-02 2026-11-02 STL-20261102.01.009.CSV:11",
				"chargeback T1201 1AB00004 1AB00014 00003004 USD -30.00 [{processing 20.00}] USD -50.00 rate=0 2026-11-02 2026-11-02 STL-20261102.01.009.CSV:12",
				"chargeback-reversal T1202 1AB00004 1AB00015 00003004 USD 30.00 [] USD 30.00 rate=0 2026-11-02 2026-11-02 STL-20261102.01.009.CSV:13",
				"capture T0006 1AB00006A 1AB00061 00003006 USD 40.00 [{processing 1.46}] USD 38.54 rate=0 2026-11-02 2026-11-02 STL-20261102.01.009.CSV:14",
				"capture T0006 1AB00006A 1AB00062 00003006 USD 20.00 [{processing 0.88}] USD 19.12 rate=0 2026-11-02 2026-11-02 STL-20261102.01.009.CSV:15",
				"fee T0100 1AB00030   USD 0 [{account_fee 10.00}] USD -10.00 rate=0 2026-11-02 2026-11-02 STL-20261102.01.009.CSV:16",
				"payout T0400 1AB00040 BANKREF1  USD -218.99 [] USD -218.99 rate=0 2026-11-02 2026-11-02 STL-20261102.01.009.CSV:17",
			},
		},
		{
			name:   "PayPalBadRowsReportedRestLoads",
			format: PayPal{},
			file:   "STL-bad.CSV",
			want: []string{
				"ERR reconcile: STL-bad.CSV line 3: Gross Transaction Amount: malformed amount: minor units \"12.34\"",
				"ERR reconcile: STL-bad.CSV line 4: Transaction Event Code: unknown row type: \"T9999\"",
				"ERR reconcile: STL-bad.CSV line 5: Gross Transaction Amount: malformed amount: direction \"XX\" is neither CR nor DR",
				"capture T0006 1AB00104  00003104 USD 10.00 [{processing 0.30}] USD 9.70 rate=0 2026-11-03 2026-11-03 STL-bad.CSV:6",
				"ERR reconcile: STL-bad.CSV line 7: unknown row type: record type \"ZZ\"",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readFile(t, tt.format, tt.file)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

// klarnaMapping describes the generic fixture's columns.
var klarnaMapping = ColumnMapping{
	Provider:          "klarna",
	Types:             map[string]LineType{"SALE": TypeCapture, "RETURN": TypeRefund, "FEE": TypeFee, "PAYOUT": TypePayout},
	Type:              "type",
	PSPReference:      "capture_id",
	MerchantReference: "order_id",
	Currency:          "currency",
	Gross:             "amount",
	Fees:              map[string]string{"processing": "fee"},
	BookingDate:       "date",
	PayoutID:          "settlement_id",
}

func TestGeneric_ReadsAnyProviderThroughAColumnMapping(t *testing.T) {
	got := readFile(t, Generic{Mapping: klarnaMapping}, "generic_klarna_2026-11-04.csv")
	want := []string{
		"capture SALE kc_1  00004001 SEK 1000.00 [{processing 12.50}] SEK 987.50 rate=0 2026-11-04 KS-77 generic_klarna_2026-11-04.csv:2",
		"refund RETURN kr_1  00004002 SEK -200.00 [] SEK -200.00 rate=0 2026-11-04 KS-77 generic_klarna_2026-11-04.csv:3",
		"fee FEE    SEK 0 [{account_fee 30.00}] SEK -30.00 rate=0 2026-11-04 KS-77 generic_klarna_2026-11-04.csv:4",
		"payout PAYOUT    SEK -757.50 [] SEK -757.50 rate=0 2026-11-05 KS-77 generic_klarna_2026-11-04.csv:5",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

func TestGeneric_MinorUnitsAndUnknownType(t *testing.T) {
	m := klarnaMapping
	m.MinorUnits = true
	in := "settlement_id,type,capture_id,order_id,currency,amount,fee,date\n" +
		"S1,SALE,c1,o1,JPY,-1500,0,2026-11-04\n" +
		"S1,SALE,c2,o2,KWD,1500,5,2026-11-04\n" +
		"S1,BONUS,c3,o3,SEK,100,0,2026-11-04\n"
	var got []string
	for l, err := range (Generic{Mapping: m}).Read(context.Background(), strings.NewReader(in), "g.csv") {
		got = append(got, describe(l, err))
	}
	want := []string{
		"capture SALE c1  o1 JPY -1500 [] JPY -1500 rate=0 2026-11-04 S1 g.csv:2",
		"capture SALE c2  o2 KWD 1.500 [{processing 0.005}] KWD 1.495 rate=0 2026-11-04 S1 g.csv:3",
		`ERR reconcile: g.csv line 4: type: unknown row type: "BONUS"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

func TestReaders_ErrorsAreTypedAndInspectable(t *testing.T) {
	fh, err := os.Open("testdata/adyen_bad_rows.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var unknown, malformed int
	for _, err := range (Adyen{}).Read(context.Background(), fh, "adyen_bad_rows.csv") {
		var le *LineError
		if err == nil {
			continue
		}
		if !errors.As(err, &le) || le.File != "adyen_bad_rows.csv" || le.Line == 0 {
			t.Fatalf("error %v is not a *LineError naming file and line", err)
		}
		switch {
		case errors.Is(err, ErrUnknownType):
			unknown++
		case errors.Is(err, ErrMalformedAmount):
			malformed++
		}
	}
	if unknown != 1 || malformed != 1 {
		t.Errorf("unknown=%d malformed=%d, want 1 and 1", unknown, malformed)
	}
}

func TestReaders_MissingHeaderColumnEndsTheFileWithFileError(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		in     string
	}{
		{"adyen", Adyen{}, "Psp Reference,Type\n1,Settled\n"},
		{"stripe", Stripe{}, "gross,net\n1,1\n"},
		{"paypal", PayPal{}, "\"CH\",\"Transaction ID\"\n\"SB\",\"1\"\n"},
		{"generic", Generic{Mapping: klarnaMapping}, "type,amount\nSALE,1\n"},
		{"generic invalid mapping", Generic{Mapping: ColumnMapping{Provider: "x"}}, "type\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errs []error
			for l, err := range tt.format.Read(context.Background(), strings.NewReader(tt.in), "f.csv") {
				if err == nil {
					t.Fatalf("got a line %+v from a file without its header", l)
				}
				errs = append(errs, err)
			}
			var fe *FileError
			if len(errs) != 1 || !errors.As(errs[0], &fe) || fe.File != "f.csv" {
				t.Fatalf("errors %v, want one *FileError for f.csv", errs)
			}
		})
	}
}

func TestPayPal_UnpairedConversionLegIsReported(t *testing.T) {
	in := `"SH","2026/11/03 00:00:00 -0800"
"CH","Transaction ID","Invoice ID","Transaction Event Code","Transaction Debit or Credit","Gross Transaction Amount","Gross Transaction Currency"
"SB","C1","","T0200","DR","1000","EUR"
"SB","P1","o1","T0006","CR","1000","USD"
"SB","C2","","T0200","CR","1100","USD"
`
	var got []string
	for l, err := range (PayPal{}).Read(context.Background(), strings.NewReader(in), "stl.csv") {
		got = append(got, describe(l, err))
	}
	want := []string{
		"ERR reconcile: stl.csv line 3: Transaction Event Code: malformed row: currency conversion leg T0200 without its counterpart",
		"capture T0006 P1  o1 USD 10.00 [] USD 10.00 rate=0 0001-01-01 2026-11-03 stl.csv:4",
		"ERR reconcile: stl.csv line 5: Transaction Event Code: malformed row: currency conversion leg T0200 without its counterpart",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

func TestFromMinorUnits_UsesTheCurrencyExponentExactly(t *testing.T) {
	tests := []struct{ units, cur, want string }{
		{"10000", "USD", "100.00"},
		{"10000", "JPY", "10000"},
		{"10000", "KWD", "10.000"},
		{"1", "EUR", "0.01"},
		{"0", "GBP", "0.00"},
	}
	for _, tt := range tests {
		got, err := FromMinorUnits(tt.units, tt.cur)
		if err != nil || got.String() != tt.want {
			t.Errorf("FromMinorUnits(%s, %s) = %s, %v; want %s", tt.units, tt.cur, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "-1", "1.5", "1e3", "9999999999999999"} {
		if _, err := FromMinorUnits(bad, "USD"); !errors.Is(err, ErrMalformedAmount) {
			t.Errorf("FromMinorUnits(%q) error %v, want ErrMalformedAmount", bad, err)
		}
	}
}

package erp_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
)

// translateOK translates o, and checks what must hold for every document:
// the ERP total equals the SFCC total to the penny, the document's own
// arithmetic holds, and its journal balances.
func translateOK(t *testing.T, tr *erp.Translator, o sfcc.Order) (erp.SalesOrder, erp.JournalEntry) {
	t.Helper()
	so, err := tr.Translate(o)
	if err != nil {
		t.Fatalf("Translate(%s): %v", o.OrderNo, err)
	}
	if got, want := so.Totals.Gross.String(), o.Totals.OrderTotal.Gross.String(); got != want {
		t.Errorf("ERP total %s, SFCC total %s", got, want)
	}
	if err := so.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	j, err := erp.OrderJournal(so)
	if err != nil {
		t.Fatalf("OrderJournal: %v", err)
	}
	debit, credit, _ := j.Totals()
	if debit.Cmp(credit) != 0 {
		t.Errorf("journal debits %s, credits %s", debit, credit)
	}
	return so, j
}

func discountLines(so erp.SalesOrder) []string {
	var out []string
	for _, l := range so.Discounts {
		out = append(out, fmt.Sprintf("%s %s %s acct=%s net=%s tax=%s gross=%s", l.Level, l.PromotionID, l.TaxCode, l.Account, l.Net, l.Tax, l.Gross))
	}
	return out
}

func journalLines(j erp.JournalEntry) []string {
	var out []string
	for _, l := range j.Lines {
		if !l.Debit.IsZero() {
			out = append(out, fmt.Sprintf("Dr %s %s %s", l.Account, l.TaxCode, l.Debit))
		} else {
			out = append(out, fmt.Sprintf("Cr %s %s %s", l.Account, l.TaxCode, l.Credit))
		}
	}
	return out
}

func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

func TestTranslate_UKGrossOrderWithLinePromotionOrderPromotionAndShipping(t *testing.T) {
	o := order("UK-1001", sfcc.TaxationGross, "GBP", totals("78.28", "15.67", "93.95"))
	o.Shipments = []sfcc.Shipment{shipment("UK-STANDARD", "GB")}
	o.ProductLineItems = []sfcc.ProductLineItem{
		product("JUMPER", "2", "0.2", gross("60.00", "10.00"), promo("SUMMER10", gross("-6.00", "-1.00"))),
		product("SCARF", "1", "0.2", gross("40.00", "6.67")),
	}
	o.Totals.MerchandizeTotal.PriceAdjustments = []sfcc.PriceAdjustment{promo("ORDER5", gross("-5.00", "-0.83"))}
	o.ShippingLineItems = []sfcc.ShippingLineItem{shippingLine("0.2", gross("4.95", "0.83"))}
	o.Payments = []sfcc.Payment{card("93.95", "PSP-1")}

	so, j := translateOK(t, translator(t, "0"), o)
	diff(t, "discount lines", []string{
		"product SUMMER10 S20 acct=4910 net=-5.00 tax=-1.00 gross=-6.00",
		"order ORDER5 S20 acct=4900 net=-4.17 tax=-0.83 gross=-5.00",
	}, discountLines(so))
	if s := so.Shipping[0]; s.CarrierService != "RM48" || s.Gross.String() != "4.95" || s.Tax.String() != "0.83" || s.TaxCode != "S20" {
		t.Errorf("shipping line = %+v", s)
	}
	if so.Totals.Tax.String() != "15.67" || so.Rounding != nil {
		t.Errorf("tax %s rounding %v", so.Totals.Tax, so.Rounding)
	}
	diff(t, "journal", []string{
		"Dr 1210  93.95",
		"Cr 4000  83.33",
		"Cr 2200 S20 15.67",
		"Cr 4100  4.12",
		"Dr 4910  5.00",
		"Dr 4900  4.17",
	}, journalLines(j))
}

func TestTranslate_USNetOrderWithPerLineTaxAndFreeShipping(t *testing.T) {
	o := order("US-2001", sfcc.TaxationNet, "USD", totals("70.00", "6.22", "76.22"))
	o.Shipments = []sfcc.Shipment{shipment("US-GROUND", "US")}
	o.ProductLineItems = []sfcc.ProductLineItem{
		product("BOOTS", "1", "0.08875", net("50.00", "4.44")),
		product("SOCKS", "2", "0.08875", net("20.00", "1.78")),
	}
	o.ShippingLineItems = []sfcc.ShippingLineItem{shippingLine("0", net("7.99", "0.00"), promo("FREESHIP", net("-7.99", "0.00")))}
	o.Payments = []sfcc.Payment{paypal("76.22", "PP-9")}

	so, j := translateOK(t, translator(t, "0"), o)
	diff(t, "discount lines", []string{"shipping FREESHIP US-EXEMPT acct=4940 net=-7.99 tax=0.00 gross=-7.99"}, discountLines(so))
	if l := so.Items[0]; l.Net.String() != "50.00" || l.Tax.String() != "4.44" || l.Gross.String() != "54.44" || l.TaxCode != "US-SALES" {
		t.Errorf("item 1 = %+v", l)
	}
	if p := so.Payments[0]; p.Method != "PAYPAL" || p.ClearingAccount != "1221" || p.PSPReference != "PP-9" {
		t.Errorf("payment = %+v (order date 2026 selects the 2026 PayPal row)", p)
	}
	diff(t, "journal", []string{
		"Dr 1221  76.22",
		"Cr 4000  70.00",
		"Cr 2210 US-SALES 6.22",
		"Cr 4110  7.99",
		"Dr 4940  7.99",
	}, journalLines(j))
}

func TestTranslate_SplitTenderWithGiftCertificate(t *testing.T) {
	o := order("UK-1002", sfcc.TaxationGross, "GBP", totals("83.33", "16.67", "100.00"))
	o.Shipments = []sfcc.Shipment{shipment("UK-STANDARD", "GB")}
	o.ProductLineItems = []sfcc.ProductLineItem{product("COAT", "1", "0.2", gross("100.00", "16.67"))}
	o.Payments = []sfcc.Payment{giftCertificate("25.00"), card("75.00", "PSP-2")}

	so, j := translateOK(t, translator(t, "0"), o)
	var got []string
	for _, p := range so.Payments {
		got = append(got, fmt.Sprintf("%s %s %s %s", p.Method, p.ClearingAccount, p.PSP, p.Amount))
	}
	diff(t, "payments", []string{"GIFTCERT 2300  25.00", "CARD 1210 adyen 75.00"}, got)
	diff(t, "journal", []string{"Dr 2300  25.00", "Dr 1210  75.00", "Cr 4000  83.33", "Cr 2200 S20 16.67"}, journalLines(j))
	out, _ := jsonString(so)
	if strings.Contains(out, "GC-SECRET-CODE") {
		t.Error("the gift certificate code leaked into the document")
	}
}

func TestTranslate_GiftCertificateBoughtIsLiabilityNotRevenue(t *testing.T) {
	o := order("UK-1003", sfcc.TaxationGross, "GBP", totals("66.67", "3.33", "70.00"))
	o.Shipments = []sfcc.Shipment{shipment("UK-STANDARD", "GB")}
	o.ProductLineItems = []sfcc.ProductLineItem{product("MUG", "1", "0.2", gross("20.00", "3.33"))}
	o.GiftCertificateLineItems = []sfcc.GiftCertificateLineItem{{LineAmounts: gross("50.00", "0.00"), ItemID: "gc1", GiftCertificateID: "GC-SECRET-CODE-9"}}
	o.Payments = []sfcc.Payment{card("70.00", "PSP-3")}

	so, j := translateOK(t, translator(t, "0"), o)
	if g := so.GiftCertificates; len(g) != 1 || g[0].LiabilityAccount != "2300" || g[0].Gross.String() != "50.00" || !g[0].Tax.IsZero() {
		t.Errorf("gift certificate lines = %+v", g)
	}
	diff(t, "journal", []string{"Dr 1210  70.00", "Cr 4000  16.67", "Cr 2200 S20 3.33", "Cr 2300  50.00"}, journalLines(j))
}

func TestTranslate_MixedRateBasketSplitsOrderDiscountAcrossRatesToThePenny(t *testing.T) {
	o := order("UK-1004", sfcc.TaxationGross, "GBP", totals("83.23", "9.00", "92.23"))
	o.Shipments = []sfcc.Shipment{shipment("UK-STANDARD", "GB")}
	o.ProductLineItems = []sfcc.ProductLineItem{
		product("WINE-GLASS", "1", "0.2", gross("50.00", "8.33")),
		product("CHILD-SEAT", "1", "0.05", gross("30.00", "1.43")),
		product("BOOK", "1", "0", gross("20.00", "0.00")),
	}
	// £7.77 off the order with £0.76 of VAT in it, spread over 50/30/20.
	o.Totals.MerchandizeTotal.PriceAdjustments = []sfcc.PriceAdjustment{
		{LineAmounts: gross("-7.77", "-0.76"), PromotionID: "SPRING", CampaignID: "BLACKFRIDAY"},
	}
	o.Payments = []sfcc.Payment{card("92.23", "PSP-4")}

	so, j := translateOK(t, translator(t, "0"), o)
	diff(t, "discount lines", []string{
		"order SPRING S20 acct=4920 net=-3.24 tax=-0.65 gross=-3.89",
		"order SPRING R5 acct=4920 net=-2.22 tax=-0.11 gross=-2.33",
		"order SPRING Z0 acct=4920 net=-1.55 tax=0.00 gross=-1.55",
	}, discountLines(so))
	var summary []string
	for _, s := range so.TaxSummary {
		summary = append(summary, fmt.Sprintf("%s net=%s tax=%s", s.TaxCode, s.Net, s.Tax))
	}
	diff(t, "tax summary", []string{"R5 net=26.35 tax=1.32", "S20 net=38.43 tax=7.68", "Z0 net=18.45 tax=0.00"}, summary)
	diff(t, "journal", []string{
		"Dr 1210  92.23",
		"Cr 4000  90.24",
		"Cr 2200 S20 7.68",
		"Cr 2200 R5 1.32",
		"Dr 4920  7.01",
	}, journalLines(j))
}

func TestTranslate_TaxOnlyAtOrderLevelIsAllocatedToLines(t *testing.T) {
	o := order("UK-1005", sfcc.TaxationGross, "GBP", totals("74.17", "11.83", "86.00"))
	o.Shipments = []sfcc.Shipment{shipment("UK-STANDARD", "GB")}
	o.ProductLineItems = []sfcc.ProductLineItem{
		product("LAMP", "1", "0.2", gross("60.00", "0")),
		product("CAR-SEAT", "1", "0.05", gross("21.00", "0")),
	}
	o.ShippingLineItems = []sfcc.ShippingLineItem{shippingLine("0.2", gross("5.00", "0"))}
	o.Payments = []sfcc.Payment{card("86.00", "PSP-5")}

	so, _ := translateOK(t, translator(t, "0"), o)
	got := []string{so.Items[0].Tax.String(), so.Items[1].Tax.String(), so.Shipping[0].Tax.String()}
	diff(t, "allocated tax (item, item, shipping)", []string{"10.00", "1.00", "0.83"}, got)
	if so.Totals.Tax.String() != "11.83" {
		t.Errorf("document tax %s, want 11.83", so.Totals.Tax)
	}
}

func TestTranslate_OnePennyResidualGoesToRoundingAccount(t *testing.T) {
	// SFCC rounded tax per order group; the lines add up to 99.99.
	o := order("US-2002", sfcc.TaxationNet, "USD", totals("92.00", "8.00", "100.00"))
	o.Shipments = []sfcc.Shipment{shipment("US-GROUND", "US")}
	o.ProductLineItems = []sfcc.ProductLineItem{
		product("A", "1", "0.087", net("46.00", "4.00")),
		product("B", "1", "0.087", net("46.00", "3.99")),
	}
	o.Payments = []sfcc.Payment{card("100.00", "PSP-6")}

	so, j := translateOK(t, translator(t, "0.01"), o)
	if so.Rounding == nil || so.Rounding.Account != "7990" || so.Rounding.Amount.String() != "0.01" {
		t.Fatalf("rounding = %+v, want 0.01 on 7990", so.Rounding)
	}
	diff(t, "journal", []string{"Dr 1210  100.00", "Cr 4000  92.00", "Cr 2210 US-SALES 7.99", "Cr 7990  0.01"}, journalLines(j))
}

func TestTranslate_ResidualAboveToleranceIsRejected(t *testing.T) {
	o := order("US-2003", sfcc.TaxationNet, "USD", totals("92.00", "8.00", "100.00"))
	o.Shipments = []sfcc.Shipment{shipment("US-GROUND", "US")}
	o.ProductLineItems = []sfcc.ProductLineItem{
		product("A", "1", "0.087", net("46.00", "4.00")),
		product("B", "1", "0.087", net("45.98", "3.99")),
	}
	o.Payments = []sfcc.Payment{card("100.00", "PSP-7")}

	so, err := translator(t, "0.01").Translate(o)
	var mismatch *erp.TotalMismatchError
	if !errors.As(err, &mismatch) {
		t.Fatalf("err = %v, want *TotalMismatchError", err)
	}
	if mismatch.OrderNo != "US-2003" || mismatch.What != "total" || mismatch.SFCC.String() != "100.00" || mismatch.ERP.String() != "99.97" {
		t.Errorf("mismatch = %+v", mismatch)
	}
	for _, want := range []string{"US-2003", "100.00", "99.97"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if so.ExternalRef != "" {
		t.Error("a rejected order still returned a document")
	}
}

func TestTranslate_PaymentsNotCoveringTotalAreRejected(t *testing.T) {
	o := order("UK-1006", sfcc.TaxationGross, "GBP", totals("8.33", "1.67", "10.00"))
	o.Shipments = []sfcc.Shipment{shipment("UK-STANDARD", "GB")}
	o.ProductLineItems = []sfcc.ProductLineItem{product("PEN", "1", "0.2", gross("10.00", "1.67"))}
	o.Payments = []sfcc.Payment{card("9.00", "PSP-8")}
	_, err := translator(t, "0.01").Translate(o)
	var mismatch *erp.TotalMismatchError
	if !errors.As(err, &mismatch) || mismatch.What != "payments" || mismatch.ERP.String() != "9.00" {
		t.Errorf("err = %v, want a payments mismatch naming 9.00", err)
	}
}

func TestTranslate_EveryMissingMappingIsReportedAtOnce(t *testing.T) {
	o := order("FR-3001", sfcc.TaxationGross, "EUR", totals("100.00", "20.00", "120.00"))
	o.Shipments = []sfcc.Shipment{shipment("FR-COLISSIMO", "FR")}
	o.ProductLineItems = []sfcc.ProductLineItem{product("VASE", "1", "0.2", gross("115.00", "19.17"))}
	o.ShippingLineItems = []sfcc.ShippingLineItem{shippingLine("0.2", gross("5.00", "0.83"))}
	o.Payments = []sfcc.Payment{{Kind: sfcc.PaymentKindBankTransfer, Amount: d("120.00"), ProcessorID: "SEPA"}}
	_, err := translator(t, "0").Translate(o)
	var got []string
	for _, m := range mapping.MissingErrors(err) {
		got = append(got, m.Table+" "+m.Key)
	}
	diff(t, "missing mappings", []string{
		"tax country=FR rate_percent=20 tax_class=",
		"shipping shipping_method=FR-COLISSIMO",
		"tax country=FR rate_percent=20 tax_class=",
		"payments kind=bank-transfer method=bank-transfer processor=SEPA",
	}, got)
}

func TestTranslate_ErrorsNameTheOrderAndKeepEachProblem(t *testing.T) {
	o := order("FR-3002", sfcc.TaxationGross, "EUR", totals("100.00", "20.00", "120.00"))
	o.Shipments = []sfcc.Shipment{shipment("FR-COLISSIMO", "FR")}
	o.ProductLineItems = []sfcc.ProductLineItem{product("VASE", "1", "0.2", gross("120.00", "20.00"))}
	o.Payments = []sfcc.Payment{card("120.00", "PSP-10")}
	_, err := translator(t, "0").Translate(o)
	if err == nil {
		t.Fatal("an order with unmapped tax and shipping translated")
	}
	// A missing mapping on its own says "no tax row for country=FR"; the
	// error of the translation says which order ran into it.
	if !strings.HasPrefix(err.Error(), "erp: order FR-3002: ") || !strings.Contains(err.Error(), "no tax row for country=FR") {
		t.Errorf("err = %q, want it to name order FR-3002 and the missing tax row", err)
	}
	var te *erp.TranslationError
	if !errors.As(err, &te) || te.OrderNo != "FR-3002" {
		t.Fatalf("err = %#v, want a *erp.TranslationError for FR-3002", err)
	}
	var m *mapping.MissingError
	if !errors.As(err, &m) || m.Table != "tax" {
		t.Errorf("errors.As did not reach the first *mapping.MissingError through the translation error: %v", m)
	}
	if n := len(mapping.MissingErrors(err)); n < 2 {
		t.Errorf("%d missing mappings found through the translation error, want tax and shipping", n)
	}
	if strings.Count(err.Error(), "FR-3002") != 1 {
		t.Errorf("err = %q names the order more than once", err)
	}
}

func TestTranslate_CustomAttributesFlowToMappedFields(t *testing.T) {
	base := func() sfcc.Order {
		o := order("UK-1007", sfcc.TaxationGross, "GBP", totals("8.33", "1.67", "10.00"))
		o.Shipments = []sfcc.Shipment{shipment("UK-STANDARD", "GB")}
		o.Shipments[0].Custom.Set("safePlace", "Behind the blue bin by the side gate")
		o.ProductLineItems = []sfcc.ProductLineItem{product("RING", "1", "0.2", gross("10.00", "1.67"))}
		o.ProductLineItems[0].Custom.Set("engraving", "For ever, L.")
		o.Custom.Set("giftMessage", "Happy birthday Sam! Love from all of us at number 42 ♥")
		o.Custom.Set("loyaltyTier", "gold") // no row: not carried
		o.Payments = []sfcc.Payment{card("10.00", "PSP-9")}
		return o
	}
	so, _ := translateOK(t, translator(t, "0"), base())
	var got []string
	for _, f := range so.CustomFields {
		got = append(got, fmt.Sprintf("%s/%s %s.%s=%q truncated=%v", f.Scope, f.Ref, f.Target, f.Field, f.Value, f.Truncated))
	}
	diff(t, "custom fields", []string{
		`order/ wms.packing_slip_note="Happy birthday Sam! Love from all of us " truncated=true`,
		`shipment/me wms.safe_place="Behind the blue bin by the sid" truncated=true`,
		`product/1 erp.line_note="For ever, L." truncated=false`,
	}, got)

	o := base()
	o.Custom.Set("deliveryInstructions", strings.Repeat("Ring twice. ", 6))
	_, err := translator(t, "0").Translate(o)
	var long *erp.FieldTooLongError
	if !errors.As(err, &long) || long.OrderNo != "UK-1007" || long.AttributeID != "deliveryInstructions" || long.Length != 72 || long.MaxLength != 60 {
		t.Errorf("err = %v, want *FieldTooLongError for deliveryInstructions 72 > 60", err)
	}
}

func TestTranslate_IsDeterministic(t *testing.T) {
	tr := translator(t, "0.01")
	for _, o := range generateOrders(50, 7) {
		a, errA := tr.Translate(o)
		b, errB := tr.Translate(o)
		if errA != nil || errB != nil {
			t.Fatalf("%s: %v / %v", o.OrderNo, errA, errB)
		}
		ja, _ := jsonString(a)
		jb, _ := jsonString(b)
		if ja != jb {
			t.Fatalf("%s translated twice differs:\n%s\n%s", o.OrderNo, ja, jb)
		}
	}
}

func TestTranslate_GiftCertificateRedeemedMustClearTheLiability(t *testing.T) {
	var inputs []mapping.Input
	for _, tb := range mapping.AllTables() {
		data, err := os.ReadFile("testdata/tables/" + string(tb) + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		content := string(data)
		if tb == mapping.Payments {
			content = strings.Replace(content, "gift-certificate,*,*,GIFTCERT,2300", "gift-certificate,*,*,GIFTCERT,1299", 1)
		}
		inputs = append(inputs, mapping.Input{Table: tb, Name: string(tb) + ".csv", Format: mapping.CSV, R: strings.NewReader(content)})
	}
	tables, err := mapping.Read(inputs...)
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := erp.NewTranslator(erp.TranslatorConfig{Tables: tables})
	o := order("UK-1008", sfcc.TaxationGross, "GBP", totals("8.33", "1.67", "10.00"))
	o.Shipments = []sfcc.Shipment{shipment("UK-STANDARD", "GB")}
	o.ProductLineItems = []sfcc.ProductLineItem{product("PEN", "1", "0.2", gross("10.00", "1.67"))}
	o.Payments = []sfcc.Payment{giftCertificate("10.00")}
	_, err = tr.Translate(o)
	var cfg *erp.MappingRowError
	if !errors.As(err, &cfg) || cfg.OrderNo != "UK-1008" || !strings.Contains(err.Error(), "2300") || !strings.Contains(err.Error(), "1299") {
		t.Errorf("err = %v, want a MappingRowError naming both accounts", err)
	}
}

func TestTranslate_OrderWithoutNumberOrTaxationIsRefused(t *testing.T) {
	tr := translator(t, "0")
	var oe *erp.OrderError
	if _, err := tr.Translate(sfcc.Order{Taxation: sfcc.TaxationGross}); !errors.As(err, &oe) {
		t.Errorf("no order number: err = %v, want *OrderError", err)
	}
	if _, err := tr.Translate(sfcc.Order{OrderNo: "X1"}); !errors.As(err, &oe) || oe.OrderNo != "X1" {
		t.Errorf("no taxation: err = %v, want *OrderError naming X1", err)
	}
}

func TestTranslate_StandardGiftMessagesReachTheirMappedFieldsAtTheRightLine(t *testing.T) {
	o := order("UK-1009", sfcc.TaxationGross, "GBP", totals("25.00", "5.00", "30.00"))
	o.Shipments = []sfcc.Shipment{shipment("UK-STANDARD", "GB")}
	o.Shipments[0].Gift, o.Shipments[0].GiftMessage = true, "Happy retirement, Pat! From everyone on the third floor"
	ring := product("RING", "1", "0.2", gross("12.00", "2.00"))
	ring.Options = []sfcc.OptionLineItem{{LineAmounts: gross("6.00", "1.00"), OptionID: "engraving", ValueID: "yes"}}
	watch := product("WATCH", "1", "0.2", gross("12.00", "2.00"))
	watch.Gift, watch.GiftMessage = true, "Tick tock"
	watch.Custom.Set("engraving", "P.")
	o.ProductLineItems = []sfcc.ProductLineItem{ring, watch}
	o.Payments = []sfcc.Payment{card("30.00", "PSP-10")}

	so, _ := translateOK(t, translator(t, "0"), o)
	var got []string
	for _, f := range so.CustomFields {
		got = append(got, fmt.Sprintf("%s/%s %s.%s=%q truncated=%v", f.Scope, f.Ref, f.Target, f.Field, f.Value, f.Truncated))
	}
	diff(t, "custom fields", []string{
		`shipment/me wms.packing_slip_note="Happy retirement, Pat! From everyone on " truncated=true`,
		`product/3 erp.line_note="P." truncated=false`,
		`product/3 wms.gift_tag="Tick tock" truncated=false`,
	}, got)
	if so.Items[2].SKU != "WATCH" {
		t.Errorf("item 3 is %s, want WATCH (the ring's option is item 2)", so.Items[2].SKU)
	}
}

package reconcile_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/sfcc"
)

func Example() {
	orders := []sfcc.Order{
		{OrderNo: "00000101", Currency: "EUR", PlaceDate: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
			Payments: []sfcc.Payment{{Kind: sfcc.PaymentKindCreditCard, Amount: decimal.MustParse("100.00"), TransactionID: "PSP101"}}},
		{OrderNo: "00000102", Currency: "EUR", PlaceDate: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
			Payments: []sfcc.Payment{{Kind: sfcc.PaymentKindCreditCard, Amount: decimal.MustParse("40.00"), TransactionID: "PSP102"}}},
	}
	var expected []reconcile.Expected
	for _, o := range orders {
		expected = append(expected, reconcile.ExpectedFromOrder(o)...)
	}
	adyen := "Psp Reference,Merchant Reference,Creation Date,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Batch Number\n" +
		"PSP101,00000101,2026-11-02 10:00:00,Settled,M1,EUR,,100.00,EUR,,99.00,1.00,7\n" +
		",,2026-11-03 06:00:00,MerchantPayout,,EUR,,,EUR,99.00,,,7\n"

	r, err := reconcile.New(reconcile.Config{
		Now: func() time.Time { return time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		panic(err)
	}
	rep, err := r.Run(context.Background(), reconcile.Input{
		Expected: expected,
		Files:    []reconcile.SettlementFile{{Name: "settlement_detail_report_batch_7.csv", Format: reconcile.Adyen{}, Body: strings.NewReader(adyen)}},
	})
	if err != nil {
		panic(err)
	}
	for _, p := range rep.Payouts {
		fmt.Printf("%s batch %s: gross %s, fees %s, net expected %s, paid %s\n", p.Provider, p.PayoutID, p.Gross, p.FeeTotal, p.NetExpected, p.NetPaid)
	}
	for _, o := range rep.Open {
		fmt.Printf("open: %s %s %s\n", o.Expected.OrderNo, o.Remaining(), o.Expected.Currency)
	}
	fmt.Println("clean:", rep.Clean())
	// Output:
	// adyen batch 7: gross 100.00, fees 1.00, net expected 99.00, paid 99.00
	// open: 00000102 40.00 EUR
	// clean: true
}

func ExampleClassifier_Classify() {
	c := reconcile.Classifier{Now: func() time.Time { return time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC) }}
	err := &sfcc.Error{StatusCode: 404, FaultType: "OrderNotFoundException", Method: "PATCH", Path: "/orders/00000103",
		Arguments: map[string]string{"orderNo": "00000103"}}
	for _, x := range c.Classify(err) {
		fmt.Println(x.Kind, x.Owner, x.Key)
	}
	// Output:
	// sfcc-sync-failure ecommerce 00000103
}

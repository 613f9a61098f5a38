package erp_test

import (
	"context"
	"fmt"
	"time"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// An export run against the SFCC simulator and the fake ERP: the sample
// orders are exported, except the one whose payment method the tables do
// not map, which is marked FAILED with the reason.
func ExampleExporter() {
	ctx := context.Background()
	srv := sfcctest.NewServer()
	defer srv.Close()
	srv.AddOrders(erptest.SampleOrders()...)
	client, err := ocapi.NewClient(ocapi.Config{Host: srv.URL(), Site: srv.Site(), TokenURL: srv.TokenURL(),
		ClientID: srv.ClientID(), Secret: sfcc.StaticSecret(srv.ClientSecret()), RetryWaitMin: time.Millisecond})
	if err != nil {
		panic(err)
	}
	ledger := erptest.New() // your ERP adapter
	translator, err := erp.NewTranslator(erp.TranslatorConfig{Tables: erptest.SampleTables()})
	if err != nil {
		panic(err)
	}
	resolver, err := dedupe.NewResolver(dedupe.Config{Directory: ledger})
	if err != nil {
		panic(err)
	}
	x, err := erp.NewExporter(erp.ExporterConfig{
		Orders: client, Translator: translator, Resolver: resolver, SalesOrders: ledger, Ledger: ledger,
	})
	if err != nil {
		panic(err)
	}
	rep, err := x.ExportReady(ctx)
	if err != nil {
		panic(err)
	}
	for _, o := range rep.Orders {
		fmt.Println(o.OrderNo, o.Outcome, o.DocumentNo != "")
	}
	again, _ := x.ExportReady(ctx)
	fmt.Println("second run:", len(again.Orders), "orders")
	// Output:
	// 00001001 exported true
	// 00001002 exported true
	// 00001003 failed false
	// second run: 0 orders
}

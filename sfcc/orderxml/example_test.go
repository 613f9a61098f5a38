package orderxml_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/orderxml"
)

const export = `<?xml version="1.0" encoding="UTF-8"?>
<orders xmlns="http://www.demandware.com/xml/impex/order/2006-10-31">
  <order order-no="00004711">
    <currency>EUR</currency>
    <taxation>gross</taxation>
    <product-lineitems>
      <product-lineitem>
        <net-price>100.00</net-price><tax>19.00</tax><gross-price>119.00</gross-price>
        <product-id>JACKET-GRN-L</product-id>
        <quantity unit="Each">1.0E0</quantity>
        <tax-rate>0.19</tax-rate>
        <shipment-id>me</shipment-id>
      </product-lineitem>
    </product-lineitems>
    <shipments><shipment shipment-id="me"/></shipments>
    <totals>
      <merchandize-total><net-price>100.00</net-price><tax>19.00</tax><gross-price>119.00</gross-price></merchandize-total>
      <adjusted-merchandize-total><net-price>100.00</net-price><tax>19.00</tax><gross-price>119.00</gross-price></adjusted-merchandize-total>
      <order-total><net-price>100.00</net-price><tax>19.00</tax><gross-price>119.00</gross-price></order-total>
    </totals>
    <payments><payment><amount>100.00</amount></payment></payments>
  </order>
  <order order-no="00004712"><currency>EUR</currency><totals><order-total><gross-price>1,00</gross-price></order-total></totals></order>
</orders>`

// Decode an export order by order, skipping the invalid one, and check each
// order's totals before it goes to the ERP.
func ExampleDecoder() {
	ctx := context.Background()
	d := orderxml.NewDecoder(strings.NewReader(export), orderxml.SkipInvalid())
	for o, err := range d.All(ctx) {
		if err != nil {
			fmt.Println("skipped:", err)
			continue
		}
		li := o.ProductLineItems[0]
		fmt.Println(o.OrderNo, o.Currency, o.Totals.OrderTotal.Gross, li.ProductID, "x", li.Quantity.Value)
		for _, p := range orderxml.Check(o) {
			fmt.Println("problem:", p)
		}
	}
	// Output:
	// 00004711 EUR 119.00 JACKET-GRN-L x 1.0
	// problem: order "00004711": payments/amount is 100.00 but the order-total gross-price is 119.00 (difference -19.00)
	// skipped: orderxml: order "00004712": line 23, column 75: order/totals/order-total/gross-price: invalid value: not a number "1,00"
}

// Write an order back as schema-valid Order XML.
func ExampleEncoder() {
	e := orderxml.NewEncoder(os.Stdout, orderxml.Indent("  "))
	err := e.Encode(context.Background(), sfcc.Order{
		OrderNo:  "00004711",
		Currency: "EUR",
		Status:   sfcc.StatusSet{Export: sfcc.ExportStatusExported},
		Totals: sfcc.OrderTotals{OrderTotal: sfcc.Total{Amounts: sfcc.Amounts{
			Net: decimal.MustParse("100.00"), Tax: decimal.MustParse("19.00"), Gross: decimal.MustParse("119.00")}}},
	})
	if err != nil {
		fmt.Println(err)
	}
	if err := e.Close(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <orders xmlns="http://www.demandware.com/xml/impex/order/2006-10-31">
	//   <order order-no="00004711">
	//     <currency>EUR</currency>
	//     <status>
	//       <export-status>EXPORTED</export-status>
	//     </status>
	//     <totals>
	//       <order-total>
	//         <net-price>100.00</net-price>
	//         <tax>19.00</tax>
	//         <gross-price>119.00</gross-price>
	//       </order-total>
	//     </totals>
	//   </order>
	// </orders>
}

// Write an inventory file for a full resync through ImportInventoryLists.
func ExampleInventoryWriter() {
	ctx := context.Background()
	w := orderxml.NewInventoryWriter(os.Stdout, orderxml.Indent(" "))
	_ = w.WriteHeader(ctx, orderxml.InventoryHeader{ListID: "uk-warehouse"})
	_ = w.WriteRecord(ctx, sfcc.InventoryRecord{ProductID: "SHIRT-BLU-M", Allocation: decimal.MustParse("118")})
	if err := w.Close(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <inventory xmlns="http://www.demandware.com/xml/impex/inventory/2007-05-31">
	//  <inventory-list>
	//   <header list-id="uk-warehouse">
	//    <default-instock>false</default-instock>
	//   </header>
	//   <records>
	//    <record product-id="SHIRT-BLU-M">
	//     <allocation>118</allocation>
	//     <perpetual>false</perpetual>
	//    </record>
	//   </records>
	//  </inventory-list>
	// </inventory>
}

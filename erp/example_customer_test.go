package erp_test

import (
	"context"
	"fmt"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/sfcc"
)

// An order's customer goes through erp.OrderCustomer into the dedupe
// Resolver, which looks the email up in the ERP and creates the customer
// when there is none.
func ExampleOrderCustomer() {
	r, err := dedupe.NewResolver(dedupe.Config{Directory: erptest.New()})
	if err != nil {
		panic(err)
	}
	order := sfcc.Order{
		OrderNo: "00002001",
		Customer: sfcc.Customer{
			Guest: true,
			Email: "Max.Mustermann@Example.de ",
			BillingAddress: sfcc.Address{
				FirstName: "Max", LastName: "Mustermann", Phone: "+49 30 1234567",
				Address1: "Hauptstraße 1", City: "Berlin", PostalCode: "10115", CountryCode: "DE",
			},
		},
	}
	res, err := r.Resolve(context.Background(), erp.OrderCustomer(order))
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Outcome, res.Customer.Email, res.Customer.LastName, res.Customer.Phone, res.Customer.Address.City)
	// Output: created Max.Mustermann@example.de Mustermann +49 30 1234567 Berlin
}

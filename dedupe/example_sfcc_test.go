package dedupe_test

import (
	"context"
	"fmt"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/sfcc"
)

// orderCustomer is the conversion a host writes once: dedupe does not import
// sfcc, so the order's customer block and billing address are copied over.
func orderCustomer(o sfcc.Order) dedupe.OrderCustomer {
	b := o.Customer.BillingAddress
	return dedupe.OrderCustomer{
		OrderNo:    o.OrderNo,
		Email:      o.Customer.Email,
		CustomerNo: o.Customer.CustomerNo,
		Guest:      o.Customer.Guest,
		FirstName:  b.FirstName,
		LastName:   b.LastName,
		Phone:      b.Phone,
		Address: dedupe.Address{
			Line1: b.Address1, Line2: b.Address2, City: b.City,
			PostalCode: b.PostalCode, StateCode: b.StateCode, CountryCode: b.CountryCode,
		},
	}
}

func ExampleOrderCustomer() {
	dir := &mapDirectory{}
	r, err := dedupe.NewResolver(dir, dedupe.Options{})
	if err != nil {
		panic(err)
	}
	order := sfcc.Order{
		OrderNo: "00002001",
		Customer: sfcc.Customer{
			Guest: true,
			Email: "Max.Mustermann@Example.de ",
			BillingAddress: sfcc.Address{
				FirstName: "Max", LastName: "Mustermann",
				Address1: "Hauptstraße 1", City: "Berlin", PostalCode: "10115", CountryCode: "DE",
			},
		},
	}
	res, err := r.Resolve(context.Background(), orderCustomer(order))
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Outcome, res.CustomerID, res.Customer.Email, res.Customer.LastName, res.Customer.Address.City)
	// Output: created C001 Max.Mustermann@example.de Mustermann Berlin
}

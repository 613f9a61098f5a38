package erptest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
)

func Example() {
	ctx := context.Background()
	clock := func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }
	fake := erptest.New(erptest.WithClock(clock), erptest.WithFaults(erptest.Fault{Method: erptest.MethodCreateSalesOrder, Nth: 1}))

	so := erptest.SampleSalesOrder("00001234")
	_, err := fake.CreateSalesOrder(ctx, so)
	fmt.Println("first try unavailable:", errors.Is(err, erp.ErrUnavailable))
	doc, _ := fake.CreateSalesOrder(ctx, so)
	again, _ := fake.CreateSalesOrder(ctx, so)
	fmt.Println(doc.DocumentNo, again.DocumentNo, doc.Created.Format(time.DateOnly))

	_, err = fake.CreateCustomer(ctx, erp.Customer{Email: "ada@example.com"})
	fmt.Println(err)
	_, err = fake.CreateCustomer(ctx, erp.Customer{Email: "ADA@example.com"})
	fmt.Println(errors.Is(err, erp.ErrDuplicateCustomer), err)
	fmt.Println(fake.Calls(erptest.MethodCreateSalesOrder), "sales order calls")
	// Output:
	// first try unavailable: true
	// SO000001 SO000001 2026-03-01
	// <nil>
	// true erptest: customer A***@example.com: dedupe: a customer with this email already exists
	// 3 sales order calls
}

package erptest_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
)

func TestERP_PassesConformanceSuite(t *testing.T) {
	erptest.Run(t, func(t *testing.T) erptest.Adapter { return erptest.New() })
}

func TestERP_PassesConformanceSuiteSharedAndSlow(t *testing.T) {
	// One system for every subtest, with every call yielding first, as a
	// shared sandbox behind a network would.
	shared := erptest.New(erptest.WithWait(func(ctx context.Context, method string) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		default:
			return nil
		}
	}))
	erptest.Run(t, func(t *testing.T) erptest.Adapter { return shared })
}

func TestERP_TwoHundredConcurrentCreatesOfOneEmailMakeOneCustomer(t *testing.T) {
	e := erptest.New()
	ctx := t.Context()
	var created, duplicates atomic.Int64
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			email := "Sam@Example.com"
			if i%2 == 1 {
				email = "sam@EXAMPLE.COM"
			}
			_, err := e.CreateCustomer(ctx, erp.Customer{Email: email})
			switch {
			case err == nil:
				created.Add(1)
			case errors.Is(err, dedupe.ErrDuplicateEmail):
				duplicates.Add(1)
			default:
				t.Errorf("unexpected error: %v", err)
			}
			if _, err := e.FindCustomersByEmail(ctx, "SAM@example.com"); err != nil {
				t.Errorf("FindCustomersByEmail: %v", err)
			}
		})
	}
	wg.Wait()
	if created.Load() != 1 || duplicates.Load() != 199 {
		t.Errorf("created %d, duplicates %d; want 1 and 199", created.Load(), duplicates.Load())
	}
	if got := e.Calls(erptest.MethodCreateCustomer); got != 200 {
		t.Errorf("Calls(CreateCustomer) = %d, want 200", got)
	}
	if got := e.Calls(erptest.MethodFindCustomersByEmail); got != 200 {
		t.Errorf("Calls(FindCustomersByEmail) = %d, want 200", got)
	}
}

func TestERP_EmailUniquenessFoldsUnicodeCase(t *testing.T) {
	e := erptest.New()
	ctx := t.Context()
	for _, pair := range [][2]string{{"ÉLODIE@exemple.fr", "élodie@EXEMPLE.FR"}, {"\u13a0@example.com", "\uab70@example.com"}} {
		if _, err := e.CreateCustomer(ctx, erp.Customer{Email: pair[0]}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.CreateCustomer(ctx, erp.Customer{Email: pair[1]}); !errors.Is(err, erp.ErrDuplicateCustomer) {
			t.Errorf("%q after %q: err = %v, want duplicate", pair[1], pair[0], err)
		}
	}
}

func TestERP_CreatedComesFromInjectedClock(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	e := erptest.New(erptest.WithClock(func() time.Time { return at }))
	c, err := e.CreateCustomer(t.Context(), erp.Customer{Email: "a@example.com"})
	if err != nil || !c.Created.Equal(at) {
		t.Errorf("customer Created = %v, %v; want %v", c.Created, err, at)
	}
	so, err := e.CreateSalesOrder(t.Context(), erptest.SampleSalesOrder("1"))
	if err != nil || !so.Created.Equal(at) {
		t.Errorf("sales order Created = %v, %v; want %v", so.Created, err, at)
	}
}

func TestERP_FaultsFailTheChosenCallsWithATransientError(t *testing.T) {
	e := erptest.New(erptest.WithFaults(
		erptest.Fault{Method: erptest.MethodFindCustomersByEmail, Nth: 2},
		erptest.Fault{Method: erptest.MethodGetCustomer, Every: 3},
	))
	ctx := t.Context()
	var got []string
	for i := 1; i <= 3; i++ {
		_, err := e.FindCustomersByEmail(ctx, "x@example.com")
		got = append(got, fmt.Sprintf("find %d: %v", i, errors.Is(err, erp.ErrUnavailable)))
	}
	for i := 1; i <= 6; i++ {
		_, err := e.GetCustomer(ctx, "C1")
		got = append(got, fmt.Sprintf("get %d: %v", i, errors.Is(err, erp.ErrUnavailable)))
	}
	want := []string{"find 1: false", "find 2: true", "find 3: false",
		"get 1: false", "get 2: false", "get 3: true", "get 4: false", "get 5: false", "get 6: true"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestERP_LostResponseThenRetryFindsTheDocument(t *testing.T) {
	e := erptest.New(erptest.WithFaults(erptest.Fault{Method: erptest.MethodCreateSalesOrder, Nth: 1, AfterEffect: true}))
	ctx := t.Context()
	so := erptest.SampleSalesOrder("00099")
	if _, err := e.CreateSalesOrder(ctx, so); !errors.Is(err, erp.ErrUnavailable) {
		t.Fatalf("first call: err = %v, want ErrUnavailable", err)
	}
	got, err := e.CreateSalesOrder(ctx, so)
	if err != nil || got.DocumentNo == "" {
		t.Fatalf("retry: %+v, %v", got.DocumentNo, err)
	}
	if _, orders, _ := e.Counts(); orders != 1 {
		t.Errorf("%d documents after a lost response and a retry, want 1", orders)
	}
}

func TestERP_WaitControlsLatencyAndHonoursCancellation(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan string, 1)
	e := erptest.New(erptest.WithWait(func(ctx context.Context, method string) error {
		entered <- method
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := e.CreateSalesOrder(ctx, erptest.SampleSalesOrder("00100"))
		done <- err
	}()
	if m := <-entered; m != erptest.MethodCreateSalesOrder {
		t.Fatalf("wait saw %s", m)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, orders, _ := e.Counts(); orders != 0 {
		t.Errorf("a call cancelled while waiting created %d documents", orders)
	}
	close(release)
}

func TestERP_SeedKeepsLegacyDuplicates(t *testing.T) {
	e := erptest.New()
	e.Seed(erp.Customer{Email: "old@example.com", LastName: "One"}, erp.Customer{Email: "OLD@example.com", LastName: "Two"})
	found, err := e.FindCustomersByEmail(t.Context(), "Old@Example.com")
	if err != nil || len(found) != 2 || found[0].ID == found[1].ID {
		t.Errorf("found %+v, %v; want both legacy records", found, err)
	}
}

func TestERP_ReturnedRecordsAreCopies(t *testing.T) {
	e := erptest.New()
	ctx := t.Context()
	so, err := e.CreateSalesOrder(ctx, erptest.SampleSalesOrder("00101"))
	if err != nil {
		t.Fatal(err)
	}
	so.Items[0].SKU = "CHANGED"
	got, _ := e.GetSalesOrder(ctx, "00101")
	if got.Items[0].SKU != "TEAPOT" {
		t.Error("changing a returned document changed the stored one")
	}
}

func TestERP_LostResponseFaultAlsoFailsReads(t *testing.T) {
	e := erptest.New(erptest.WithFaults(erptest.Fault{Every: 1, AfterEffect: true}))
	ctx := t.Context()
	if _, err := e.FindCustomersByEmail(ctx, "a@example.com"); !errors.Is(err, erp.ErrUnavailable) {
		t.Errorf("FindCustomersByEmail: err = %v, want ErrUnavailable", err)
	}
	if _, err := e.CreateSalesOrder(ctx, erptest.SampleSalesOrder("00102")); !errors.Is(err, erp.ErrUnavailable) {
		t.Errorf("CreateSalesOrder: err = %v, want ErrUnavailable", err)
	}
	if _, err := e.GetSalesOrder(ctx, "00102"); !errors.Is(err, erp.ErrUnavailable) {
		t.Errorf("GetSalesOrder: err = %v, want ErrUnavailable", err)
	}
	if _, orders, _ := e.Counts(); orders != 1 {
		t.Errorf("%d documents, want the one whose answer was lost", orders)
	}
}

// An adapter that posts no journals and whose backend cannot be made to
// fail declares so and passes the rest of the suite.
func TestRunSuite_FeaturesLetAnAdapterRunTheSubsetItSupports(t *testing.T) {
	type customersAndOrders struct {
		erp.Customers
		erp.SalesOrders
	}
	shared := erptest.New()
	erptest.RunSuite(t, erptest.Features{NoLedger: true, NoFaults: true}, func(t *testing.T) erptest.Adapter {
		return customersAndOrders{shared, shared}
	})
	if _, _, journals := shared.Counts(); journals != 0 {
		t.Errorf("%d journals posted to an adapter without a ledger", journals)
	}
}

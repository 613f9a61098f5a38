package erptest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
)

// Adapter is what the conformance suite exercises: all three ERP interfaces.
type Adapter interface {
	erp.Customers
	erp.SalesOrders
	erp.Ledger
}

// Run is the conformance suite. newAdapter returns the adapter under test;
// it is called once per subtest and may return the same system each time:
// the suite makes every reference and email unique per run, so it can run
// against a shared sandbox ERP. An adapter passes when it keeps the
// contract the doc comments of erp.Customers, erp.SalesOrders and
// erp.Ledger state, including idempotent creates under concurrency.
func Run(t *testing.T, newAdapter func(t *testing.T) Adapter) {
	run := newRunID(t)
	ctx := t.Context()

	t.Run("Customers/CreateThenFindIgnoringCase", func(t *testing.T) {
		a := newAdapter(t)
		email := run.email("Find.Me")
		created, err := a.CreateCustomer(ctx, erp.Customer{Email: email, FirstName: "Ada", LastName: "Lovelace", Address: dedupe.Address{CountryCode: "GB"}})
		if err != nil {
			t.Fatalf("CreateCustomer: %v", err)
		}
		if created.ID == "" || created.Created.IsZero() {
			t.Errorf("created customer lacks ID or Created: %+v", created)
		}
		found, err := a.FindCustomersByEmail(ctx, strings.ToUpper(email))
		if err != nil {
			t.Fatalf("FindCustomersByEmail: %v", err)
		}
		if len(found) != 1 || found[0].ID != created.ID {
			t.Fatalf("FindCustomersByEmail(upper case) = %+v, want the customer %s", found, created.ID)
		}
		got, err := a.GetCustomer(ctx, created.ID)
		if err != nil || got.Email != created.Email || got.LastName != "Lovelace" {
			t.Errorf("GetCustomer = %+v, %v", got, err)
		}
	})

	t.Run("Customers/DuplicateEmailIgnoringCaseFails", func(t *testing.T) {
		a := newAdapter(t)
		email := run.email("dup")
		if _, err := a.CreateCustomer(ctx, erp.Customer{Email: email}); err != nil {
			t.Fatalf("first CreateCustomer: %v", err)
		}
		_, err := a.CreateCustomer(ctx, erp.Customer{Email: strings.ToUpper(email)})
		if !errors.Is(err, dedupe.ErrDuplicateEmail) || !errors.Is(err, erp.ErrDuplicateCustomer) {
			t.Fatalf("second CreateCustomer with the email in upper case: err = %v, want ErrDuplicateCustomer", err)
		}
		if found, _ := a.FindCustomersByEmail(ctx, email); len(found) != 1 {
			t.Errorf("%d customers with the email, want 1", len(found))
		}
	})

	t.Run("Customers/ConcurrentCreatesOfOneEmailMakeOneCustomer", func(t *testing.T) {
		a := newAdapter(t)
		email := run.email("race")
		const n = 20
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				e := email
				if i%2 == 1 {
					e = strings.ToUpper(email)
				}
				_, errs[i] = a.CreateCustomer(ctx, erp.Customer{Email: e})
			})
		}
		close(start)
		wg.Wait()
		created := 0
		for i, err := range errs {
			switch {
			case err == nil:
				created++
			case !errors.Is(err, erp.ErrDuplicateCustomer):
				t.Errorf("caller %d: err = %v, want nil or ErrDuplicateCustomer", i, err)
			}
		}
		if created != 1 {
			t.Errorf("%d callers created the customer, want exactly 1", created)
		}
		if found, err := a.FindCustomersByEmail(ctx, email); err != nil || len(found) != 1 {
			t.Errorf("FindCustomersByEmail = %d customers, %v; want 1", len(found), err)
		}
	})

	t.Run("Customers/UnknownIsEmptyOrNotFound", func(t *testing.T) {
		a := newAdapter(t)
		found, err := a.FindCustomersByEmail(ctx, run.email("nobody"))
		if err != nil || len(found) != 0 {
			t.Errorf("FindCustomersByEmail(unknown) = %v, %v; want empty and nil", found, err)
		}
		if _, err := a.GetCustomer(ctx, "no-such-"+run.id); !errors.Is(err, erp.ErrNotFound) {
			t.Errorf("GetCustomer(unknown): err = %v, want ErrNotFound", err)
		}
	})

	t.Run("SalesOrders/CreateAssignsDocumentNoAndGetReturnsIt", func(t *testing.T) {
		a := newAdapter(t)
		want := SampleSalesOrder(run.ref("get"))
		created, err := a.CreateSalesOrder(ctx, want)
		if err != nil {
			t.Fatalf("CreateSalesOrder: %v", err)
		}
		if created.DocumentNo == "" {
			t.Error("no DocumentNo")
		}
		got, err := a.GetSalesOrder(ctx, want.ExternalRef)
		if err != nil {
			t.Fatalf("GetSalesOrder: %v", err)
		}
		if got.DocumentNo != created.DocumentNo {
			t.Errorf("GetSalesOrder DocumentNo %s, created %s", got.DocumentNo, created.DocumentNo)
		}
		if d := cmp.Diff(want, got, documentCompare...); d != "" {
			t.Errorf("stored document differs from the one sent (-sent +stored):\n%s", d)
		}
	})

	t.Run("SalesOrders/SameExternalRefTwiceIsOneDocument", func(t *testing.T) {
		a := newAdapter(t)
		so := SampleSalesOrder(run.ref("twice"))
		first, err := a.CreateSalesOrder(ctx, so)
		if err != nil {
			t.Fatal(err)
		}
		second, err := a.CreateSalesOrder(ctx, so)
		if err != nil {
			t.Fatalf("repeated CreateSalesOrder: %v (a retry must be safe)", err)
		}
		if second.DocumentNo != first.DocumentNo {
			t.Errorf("repeat made document %s, first was %s", second.DocumentNo, first.DocumentNo)
		}
	})

	t.Run("SalesOrders/FiftyConcurrentCreatesMakeOneDocument", func(t *testing.T) {
		a := newAdapter(t)
		so := SampleSalesOrder(run.ref("race"))
		const n = 50
		docs := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				got, err := a.CreateSalesOrder(ctx, so)
				docs[i], errs[i] = got.DocumentNo, err
			})
		}
		close(start)
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("caller %d: %v", i, errs[i])
			}
			if docs[i] != docs[0] {
				t.Fatalf("caller %d got document %s, caller 0 got %s: two documents for one order", i, docs[i], docs[0])
			}
		}
	})

	t.Run("SalesOrders/DifferentContentSameRefIsConflict", func(t *testing.T) {
		a := newAdapter(t)
		so := SampleSalesOrder(run.ref("conflict"))
		if _, err := a.CreateSalesOrder(ctx, so); err != nil {
			t.Fatal(err)
		}
		changed := SampleSalesOrder(so.ExternalRef)
		changed.Items[0].SKU = "TEAPOT-BLUE"
		if _, err := a.CreateSalesOrder(ctx, changed); !errors.Is(err, erp.ErrConflict) {
			t.Errorf("err = %v, want ErrConflict", err)
		}
		if got, _ := a.GetSalesOrder(ctx, so.ExternalRef); len(got.Items) == 0 || got.Items[0].SKU != "TEAPOT" {
			t.Errorf("the first document was changed: %+v", got.Items)
		}
	})

	t.Run("SalesOrders/DocumentThatDoesNotAddUpIsInvalid", func(t *testing.T) {
		a := newAdapter(t)
		so := SampleSalesOrder(run.ref("bad"))
		so.Totals.Gross = decimal.MustParse("36.91")
		if _, err := a.CreateSalesOrder(ctx, so); !errors.Is(err, erp.ErrInvalid) {
			t.Errorf("err = %v, want ErrInvalid", err)
		}
		if _, err := a.GetSalesOrder(ctx, so.ExternalRef); !errors.Is(err, erp.ErrNotFound) {
			t.Errorf("a refused document exists: err = %v", err)
		}
	})

	t.Run("Ledger/PostBalancedJournalAndGetIt", func(t *testing.T) {
		a := newAdapter(t)
		j, err := erp.OrderJournal(SampleSalesOrder(run.ref("journal")))
		if err != nil {
			t.Fatal(err)
		}
		posted, err := a.PostJournal(ctx, j)
		if err != nil {
			t.Fatalf("PostJournal: %v", err)
		}
		again, err := a.PostJournal(ctx, j)
		if err != nil || again.EntryNo != posted.EntryNo {
			t.Errorf("reposting: entry %s, %v; want entry %s, nil", again.EntryNo, err, posted.EntryNo)
		}
		got, err := a.GetJournal(ctx, j.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(j, got, cmpopts.IgnoreFields(erp.JournalEntry{}, "EntryNo"), decimalCompare, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("stored journal differs (-sent +stored):\n%s", d)
		}
		changed := j
		changed.Memo = "something else"
		if _, err := a.PostJournal(ctx, changed); !errors.Is(err, erp.ErrConflict) {
			t.Errorf("different journal, same reference: err = %v, want ErrConflict", err)
		}
	})

	t.Run("Ledger/UnbalancedJournalIsRejected", func(t *testing.T) {
		a := newAdapter(t)
		j, err := erp.OrderJournal(SampleSalesOrder(run.ref("unbalanced")))
		if err != nil {
			t.Fatal(err)
		}
		j.Lines[0].Debit = decimal.MustParse("26.89")
		_, err = a.PostJournal(ctx, j)
		if !errors.Is(err, erp.ErrUnbalanced) {
			t.Fatalf("err = %v, want ErrUnbalanced", err)
		}
		if _, err := a.GetJournal(ctx, j.Reference); !errors.Is(err, erp.ErrNotFound) {
			t.Errorf("an unbalanced journal was stored: err = %v", err)
		}
	})

	t.Run("Context/CancelledCallHasNoEffect", func(t *testing.T) {
		a := newAdapter(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		so := SampleSalesOrder(run.ref("cancelled"))
		if _, err := a.CreateSalesOrder(cctx, so); !errors.Is(err, context.Canceled) {
			t.Errorf("CreateSalesOrder(cancelled): err = %v, want context.Canceled", err)
		}
		if _, err := a.CreateCustomer(cctx, erp.Customer{Email: run.email("cancelled")}); !errors.Is(err, context.Canceled) {
			t.Errorf("CreateCustomer(cancelled): err = %v, want context.Canceled", err)
		}
		if _, err := a.GetSalesOrder(ctx, so.ExternalRef); !errors.Is(err, erp.ErrNotFound) {
			t.Errorf("a cancelled create left a document: err = %v", err)
		}
	})
}

var decimalCompare = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Cmp(b) == 0 })

// documentCompare compares what a caller sent with what the ERP stored:
// amounts by value, times by instant, ERP-assigned fields ignored.
var documentCompare = []cmp.Option{
	decimalCompare,
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmpopts.IgnoreFields(erp.SalesOrder{}, "DocumentNo", "Created"),
	cmpopts.EquateEmpty(),
}

// runID makes references and emails unique to one run of the suite.
type runID struct{ id string }

func newRunID(t *testing.T) runID {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return runID{id: hex.EncodeToString(b)}
}

func (r runID) ref(name string) string   { return "CONF-" + r.id + "-" + name }
func (r runID) email(name string) string { return name + "." + r.id + "@conformance.example" }

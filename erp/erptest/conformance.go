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

// Adapter is what the conformance suite exercises: the customer master and
// the sales order book. An adapter that also posts journals implements
// erp.Ledger; one whose backend the suite can make fail implements
// FaultInjector (a test can embed the adapter and its test backend in one
// struct to offer both).
type Adapter interface {
	erp.Customers
	erp.SalesOrders
}

// FaultInjector makes the backend behind an adapter fail, so the suite can
// check the adapter maps its backend's failures as the erp interfaces
// require. For an adapter over HTTP the backend answers the call with a 503
// (the suite then expects erp.ErrUnavailable); ERP satisfies it directly.
type FaultInjector interface {
	// FailNext makes the backend fail the next call of method (a Method*
	// name): before it takes effect, or, with lost set, after it took effect,
	// as when the response is lost on the way back.
	FailNext(method string, lost bool)
}

// Features says what an adapter does not support, so the suite runs the
// subset that applies. The zero value claims everything.
type Features struct {
	// NoLedger: the adapter posts no journals (another system keeps the
	// ledger); the Ledger tests are skipped.
	NoLedger bool
	// NoFaults: the adapter's backend cannot be made to fail in tests; the
	// Faults tests are skipped. Avoid it: an adapter that turns a 5xx into
	// anything but erp.ErrUnavailable makes the Exporter fail orders that an
	// hour later would have gone through.
	NoFaults bool
}

// Env is what one conformance test works with.
type Env struct {
	// Adapter is the adapter under test.
	Adapter Adapter
	// Ledger is the adapter as an erp.Ledger (nil with Features.NoLedger).
	Ledger erp.Ledger
	// Faults is the adapter's fault injector (nil with Features.NoFaults).
	Faults FaultInjector

	run runID
}

// NewEnv prepares a run of single conformance tests against a (for a test
// picked from Tests and run on its own): references and emails are unique to
// the Env, so runs against a shared sandbox do not collide. It fails t when
// a lacks a feature f claims.
func NewEnv(t *testing.T, f Features, a Adapter) Env {
	return newEnv(t, f, a, newRunID(t))
}

func newEnv(t *testing.T, f Features, a Adapter, run runID) Env {
	t.Helper()
	e := Env{Adapter: a, run: run}
	if !f.NoLedger {
		l, ok := a.(erp.Ledger)
		if !ok {
			t.Fatalf("%T does not implement erp.Ledger; declare Features.NoLedger", a)
		}
		e.Ledger = l
	}
	if !f.NoFaults {
		fi, ok := a.(FaultInjector)
		if !ok {
			t.Fatalf("%T does not implement FaultInjector; declare Features.NoFaults", a)
		}
		e.Faults = fi
	}
	return e
}

// Test is one named conformance test.
type Test struct {
	Name string
	// NeedsLedger and NeedsFaults say which features the test needs.
	NeedsLedger bool
	NeedsFaults bool
	Run         func(t *testing.T, e Env)
}

// Tests is the conformance suite as a table of named tests, in the order
// RunSuite runs them.
func Tests() []Test {
	return []Test{
		{Name: "Customers/CreateThenFindIgnoringCase", NeedsLedger: false, Run: CustomersCreateThenFindIgnoringCase},
		{Name: "Customers/DuplicateEmailIgnoringCaseFails", NeedsLedger: false, Run: CustomersDuplicateEmailIgnoringCaseFails},
		{Name: "Customers/ConcurrentCreatesOfOneEmailMakeOneCustomer", NeedsLedger: false, Run: CustomersConcurrentCreatesOfOneEmailMakeOneCustomer},
		{Name: "Customers/UnknownIsEmptyOrNotFound", NeedsLedger: false, Run: CustomersUnknownIsEmptyOrNotFound},
		{Name: "SalesOrders/CreateAssignsDocumentNoAndGetReturnsIt", NeedsLedger: false, Run: SalesOrdersCreateAssignsDocumentNoAndGetReturnsIt},
		{Name: "SalesOrders/SameExternalRefTwiceIsOneDocument", NeedsLedger: false, Run: SalesOrdersSameExternalRefTwiceIsOneDocument},
		{Name: "SalesOrders/FiftyConcurrentCreatesMakeOneDocument", NeedsLedger: false, Run: SalesOrdersFiftyConcurrentCreatesMakeOneDocument},
		{Name: "SalesOrders/DifferentContentSameRefIsConflict", NeedsLedger: false, Run: SalesOrdersDifferentContentSameRefIsConflict},
		{Name: "SalesOrders/SameValueAtAnotherScaleIsTheSameDocument", Run: SalesOrdersSameValueAtAnotherScaleIsTheSameDocument},
		{Name: "SalesOrders/DocumentThatDoesNotAddUpIsInvalid", NeedsLedger: false, Run: SalesOrdersDocumentThatDoesNotAddUpIsInvalid},
		{Name: "Ledger/PostBalancedJournalAndGetIt", NeedsLedger: true, Run: LedgerPostBalancedJournalAndGetIt},
		{Name: "Ledger/UnbalancedJournalIsRejected", NeedsLedger: true, Run: LedgerUnbalancedJournalIsRejected},
		{Name: "Context/CancelledCallHasNoEffect", NeedsLedger: false, Run: ContextCancelledCallHasNoEffect},
		{Name: "RoundTrip/EveryCustomerFieldIsKept", Run: RoundTripEveryCustomerFieldIsKept},
		{Name: "RoundTrip/EverySalesOrderFieldIsKept", Run: RoundTripEverySalesOrderFieldIsKept},
		{Name: "RoundTrip/EveryJournalFieldIsKept", NeedsLedger: true, Run: RoundTripEveryJournalFieldIsKept},
		{Name: "Faults/BackendFailureIsUnavailableAndHasNoEffect", NeedsFaults: true, Run: FaultsBackendFailureIsUnavailableAndHasNoEffect},
		{Name: "Faults/LostResponseThenRetryIsOneRecord", NeedsFaults: true, Run: FaultsLostResponseThenRetryIsOneRecord},
	}
}

// Run is RunSuite with every feature claimed.
func Run(t *testing.T, newAdapter func(t *testing.T) Adapter) {
	RunSuite(t, Features{}, newAdapter)
}

// RunSuite runs every test of Tests the features allow as a subtest named
// for it. newAdapter returns the adapter under test; it is called once per
// test and may return the same system each time: the suite makes every
// reference and email unique per run, so it can run against a shared
// sandbox ERP. An adapter passes when it keeps the contract the doc
// comments of erp.Customers, erp.SalesOrders and erp.Ledger state,
// including idempotent creates under concurrency, every field kept, and a
// backend failure reported as erp.ErrUnavailable.
func RunSuite(t *testing.T, f Features, newAdapter func(t *testing.T) Adapter) {
	run := newRunID(t)
	for _, tc := range Tests() {
		t.Run(tc.Name, func(t *testing.T) {
			if tc.NeedsLedger && f.NoLedger {
				t.Skip("the adapter declares Features.NoLedger")
			}
			if tc.NeedsFaults && f.NoFaults {
				t.Skip("the adapter declares Features.NoFaults")
			}
			e := newEnv(t, f, newAdapter(t), run)
			tc.Run(t, e)
		})
	}
}

// CustomersCreateThenFindIgnoringCase checks that a created customer gets an ID and Created, and is found by its email in another case and by its ID.
func CustomersCreateThenFindIgnoringCase(t *testing.T, e Env) {
	a, ctx, run := e.Adapter, t.Context(), e.run
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
}

// CustomersDuplicateEmailIgnoringCaseFails checks that a second customer with the same email in another case is ErrDuplicateCustomer.
func CustomersDuplicateEmailIgnoringCaseFails(t *testing.T, e Env) {
	a, ctx, run := e.Adapter, t.Context(), e.run
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
}

// CustomersConcurrentCreatesOfOneEmailMakeOneCustomer checks that 20 concurrent creates of one email make exactly one customer.
func CustomersConcurrentCreatesOfOneEmailMakeOneCustomer(t *testing.T, e Env) {
	a, ctx, run := e.Adapter, t.Context(), e.run
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
}

// CustomersUnknownIsEmptyOrNotFound checks that an unknown email finds nothing and an unknown ID is ErrNotFound.
func CustomersUnknownIsEmptyOrNotFound(t *testing.T, e Env) {
	a, ctx, run := e.Adapter, t.Context(), e.run
	found, err := a.FindCustomersByEmail(ctx, run.email("nobody"))
	if err != nil || len(found) != 0 {
		t.Errorf("FindCustomersByEmail(unknown) = %v, %v; want empty and nil", found, err)
	}
	if _, err := a.GetCustomer(ctx, "no-such-"+run.id); !errors.Is(err, erp.ErrNotFound) {
		t.Errorf("GetCustomer(unknown): err = %v, want ErrNotFound", err)
	}
}

// SalesOrdersCreateAssignsDocumentNoAndGetReturnsIt checks that a created document gets a DocumentNo and reads back as sent.
func SalesOrdersCreateAssignsDocumentNoAndGetReturnsIt(t *testing.T, e Env) {
	a, ctx, run := e.Adapter, t.Context(), e.run
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
}

// SalesOrdersSameExternalRefTwiceIsOneDocument checks that repeating a create returns the first document.
func SalesOrdersSameExternalRefTwiceIsOneDocument(t *testing.T, e Env) {
	a, ctx, run := e.Adapter, t.Context(), e.run
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
}

// SalesOrdersFiftyConcurrentCreatesMakeOneDocument checks that 50 concurrent creates of one document make one document.
func SalesOrdersFiftyConcurrentCreatesMakeOneDocument(t *testing.T, e Env) {
	a, ctx, run := e.Adapter, t.Context(), e.run
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
}

// SalesOrdersDifferentContentSameRefIsConflict checks that a different document with an existing reference is ErrConflict and changes nothing.
func SalesOrdersDifferentContentSameRefIsConflict(t *testing.T, e Env) {
	a, ctx, run := e.Adapter, t.Context(), e.run
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
}

// SalesOrdersDocumentThatDoesNotAddUpIsInvalid checks that a document whose lines do not add up is ErrInvalid and not stored.
func SalesOrdersDocumentThatDoesNotAddUpIsInvalid(t *testing.T, e Env) {
	a, ctx, run := e.Adapter, t.Context(), e.run
	so := SampleSalesOrder(run.ref("bad"))
	so.Totals.Gross = decimal.MustParse("36.91")
	if _, err := a.CreateSalesOrder(ctx, so); !errors.Is(err, erp.ErrInvalid) {
		t.Errorf("err = %v, want ErrInvalid", err)
	}
	if _, err := a.GetSalesOrder(ctx, so.ExternalRef); !errors.Is(err, erp.ErrNotFound) {
		t.Errorf("a refused document exists: err = %v", err)
	}
}

// LedgerPostBalancedJournalAndGetIt checks that a balanced journal posts once, reads back as sent, and a different one with its reference is ErrConflict.
func LedgerPostBalancedJournalAndGetIt(t *testing.T, e Env) {
	ctx, run := t.Context(), e.run
	j, err := erp.OrderJournal(SampleSalesOrder(run.ref("journal")))
	if err != nil {
		t.Fatal(err)
	}
	posted, err := e.Ledger.PostJournal(ctx, j)
	if err != nil {
		t.Fatalf("PostJournal: %v", err)
	}
	again, err := e.Ledger.PostJournal(ctx, j)
	if err != nil || again.EntryNo != posted.EntryNo {
		t.Errorf("reposting: entry %s, %v; want entry %s, nil", again.EntryNo, err, posted.EntryNo)
	}
	got, err := e.Ledger.GetJournal(ctx, j.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(j, got, cmpopts.IgnoreFields(erp.JournalEntry{}, "EntryNo"), decimalCompare, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("stored journal differs (-sent +stored):\n%s", d)
	}
	changed := j
	changed.Memo = "something else"
	if _, err := e.Ledger.PostJournal(ctx, changed); !errors.Is(err, erp.ErrConflict) {
		t.Errorf("different journal, same reference: err = %v, want ErrConflict", err)
	}
}

// LedgerUnbalancedJournalIsRejected checks that an unbalanced journal is ErrUnbalanced and not stored.
func LedgerUnbalancedJournalIsRejected(t *testing.T, e Env) {
	ctx, run := t.Context(), e.run
	j, err := erp.OrderJournal(SampleSalesOrder(run.ref("unbalanced")))
	if err != nil {
		t.Fatal(err)
	}
	j.Lines[0].Debit = decimal.MustParse("26.89")
	_, err = e.Ledger.PostJournal(ctx, j)
	if !errors.Is(err, erp.ErrUnbalanced) {
		t.Fatalf("err = %v, want ErrUnbalanced", err)
	}
	if _, err := e.Ledger.GetJournal(ctx, j.Reference); !errors.Is(err, erp.ErrNotFound) {
		t.Errorf("an unbalanced journal was stored: err = %v", err)
	}
}

// ContextCancelledCallHasNoEffect checks that a call with a cancelled context returns context.Canceled and writes nothing.
func ContextCancelledCallHasNoEffect(t *testing.T, e Env) {
	a, ctx, run := e.Adapter, t.Context(), e.run
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

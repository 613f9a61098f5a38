package erptest

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
)

// SampleFullSalesOrder is SampleSalesOrder with every optional part filled
// in: item descriptions, campaign and coupon ids, a gift certificate sold, a
// rounding line, a custom field, the ERP customer id. Together with
// SampleSalesOrder it sets every field of erp.SalesOrder, so a round trip
// of both proves an adapter keeps them all.
func SampleFullSalesOrder(ref string) erp.SalesOrder {
	m := decimal.MustParse
	so := SampleSalesOrder(ref)
	so.Customer = erp.CustomerRef{ID: "C-" + ref, Guest: true}
	so.Taxation = "net"
	for i := range so.Items {
		so.Items[i].Description = "Sample item " + so.Items[i].SKU
	}
	so.Discounts[0].CampaignID, so.Discounts[0].CouponID = "AUTUMN", "TENOFF-1234"
	so.GiftCertificates = []erp.GiftCertificateLine{{ItemID: "GC-10", LiabilityAccount: "2300",
		Amounts: erp.Amounts{Net: m("10.00"), Tax: m("0.00"), Gross: m("10.00")}}}
	so.Rounding = &erp.RoundingLine{Account: "7990", Amount: m("0.01")}
	so.CustomFields = []erp.CustomField{{Scope: "shipment", Ref: "me", AttributeID: "giftMessage", Target: "wms",
		Field: "packing_slip_note", Value: "Happy birthday", Truncated: true}}
	so.Totals = erp.Amounts{Net: m("42.56"), Tax: m("4.35"), Gross: m("46.91")}
	so.Payments[1].Amount = m("36.91")
	return so
}

// sampleFullCustomer sets every field of erp.Customer an adapter stores.
func sampleFullCustomer(email string) erp.Customer {
	return erp.Customer{Email: email, CustomerNo: "00012", Registered: true, FirstName: "Ada", LastName: "Lovelace",
		Phone: "+44 20 7946 0000", Address: dedupe.Address{Line1: "12 St James's Square", Line2: "Flat 3", City: "London",
			PostalCode: "SW1Y 4JH", StateCode: "LND", CountryCode: "GB"}}
}

// unsetFields lists the fields (as Type.Field paths) that are zero in every
// one of vs, descending into structs, pointers and slice elements; time,
// decimal and the listed fields are leaves. The round-trip tests use it to
// prove their samples cover every field, including fields added later.
func unsetFields(ignore []string, vs ...any) []string {
	set := map[string]bool{}
	var all []string
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(path, v.Elem())
			}
			return
		case reflect.Slice:
			for i := range v.Len() {
				walk(path+"[]", v.Index(i))
			}
			return
		case reflect.Struct:
			if v.Type() != reflect.TypeFor[time.Time]() && v.Type() != reflect.TypeFor[decimal.Decimal]() {
				for i := range v.NumField() {
					f := v.Type().Field(i)
					if !f.IsExported() {
						continue
					}
					p := path + "." + f.Name
					if f.Anonymous {
						p = path
					}
					walk(p, v.Field(i))
				}
				return
			}
		}
		if !set[path] && !slicesContains(all, path) {
			all = append(all, path)
		}
		if !v.IsZero() {
			set[path] = true
		}
	}
	for _, v := range vs {
		rv := reflect.ValueOf(v)
		walk(rv.Type().Name(), rv)
	}
	var out []string
	for _, p := range all {
		if !set[p] && !slicesContains(ignore, p) {
			out = append(out, p)
		}
	}
	return out
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// RoundTripEveryCustomerFieldIsKept checks that every field of a created
// customer reads back unchanged through GetCustomer and FindCustomersByEmail
// (a dropped phone number fails it).
func RoundTripEveryCustomerFieldIsKept(t *testing.T, e Env) {
	ctx := t.Context()
	sent := sampleFullCustomer(e.run.email("full"))
	if u := unsetFields([]string{"Customer.ID", "Customer.Created"}, sent); len(u) > 0 {
		t.Fatalf("the suite's sample customer leaves fields unset: %v", u)
	}
	created, err := e.Adapter.CreateCustomer(ctx, sent)
	if err != nil {
		t.Fatalf("CreateCustomer: %v", err)
	}
	ignore := cmpopts.IgnoreFields(erp.Customer{}, "ID", "Created")
	if d := cmp.Diff(sent, created, ignore); d != "" {
		t.Errorf("CreateCustomer returned a different customer (-sent +returned):\n%s", d)
	}
	got, err := e.Adapter.GetCustomer(ctx, created.ID)
	if err != nil {
		t.Fatalf("GetCustomer: %v", err)
	}
	if d := cmp.Diff(sent, got, ignore); d != "" {
		t.Errorf("GetCustomer differs from the customer sent (-sent +stored):\n%s", d)
	}
	if !got.Created.Equal(created.Created) || got.ID != created.ID {
		t.Errorf("GetCustomer: ID %s created %v; create returned %s, %v", got.ID, got.Created, created.ID, created.Created)
	}
	found, err := e.Adapter.FindCustomersByEmail(ctx, sent.Email)
	if err != nil || len(found) != 1 {
		t.Fatalf("FindCustomersByEmail = %d customers, %v; want 1", len(found), err)
	}
	if d := cmp.Diff(sent, found[0], ignore); d != "" {
		t.Errorf("FindCustomersByEmail differs from the customer sent (-sent +stored):\n%s", d)
	}
}

// RoundTripEverySalesOrderFieldIsKept checks that every field of a sales
// order reads back by value (erp.SameSalesOrder, and field by field) and
// that repeating the create is not a conflict.
func RoundTripEverySalesOrderFieldIsKept(t *testing.T, e Env) {
	ctx := t.Context()
	docs := []erp.SalesOrder{SampleSalesOrder(e.run.ref("rt-plain")), SampleFullSalesOrder(e.run.ref("rt-full"))}
	if u := unsetFields([]string{"SalesOrder.DocumentNo", "SalesOrder.Created"}, docs[0], docs[1]); len(u) > 0 {
		t.Fatalf("the suite's sample documents leave fields unset: %v", u)
	}
	for _, sent := range docs {
		created, err := e.Adapter.CreateSalesOrder(ctx, sent)
		if err != nil {
			t.Fatalf("CreateSalesOrder %s: %v", sent.ExternalRef, err)
		}
		if created.DocumentNo == "" || created.Created.IsZero() {
			t.Errorf("%s: created document lacks DocumentNo or Created", sent.ExternalRef)
		}
		got, err := e.Adapter.GetSalesOrder(ctx, sent.ExternalRef)
		if err != nil {
			t.Fatalf("GetSalesOrder %s: %v", sent.ExternalRef, err)
		}
		if d := cmp.Diff(sent, got, documentCompare...); d != "" {
			t.Errorf("%s: stored document differs from the one sent (-sent +stored):\n%s", sent.ExternalRef, d)
		}
		if !erp.SameSalesOrder(sent, got) {
			t.Errorf("%s: erp.SameSalesOrder(sent, stored) = false", sent.ExternalRef)
		}
		if _, err := e.Adapter.CreateSalesOrder(ctx, sent); err != nil {
			t.Errorf("%s: repeating the create of the stored document: %v", sent.ExternalRef, err)
		}
	}
}

// RoundTripEveryJournalFieldIsKept checks that every field of a posted
// journal reads back by value (erp.SameJournal, and field by field).
func RoundTripEveryJournalFieldIsKept(t *testing.T, e Env) {
	ctx := t.Context()
	sent, err := erp.OrderJournal(SampleFullSalesOrder(e.run.ref("rt-journal")))
	if err != nil {
		t.Fatal(err)
	}
	sent.Lines[0].Memo = "card payment, " + sent.Lines[0].Memo
	if u := unsetFields([]string{"JournalEntry.EntryNo"}, sent); len(u) > 0 {
		t.Fatalf("the suite's sample journal leaves fields unset: %v", u)
	}
	posted, err := e.Ledger.PostJournal(ctx, sent)
	if err != nil {
		t.Fatalf("PostJournal: %v", err)
	}
	if posted.EntryNo == "" {
		t.Error("posted journal has no EntryNo")
	}
	got, err := e.Ledger.GetJournal(ctx, sent.Reference)
	if err != nil {
		t.Fatal(err)
	}
	opts := []cmp.Option{cmpopts.IgnoreFields(erp.JournalEntry{}, "EntryNo"), decimalCompare,
		cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }), cmpopts.EquateEmpty()}
	if d := cmp.Diff(sent, got, opts...); d != "" {
		t.Errorf("stored journal differs (-sent +stored):\n%s", d)
	}
	if !erp.SameJournal(sent, got) {
		t.Error("erp.SameJournal(sent, stored) = false")
	}
}

// FaultsBackendFailureIsUnavailableAndHasNoEffect checks that for every
// method a backend failure (a 5xx) surfaces as erp.ErrUnavailable, that a
// failed write leaves nothing behind, and that the retry succeeds.
func FaultsBackendFailureIsUnavailableAndHasNoEffect(t *testing.T, e Env) {
	ctx := t.Context()
	a := e.Adapter
	unavailable := func(method string, err error) {
		t.Helper()
		if !errors.Is(err, erp.ErrUnavailable) {
			t.Errorf("%s with the backend failing: err = %v, want erp.ErrUnavailable", method, err)
		}
	}
	email := e.run.email("fault")
	e.Faults.FailNext(MethodCreateCustomer, false)
	_, err := a.CreateCustomer(ctx, erp.Customer{Email: email})
	unavailable(MethodCreateCustomer, err)
	e.Faults.FailNext(MethodFindCustomersByEmail, false)
	_, err = a.FindCustomersByEmail(ctx, email)
	unavailable(MethodFindCustomersByEmail, err)
	if found, err := a.FindCustomersByEmail(ctx, email); err != nil || len(found) != 0 {
		t.Errorf("after a failed create: %d customers, %v; want none", len(found), err)
	}
	c, err := a.CreateCustomer(ctx, erp.Customer{Email: email})
	if err != nil {
		t.Fatalf("CreateCustomer retry: %v", err)
	}
	e.Faults.FailNext(MethodGetCustomer, false)
	_, err = a.GetCustomer(ctx, c.ID)
	unavailable(MethodGetCustomer, err)

	so := SampleSalesOrder(e.run.ref("fault"))
	e.Faults.FailNext(MethodCreateSalesOrder, false)
	_, err = a.CreateSalesOrder(ctx, so)
	unavailable(MethodCreateSalesOrder, err)
	if _, err := a.GetSalesOrder(ctx, so.ExternalRef); !errors.Is(err, erp.ErrNotFound) {
		t.Errorf("after a failed create: GetSalesOrder err = %v, want ErrNotFound", err)
	}
	if _, err := a.CreateSalesOrder(ctx, so); err != nil {
		t.Fatalf("CreateSalesOrder retry: %v", err)
	}
	e.Faults.FailNext(MethodGetSalesOrder, false)
	_, err = a.GetSalesOrder(ctx, so.ExternalRef)
	unavailable(MethodGetSalesOrder, err)

	if e.Ledger == nil {
		return
	}
	j, err := erp.OrderJournal(so)
	if err != nil {
		t.Fatal(err)
	}
	e.Faults.FailNext(MethodPostJournal, false)
	_, err = e.Ledger.PostJournal(ctx, j)
	unavailable(MethodPostJournal, err)
	if _, err := e.Ledger.GetJournal(ctx, j.Reference); !errors.Is(err, erp.ErrNotFound) {
		t.Errorf("after a failed post: GetJournal err = %v, want ErrNotFound", err)
	}
	if _, err := e.Ledger.PostJournal(ctx, j); err != nil {
		t.Fatalf("PostJournal retry: %v", err)
	}
	e.Faults.FailNext(MethodGetJournal, false)
	_, err = e.Ledger.GetJournal(ctx, j.Reference)
	unavailable(MethodGetJournal, err)
}

// FaultsLostResponseThenRetryIsOneRecord checks that when a write's
// response is lost (the write took effect, the caller saw
// erp.ErrUnavailable) a retry with the same key finds the record instead of
// writing a second one.
func FaultsLostResponseThenRetryIsOneRecord(t *testing.T, e Env) {
	ctx := t.Context()
	a := e.Adapter
	so := SampleSalesOrder(e.run.ref("lost"))
	e.Faults.FailNext(MethodCreateSalesOrder, true)
	if _, err := a.CreateSalesOrder(ctx, so); !errors.Is(err, erp.ErrUnavailable) {
		t.Errorf("create with the response lost: err = %v, want erp.ErrUnavailable", err)
	}
	again, err := a.CreateSalesOrder(ctx, so)
	if err != nil {
		t.Fatalf("retry after a lost response: %v (must return the document the first call made)", err)
	}
	stored, err := a.GetSalesOrder(ctx, so.ExternalRef)
	if err != nil || stored.DocumentNo != again.DocumentNo {
		t.Errorf("GetSalesOrder = %s, %v; the retry returned %s", stored.DocumentNo, err, again.DocumentNo)
	}

	email := e.run.email("lost")
	e.Faults.FailNext(MethodCreateCustomer, true)
	if _, err := a.CreateCustomer(ctx, erp.Customer{Email: email}); !errors.Is(err, erp.ErrUnavailable) {
		t.Errorf("customer create with the response lost: err = %v, want erp.ErrUnavailable", err)
	}
	if _, err := a.CreateCustomer(ctx, erp.Customer{Email: strings.ToUpper(email)}); !errors.Is(err, erp.ErrDuplicateCustomer) {
		t.Errorf("retry of a customer create whose response was lost: err = %v, want ErrDuplicateCustomer", err)
	}
	if found, err := a.FindCustomersByEmail(ctx, email); err != nil || len(found) != 1 {
		t.Errorf("%d customers after a lost response and a retry, %v; want 1", len(found), err)
	}

	if e.Ledger == nil {
		return
	}
	j, err := erp.OrderJournal(so)
	if err != nil {
		t.Fatal(err)
	}
	e.Faults.FailNext(MethodPostJournal, true)
	if _, err := e.Ledger.PostJournal(ctx, j); !errors.Is(err, erp.ErrUnavailable) {
		t.Errorf("post with the response lost: err = %v, want erp.ErrUnavailable", err)
	}
	first, err := e.Ledger.PostJournal(ctx, j)
	if err != nil {
		t.Fatalf("journal retry after a lost response: %v", err)
	}
	got, err := e.Ledger.GetJournal(ctx, j.Reference)
	if err != nil || got.EntryNo != first.EntryNo {
		t.Errorf("GetJournal = %s, %v; the retry returned %s", got.EntryNo, err, first.EntryNo)
	}
}

// rescaled is so with every item amount written at another scale: "24.00"
// becomes "24.0000", the same value.
func rescaled(so erp.SalesOrder) erp.SalesOrder {
	items := make([]erp.ItemLine, len(so.Items))
	copy(items, so.Items)
	for i := range items {
		pad := func(d decimal.Decimal) decimal.Decimal { return d.Pad(d.Scale() + 2) }
		it := &items[i]
		it.UnitPrice, it.Net, it.Tax, it.Gross = pad(it.UnitPrice), pad(it.Net), pad(it.Tax), pad(it.Gross)
	}
	so.Items = items
	return so
}

// SalesOrdersSameValueAtAnotherScaleIsTheSameDocument checks that
// repeating a create with the same amounts written at another scale ("24"
// for "24.00", as a retry through another serialiser may send them) returns
// the first document, not ErrConflict: same content is by value.
func SalesOrdersSameValueAtAnotherScaleIsTheSameDocument(t *testing.T, e Env) {
	ctx := t.Context()
	so := SampleSalesOrder(e.run.ref("scale"))
	first, err := e.Adapter.CreateSalesOrder(ctx, so)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.Adapter.CreateSalesOrder(ctx, rescaled(so))
	if err != nil || again.DocumentNo != first.DocumentNo {
		t.Errorf("same document with amounts at another scale: %s, %v; want document %s and nil", again.DocumentNo, err, first.DocumentNo)
	}
}

package erptest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
)

// mutant is the fake ERP with one contract broken, as a faulty adapter
// would break it.
type mutant struct {
	*erptest.ERP
	kind string
}

// unavailableToPlain is how an adapter that maps 5xx wrongly reports a
// backend failure: as an error no caller can classify.
func (m mutant) mapErr(err error) error {
	if m.kind == "maps-5xx-wrongly" && errors.Is(err, erp.ErrUnavailable) {
		return fmt.Errorf("backend answered 503 Service Unavailable")
	}
	return err
}

func (m mutant) CreateCustomer(ctx context.Context, c erp.Customer) (erp.Customer, error) {
	if m.kind == "drops-phone" {
		c.Phone = ""
	}
	got, err := m.ERP.CreateCustomer(ctx, c)
	return got, m.mapErr(err)
}

func (m mutant) FindCustomersByEmail(ctx context.Context, email string) ([]erp.Customer, error) {
	got, err := m.ERP.FindCustomersByEmail(ctx, email)
	return got, m.mapErr(err)
}

func (m mutant) GetCustomer(ctx context.Context, id string) (erp.Customer, error) {
	got, err := m.ERP.GetCustomer(ctx, id)
	return got, m.mapErr(err)
}

func (m mutant) CreateSalesOrder(ctx context.Context, so erp.SalesOrder) (erp.SalesOrder, error) {
	switch m.kind {
	case "drops-item-description":
		items := make([]erp.ItemLine, len(so.Items))
		copy(items, so.Items)
		for i := range items {
			items[i].Description = ""
		}
		so.Items = items
	case "compares-bytes":
		// "Same content" judged by the bytes of the JSON, so "24" and
		// "24.00" differ.
		if existing, err := m.ERP.GetSalesOrder(ctx, so.ExternalRef); err == nil {
			existing.DocumentNo, existing.Created = "", so.Created
			a, _ := json.Marshal(existing)
			so.DocumentNo = ""
			b, _ := json.Marshal(so)
			if string(a) != string(b) {
				return erp.SalesOrder{}, fmt.Errorf("sales order %s: %w", so.ExternalRef, erp.ErrConflict)
			}
		}
	}
	got, err := m.ERP.CreateSalesOrder(ctx, so)
	return got, m.mapErr(err)
}

func (m mutant) GetSalesOrder(ctx context.Context, ref string) (erp.SalesOrder, error) {
	got, err := m.ERP.GetSalesOrder(ctx, ref)
	return got, m.mapErr(err)
}

func (m mutant) PostJournal(ctx context.Context, j erp.JournalEntry) (erp.JournalEntry, error) {
	if m.kind == "drops-line-reference" {
		lines := make([]erp.JournalLine, len(j.Lines))
		copy(lines, j.Lines)
		for i := range lines {
			lines[i].Reference = ""
		}
		j.Lines = lines
	}
	got, err := m.ERP.PostJournal(ctx, j)
	return got, m.mapErr(err)
}

func (m mutant) GetJournal(ctx context.Context, ref string) (erp.JournalEntry, error) {
	got, err := m.ERP.GetJournal(ctx, ref)
	return got, m.mapErr(err)
}

// TestSuite_MutantUnderTest runs the suite against one mutant; it runs only
// as the child process of TestSuite_FailsAgainstBrokenAdapters.
func TestSuite_MutantUnderTest(t *testing.T) {
	kind := os.Getenv("ERPTEST_MUTANT")
	if kind == "" {
		t.Skip("runs only as the child of TestSuite_FailsAgainstBrokenAdapters")
	}
	erptest.Run(t, func(t *testing.T) erptest.Adapter { return mutant{ERP: erptest.New(), kind: kind} })
}

// The suite must fail an adapter that drops a field or maps a backend 5xx
// to anything but erp.ErrUnavailable, naming the test that caught it. Each
// mutant runs the whole suite in a child process, since a failing suite
// fails the test that runs it.
func TestSuite_FailsAgainstBrokenAdapters(t *testing.T) {
	for _, m := range []struct{ kind, caughtBy string }{
		{"drops-phone", "RoundTrip/EveryCustomerFieldIsKept"},
		{"drops-item-description", "RoundTrip/EverySalesOrderFieldIsKept"},
		{"drops-line-reference", "RoundTrip/EveryJournalFieldIsKept"},
		{"maps-5xx-wrongly", "Faults/BackendFailureIsUnavailableAndHasNoEffect"},
		{"compares-bytes", "SalesOrders/SameValueAtAnotherScaleIsTheSameDocument"},
	} {
		t.Run(m.kind, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestSuite_MutantUnderTest$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), "ERPTEST_MUTANT="+m.kind)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("the suite passed against an adapter that %s (err %v):\n%s", m.kind, err, out)
			}
			if want := "--- FAIL: TestSuite_MutantUnderTest/" + m.caughtBy; !strings.Contains(string(out), want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		})
	}
}

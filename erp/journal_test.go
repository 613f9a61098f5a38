package erp_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
)

func TestOrderJournal_HandMadeDocumentThatDoesNotBalanceIsRefused(t *testing.T) {
	so := erptest.SampleSalesOrder("HM-1")
	so.Payments[1].Amount = d("26.80")
	_, err := erp.OrderJournal(so)
	var unbalanced *erp.UnbalancedJournalError
	if !errors.As(err, &unbalanced) || !errors.Is(err, erp.ErrUnbalanced) {
		t.Fatalf("err = %v, want *UnbalancedJournalError", err)
	}
	if unbalanced.Reference != "order:HM-1" || unbalanced.Debit.String() != "40.00" || unbalanced.Credit.String() != "40.10" {
		t.Errorf("error = %+v", unbalanced)
	}
}

func TestJournalEntry_ValidateRefusesMalformedLines(t *testing.T) {
	good, err := erp.OrderJournal(erptest.SampleSalesOrder("HM-2"))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]func(j *erp.JournalEntry){
		"no reference":    func(j *erp.JournalEntry) { j.Reference = "" },
		"no lines":        func(j *erp.JournalEntry) { j.Lines = nil },
		"negative debit":  func(j *erp.JournalEntry) { j.Lines[0].Debit = d("-10.00") },
		"two-sided line":  func(j *erp.JournalEntry) { j.Lines[0].Credit = d("1.00") },
		"line without GL": func(j *erp.JournalEntry) { j.Lines[0].Account = "" },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			j := good
			j.Lines = append([]erp.JournalLine(nil), good.Lines...)
			mutate(&j)
			if err := j.Validate(); !errors.Is(err, erp.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestSalesOrder_ValidateNamesTheLineThatDoesNotAddUp(t *testing.T) {
	so := erptest.SampleSalesOrder("HM-3")
	so.Discounts[1].Tax = d("-0.01")
	err := so.Validate()
	if !errors.Is(err, erp.ErrInvalid) || err == nil || !strings.Contains(err.Error(), "sales order HM-3: discount line 2 (TENOFF)") {
		t.Errorf("err = %v", err)
	}
}

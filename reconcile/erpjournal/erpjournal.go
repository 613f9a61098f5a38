// Package erpjournal posts the journals of a settlement reconciliation to
// an ERP ledger. It is the one place that joins reconcile and erp, so that
// reconcile itself imports neither erp nor what erp brings along.
package erpjournal

import (
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/reconcile"
)

// Entry converts the journal for erp.Ledger.PostJournal. The reference
// ("settlement:" + ID) makes posting it twice a no-op in the ledger.
func Entry(j reconcile.Journal) erp.JournalEntry {
	e := erp.JournalEntry{Reference: "settlement:" + j.ID, Date: j.Date, Currency: j.Currency,
		Memo: j.Provider + " payout " + j.PayoutID}
	for _, l := range j.Lines {
		e.Lines = append(e.Lines, erp.JournalLine{Account: l.Account, Debit: l.Debit, Credit: l.Credit, Memo: l.Memo})
	}
	return e
}

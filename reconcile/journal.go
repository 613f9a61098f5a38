package reconcile

import (
	"errors"
	"fmt"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/mapping"
)

// AccountResolver names the GL accounts of the settlement journals. The
// errors it returns should name the missing key (a *mapping.MissingError
// does) so finance can add it.
type AccountResolver interface {
	// ClearingAccount is where SFCC payments wait until the provider pays.
	ClearingAccount(provider, currency string, on time.Time) (string, error)
	// BankAccount receives the provider's payouts.
	BankAccount(provider, currency string, on time.Time) (string, error)
	// FeeAccount books one fee component of the provider.
	FeeAccount(provider, component string, on time.Time) (string, error)
}

// TableAccounts resolves accounts from the accounts table of package
// mapping, by role name, most specific first:
//
//	clearing: psp_clearing_<provider>, psp_clearing
//	bank:     bank_<provider>, bank
//	fees:     psp_fee_<provider>_<component>, psp_fee_<component>, psp_fees
//
// When no name has a row, the error is the *mapping.MissingError of the
// most general name.
type TableAccounts struct {
	Tables *mapping.Tables
}

var _ AccountResolver = TableAccounts{}

func (t TableAccounts) first(on time.Time, names ...string) (string, error) {
	var err error
	for _, n := range names {
		var row mapping.AccountRow
		row, err = t.Tables.Account(n, on)
		if err == nil {
			return row.Account, nil
		}
		var miss *mapping.MissingError
		if !errors.As(err, &miss) {
			return "", err
		}
	}
	return "", err
}

// ClearingAccount looks up psp_clearing_<provider>, then psp_clearing.
func (t TableAccounts) ClearingAccount(provider, _ string, on time.Time) (string, error) {
	return t.first(on, "psp_clearing_"+provider, "psp_clearing")
}

// BankAccount looks up bank_<provider>, then bank.
func (t TableAccounts) BankAccount(provider, _ string, on time.Time) (string, error) {
	return t.first(on, "bank_"+provider, "bank")
}

// FeeAccount looks up psp_fee_<provider>_<component>, psp_fee_<component>, then psp_fees.
func (t TableAccounts) FeeAccount(provider, component string, on time.Time) (string, error) {
	return t.first(on, "psp_fee_"+provider+"_"+component, "psp_fee_"+component, "psp_fees")
}

// JournalLine is one debit or credit of a journal; exactly one side is
// non-zero, and both are positive.
type JournalLine struct {
	Account       string
	Debit, Credit decimal.Decimal
	Memo          string
}

// Journal is a balanced journal entry for one payout.
type Journal struct {
	// ID is "<provider>/<payout>/<currency>/fees" or ".../payout":
	// stable, so posting it twice can be detected by the ledger.
	ID       string
	Date     time.Time
	Currency string
	Provider string
	PayoutID string
	Lines    []JournalLine
}

// Totals returns the sums of the debits and the credits.
func (j Journal) Totals() (debit, credit decimal.Decimal) {
	debit, credit = decimal.Zero, decimal.Zero
	for _, l := range j.Lines {
		debit = mustAdd(debit, l.Debit)
		credit = mustAdd(credit, l.Credit)
	}
	return debit, credit
}

// Balanced reports whether debits equal credits.
func (j Journal) Balanced() bool {
	d, c := j.Totals()
	return d.Cmp(c) == 0
}

// JournalError is a payout journal that could not be built.
type JournalError struct {
	Provider, PayoutID, Currency string
	Err                          error
}

// Error names the payout and the cause.
func (e *JournalError) Error() string {
	return fmt.Sprintf("reconcile: journal for %s payout %s (%s): %v", e.Provider, e.PayoutID, e.Currency, e.Err)
}

// Unwrap returns the cause (often a *mapping.MissingError).
func (e *JournalError) Unwrap() error { return e.Err }

// posting is a signed amount on an account: positive debits, negative credits.
func posting(account string, amount decimal.Decimal, memo string) JournalLine {
	l := JournalLine{Account: account, Debit: decimal.Zero, Credit: decimal.Zero, Memo: memo}
	if amount.IsNeg() {
		l.Credit = amount.Neg()
	} else {
		l.Debit = amount
	}
	return l
}

// buildJournals books, per payout, the fees (fee accounts debited, clearing
// credited) and the payout (bank debited, clearing credited). A payout whose
// accounts cannot be resolved gets no journal and a JournalError.
func buildJournals(payouts []PayoutSummary, accounts AccountResolver) ([]Journal, []JournalError) {
	if accounts == nil {
		return nil, nil
	}
	var (
		journals []Journal
		errs     []JournalError
	)
	for _, p := range payouts {
		fail := func(err error) {
			errs = append(errs, JournalError{Provider: p.Provider, PayoutID: p.PayoutID, Currency: p.Currency, Err: err})
		}
		clearing, err := accounts.ClearingAccount(p.Provider, p.Currency, p.Date)
		if err != nil {
			fail(err)
			continue
		}
		base := fmt.Sprintf("%s/%s/%s", p.Provider, p.PayoutID, p.Currency)
		if !p.FeeTotal.IsZero() {
			j := Journal{ID: base + "/fees", Date: p.Date, Currency: p.Currency, Provider: p.Provider, PayoutID: p.PayoutID}
			var ferr error
			seenErr := map[string]bool{}
			for _, f := range p.Fees {
				if f.Amount.IsZero() {
					continue
				}
				acct, err := accounts.FeeAccount(p.Provider, f.Component, p.Date)
				if err != nil {
					// Components falling back to one missing account report it once.
					if !seenErr[err.Error()] {
						seenErr[err.Error()] = true
						ferr = errors.Join(ferr, err)
					}
					continue
				}
				j.Lines = append(j.Lines, posting(acct, f.Amount, p.Provider+" "+f.Component))
			}
			if ferr != nil {
				fail(ferr)
			} else {
				j.Lines = append(j.Lines, posting(clearing, p.FeeTotal.Neg(), p.Provider+" fees of payout "+p.PayoutID))
				journals = append(journals, j)
			}
		}
		if !p.NetPaid.IsZero() {
			bank, err := accounts.BankAccount(p.Provider, p.Currency, p.Date)
			if err != nil {
				fail(err)
				continue
			}
			memo := p.Provider + " payout " + p.PayoutID
			journals = append(journals, Journal{ID: base + "/payout", Date: p.Date, Currency: p.Currency, Provider: p.Provider,
				PayoutID: p.PayoutID, Lines: []JournalLine{posting(bank, p.NetPaid, memo), posting(clearing, p.NetPaid.Neg(), memo)}})
		}
	}
	return journals, errs
}

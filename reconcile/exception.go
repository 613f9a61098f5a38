package reconcile

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/o2ckit/o2c/internal/exkind"
)

// Owner is the team that resolves an exception.
type Owner string

// Owners. docs/operations.md says what each does with each kind.
const (
	OwnerFinance    Owner = exkind.OwnerFinance
	OwnerOperations Owner = exkind.OwnerOperations
	OwnerEcommerce  Owner = exkind.OwnerEcommerce
)

// Kind is what went wrong, in the words of the people who fix it.
type Kind string

// Exception kinds of the whole order-to-cash flow.
const (
	// KindSettlementMismatch: a payment settled for another amount.
	KindSettlementMismatch Kind = exkind.SettlementMismatch
	// KindPaymentMissing: a payment not settled within the SLA.
	KindPaymentMissing Kind = exkind.PaymentMissing
	// KindSettlementUnexpected: money settled for nothing we expected.
	KindSettlementUnexpected Kind = exkind.SettlementUnexpected
	// KindSettlementReview: a settlement that fits several payments.
	KindSettlementReview Kind = exkind.SettlementReview
	// KindPayoutDifference: a bank payout that is not its batch's total.
	KindPayoutDifference Kind = exkind.PayoutDifference
	// KindChargeback: a shopper's bank took a payment back (or returned it).
	KindChargeback Kind = exkind.Chargeback
	// KindDuplicateSettlement: a settlement file or row delivered twice.
	KindDuplicateSettlement Kind = exkind.DuplicateSettlement
	// KindSettlementUnreadable: a settlement row or file that cannot be read.
	KindSettlementUnreadable Kind = exkind.SettlementUnreadable
	// KindMappingMissing: a code with no row in a finance mapping table.
	KindMappingMissing Kind = exkind.MappingMissing
	// KindSFCCSyncFailure: SFCC refused or failed an update or a read.
	KindSFCCSyncFailure Kind = exkind.SFCCSyncFailure
	// KindShipmentStuck: shipped in the WMS, still unfulfilled in SFCC after the SLA.
	KindShipmentStuck Kind = exkind.ShipmentStuck
	// KindShipmentRejected: a WMS shipment confirmation that cannot be applied.
	KindShipmentRejected Kind = exkind.ShipmentRejected
	// KindCustomerMergeCandidate: two or more customer records for one person.
	KindCustomerMergeCandidate Kind = exkind.CustomerMergeCandidate
	// KindCustomerEmailConflict: a registered customer's email belongs to
	// another registered customer's record.
	KindCustomerEmailConflict Kind = exkind.CustomerEmailConflict
	// KindCustomerResolveFailure: the order's customer could not be found
	// or created (an invalid email, the customer master unavailable).
	KindCustomerResolveFailure Kind = exkind.CustomerResolveFailure
	// KindERPRejected: an order the ERP document cannot be made from (totals
	// off by more than rounding, a value that does not fit).
	KindERPRejected Kind = exkind.ERPRejected
	// KindInventoryPushFailure: stock levels that did not reach SFCC.
	KindInventoryPushFailure Kind = exkind.InventoryPushFailure
	// KindSystemUnavailable: a system (SFCC, the ERP, the WMS) stayed
	// unreachable for a whole step, so its work was not done at all.
	KindSystemUnavailable Kind = exkind.SystemUnavailable
	// KindUnclassified: an error no rule knows; treat as an integration fault.
	KindUnclassified Kind = exkind.Unclassified
)

var owners = map[Kind]Owner{
	KindSettlementMismatch:     OwnerFinance,
	KindPaymentMissing:         OwnerFinance,
	KindSettlementUnexpected:   OwnerFinance,
	KindSettlementReview:       OwnerFinance,
	KindPayoutDifference:       OwnerFinance,
	KindChargeback:             OwnerFinance,
	KindDuplicateSettlement:    OwnerFinance,
	KindSettlementUnreadable:   OwnerFinance,
	KindMappingMissing:         OwnerFinance,
	KindSFCCSyncFailure:        OwnerEcommerce,
	KindShipmentStuck:          OwnerOperations,
	KindShipmentRejected:       OwnerOperations,
	KindCustomerMergeCandidate: OwnerEcommerce,
	KindCustomerEmailConflict:  OwnerEcommerce,
	KindCustomerResolveFailure: OwnerEcommerce,
	KindERPRejected:            OwnerFinance,
	KindInventoryPushFailure:   OwnerOperations,
	KindSystemUnavailable:      OwnerOperations,
	KindUnclassified:           OwnerOperations,
}

// Kinds lists every exception kind, in documentation order.
func Kinds() []Kind {
	return []Kind{KindSettlementMismatch, KindPaymentMissing, KindSettlementUnexpected, KindSettlementReview,
		KindPayoutDifference, KindChargeback, KindDuplicateSettlement, KindSettlementUnreadable, KindMappingMissing,
		KindERPRejected, KindSFCCSyncFailure, KindCustomerMergeCandidate, KindCustomerEmailConflict,
		KindCustomerResolveFailure, KindShipmentStuck, KindShipmentRejected, KindInventoryPushFailure, KindSystemUnavailable, KindUnclassified}
}

// Owner is the team that owns the kind.
func (k Kind) Owner() Owner {
	if o, ok := owners[k]; ok {
		return o
	}
	return OwnerOperations
}

// Exception is one thing a person must look at, with who and what.
type Exception struct {
	Kind  Kind
	Owner Owner
	// Key is the business key it concerns: an order number, SKU, shipment
	// id, "table: key" of a mapping, "file:line" of a settlement row, or
	// "provider/payout" of a payout.
	Key string
	// Detail says what was found, without secrets or personal data.
	Detail    string
	FirstSeen time.Time
}

// String is "kind [owner] key: detail".
func (e Exception) String() string {
	return fmt.Sprintf("%s [%s] %s: %s", e.Kind, e.Owner, e.Key, e.Detail)
}

func newException(k Kind, key, detail string, at time.Time) Exception {
	return Exception{Kind: k, Owner: k.Owner(), Key: key, Detail: detail, FirstSeen: at}
}

// Classifier turns the typed errors and findings of the o2c packages into
// exceptions with owners.
type Classifier struct {
	// Now stamps FirstSeen of what has no earlier date; default time.Now.
	Now func() time.Time
}

func (c Classifier) now() time.Time {
	if c.Now == nil {
		return time.Now().UTC()
	}
	return c.Now().UTC()
}

// Exceptional is what a typed error (or a finding) implements to say which
// exception it becomes: its kind (one of the Kind values, as a string), the
// team that owns it ("finance", "operations" or "ecommerce") and its
// business key. Errors of any package, o2c's or a host's, are classified
// by these methods; reconcile does not need to know their types. An error
// may also have an ExceptionDetail() string method when its exception
// should say something other than its Error text.
type Exceptional interface {
	ExceptionKind() string
	Owner() string
	ExceptionKey() string
}

// Classify returns one exception per failure in err's tree (errors joined
// with errors.Join each become one). A failure is classified by the first
// error in its chain of wraps (fmt.Errorf with %w, an Unwrap method) that
// is Exceptional, as errors.As finds it. A nil error gives none; an error
// none of whose chain is Exceptional becomes KindUnclassified with its
// message, keyed by an ExceptionKey, OrderNo, SKU or ShipmentID method if
// one of its chain has it.
func (c Classifier) Classify(err error) []Exception {
	if err == nil {
		return nil
	}
	at := c.now()
	var out []Exception
	var walk func(error) bool
	walk = func(e error) bool {
		if x, ok := exceptionalIn(e); ok {
			out = append(out, fromMethods(x, at))
			return true
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			found := false
			for _, child := range u.Unwrap() {
				if walk(child) {
					found = true
				} else if child != nil {
					out = append(out, newException(KindUnclassified, "", child.Error(), at))
					found = true
				}
			}
			return found
		case interface{ Unwrap() error }:
			if inner := u.Unwrap(); inner != nil {
				return walk(inner)
			}
		}
		return false
	}
	if !walk(err) {
		out = append(out, newException(KindUnclassified, keyByMethods(err), err.Error(), at))
	}
	return out
}

// exceptionalIn finds the Exceptional error of e's chain with errors.As.
// Where the chain reaches a join, only e itself is looked at: Classify
// walks down to the join and takes its errors one by one, so that a join
// below a wrap still gives one exception per joined error.
func exceptionalIn(e error) (Exceptional, bool) {
	var x Exceptional
	for n := e; n != nil; n = errors.Unwrap(n) {
		if _, ok := n.(interface{ Unwrap() []error }); ok {
			x, ok := e.(Exceptional)
			return x, ok
		}
	}
	return x, errors.As(e, &x)
}

// fromMethods makes the exception an Exceptional value says it is. The
// detail is its ExceptionDetail if it has one, else its Error (or String)
// text; the owner is its own, else its kind's.
func fromMethods(x Exceptional, at time.Time) Exception {
	k := Kind(x.ExceptionKind())
	if k == "" {
		k = KindUnclassified
	}
	var detail string
	switch v := x.(type) {
	case interface{ ExceptionDetail() string }:
		detail = v.ExceptionDetail()
	case error:
		detail = v.Error()
	case fmt.Stringer:
		detail = v.String()
	}
	owner := Owner(x.Owner())
	if owner == "" {
		owner = k.Owner()
	}
	return Exception{Kind: k, Owner: owner, Key: x.ExceptionKey(), Detail: detail, FirstSeen: at}
}

// keyByMethods finds a business key on an error that does not say its
// exception: any error in the tree with an ExceptionKey, OrderNo, SKU or
// ShipmentID method.
func keyByMethods(err error) string {
	var k interface{ ExceptionKey() string }
	if errors.As(err, &k) {
		return k.ExceptionKey()
	}
	var o interface{ OrderNo() string }
	if errors.As(err, &o) {
		return o.OrderNo()
	}
	var s interface{ SKU() string }
	if errors.As(err, &s) {
		return s.SKU()
	}
	var sh interface{ ShipmentID() string }
	if errors.As(err, &sh) {
		return sh.ShipmentID()
	}
	return ""
}

// FromReport lists the exceptions of a reconciliation report.
func (c Classifier) FromReport(r *Report) []Exception {
	at := r.RunAt
	if at.IsZero() {
		at = c.now()
	}
	var out []Exception
	for _, m := range r.Mismatches {
		out = append(out, newException(KindSettlementMismatch, m.Expected[0].OrderNo,
			fmt.Sprintf("expected %s %s, settled %s (difference %s) by %s", m.ExpectedAmount, m.Currency, m.SettledAmount, m.Difference, lineRefs(m.Lines)), at))
	}
	for _, m := range r.Matched {
		if m.Status == StatusTolerance {
			out = append(out, newException(KindSettlementMismatch, m.Expected[0].OrderNo,
				fmt.Sprintf("settled within tolerance (%s): difference %s %s to book", m.Method, m.Difference, m.Currency), at))
		}
	}
	for _, o := range r.Missing {
		out = append(out, newException(KindPaymentMissing, o.Expected.OrderNo,
			fmt.Sprintf("%s of %s %s (PSP reference %s, %s) not settled since %s", o.Expected.Kind, o.Remaining(), o.Expected.Currency,
				o.Expected.PSPReference, o.Expected.Method, o.Expected.Date.Format(time.DateOnly)), o.FirstSeen))
	}
	for _, l := range r.Unexpected {
		out = append(out, newException(KindSettlementUnexpected, cmp.Or(l.MerchantReference, l.PSPReference, l.Source.String()),
			fmt.Sprintf("%s %s %s %s with nothing expected for it (%s)", l.Provider, l.Type, l.Gross, l.GrossCurrency, l.Source), at))
	}
	for _, rv := range r.Review {
		var orders []string
		for _, e := range rv.Candidates {
			orders = append(orders, e.OrderNo)
		}
		out = append(out, newException(KindSettlementReview, cmp.Or(rv.Lines[0].MerchantReference, rv.Lines[0].PSPReference),
			fmt.Sprintf("%s: %s could settle orders %s", rv.Reason, lineRefs(rv.Lines), strings.Join(orders, ", ")), at))
	}
	for _, p := range r.Payouts {
		if p.PaidOut && !p.Difference.IsZero() {
			out = append(out, newException(KindPayoutDifference, p.Provider+"/"+p.PayoutID,
				fmt.Sprintf("paid %s %s, lines add up to %s (difference %s)", p.NetPaid, p.Currency, p.NetExpected, p.Difference), at))
		}
	}
	for _, l := range r.Chargebacks {
		out = append(out, newException(KindChargeback, cmp.Or(l.MerchantReference, l.PSPReference),
			fmt.Sprintf("%s %s %s %s, fees %s (%s)", l.Provider, l.Type, l.Gross, l.GrossCurrency, l.FeeTotal(), l.Source), at))
	}
	for _, d := range r.DuplicateFiles {
		detail := fmt.Sprintf("same content as %s, first reconciled %s; not counted again", d.FirstName, d.FirstSeen.Format(time.DateOnly))
		if d.Batch != "" {
			detail = fmt.Sprintf("batch %s was already reconciled from %s on %s; this different version is not counted",
				d.Batch, d.FirstName, d.FirstSeen.Format(time.DateOnly))
		}
		out = append(out, newException(KindDuplicateSettlement, d.Name, detail, at))
	}
	for _, l := range r.DuplicateLines {
		out = append(out, newException(KindDuplicateSettlement, l.Source.String(),
			fmt.Sprintf("%s %s %s delivered again; not counted again", l.Provider, l.Type, l.ModificationReference), at))
	}
	for _, e := range r.ReadErrors {
		key := e.File
		if e.Line > 0 {
			key = fmt.Sprintf("%s:%d", e.File, e.Line)
		}
		out = append(out, newException(KindSettlementUnreadable, key, e.Message, at))
	}
	for _, je := range r.JournalErrors {
		out = append(out, c.Classify(&je)...)
	}
	for i := range out {
		if out[i].FirstSeen.IsZero() {
			out[i].FirstSeen = at
		}
	}
	slices.SortStableFunc(out, func(a, b Exception) int {
		return cmp.Or(strings.Compare(string(a.Owner), string(b.Owner)), strings.Compare(string(a.Kind), string(b.Kind)),
			strings.Compare(a.Key, b.Key), strings.Compare(a.Detail, b.Detail))
	})
	return out
}

func lineRefs(ls []SettlementLine) string {
	refs := make([]string, len(ls))
	for i, l := range ls {
		refs[i] = l.Source.String()
	}
	return strings.Join(refs, ", ")
}

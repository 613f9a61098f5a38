package mapping

import (
	"cmp"
	"errors"
	"iter"
	"slices"
)

// MissingKey is one key no row answers, as the go-live gap report shows it.
type MissingKey struct {
	Table string
	Key   string
	// Count is the number of orders that needed the key.
	Count int
	// Examples are the first order numbers that needed it, in the order seen.
	Examples []string
}

// OrderError is an order whose check failed for a reason other than a
// missing mapping (an amount that does not add up, a value too long).
type OrderError struct {
	OrderNo string
	Err     error
}

// AuditReport is the result of an audit: every missing key once, most
// needed first, and the orders that failed for other reasons.
type AuditReport struct {
	// Orders is how many orders were checked; Clean how many passed the
	// check with no error at all.
	Orders int
	Clean  int
	// MissingOrders is how many orders missed at least one mapping.
	MissingOrders int
	// Missing is sorted by Count descending, then Table, then Key.
	Missing []MissingKey
	// Failed holds each order's errors other than missing mappings, in the
	// order seen; an order may be both here and counted in MissingOrders.
	Failed []OrderError
}

// Auditor collects check results order by order, for callers that stream
// orders (an export file, an API search). The zero value keeps 3 examples
// per key. It is not safe for concurrent use.
type Auditor struct {
	// Examples is how many order numbers to keep per missing key (0 means 3).
	Examples int

	orders, clean int
	missingOrders int
	keys          map[[2]string]*MissingKey
	order         [][2]string
	failed        []OrderError
}

// Record adds one order's check result: err is whatever the check returned
// (nil, a *MissingError, or several joined with other errors). Each missing
// key is counted once per order however many lines needed it. The other
// errors of an order that also misses mappings are kept in Failed too, so
// filling the gaps does not uncover a problem the report never showed.
func (a *Auditor) Record(orderNo string, err error) {
	a.orders++
	if err == nil {
		a.clean++
		return
	}
	missing := MissingErrors(err)
	if others := nonMissing(err); len(others) > 0 {
		a.failed = append(a.failed, OrderError{OrderNo: orderNo, Err: errors.Join(others...)})
	}
	if len(missing) == 0 {
		return
	}
	a.missingOrders++
	if a.keys == nil {
		a.keys = map[[2]string]*MissingKey{}
	}
	limit := a.Examples
	if limit <= 0 {
		limit = 3
	}
	seen := map[[2]string]bool{}
	for _, m := range missing {
		k := [2]string{m.Table, m.Key}
		if seen[k] {
			continue
		}
		seen[k] = true
		mk := a.keys[k]
		if mk == nil {
			mk = &MissingKey{Table: m.Table, Key: m.Key}
			a.keys[k] = mk
			a.order = append(a.order, k)
		}
		mk.Count++
		if len(mk.Examples) < limit {
			mk.Examples = append(mk.Examples, orderNo)
		}
	}
}

// Report returns what has been recorded so far.
func (a *Auditor) Report() AuditReport {
	r := AuditReport{Orders: a.orders, Clean: a.clean, MissingOrders: a.missingOrders, Failed: slices.Clone(a.failed)}
	for _, k := range a.order {
		mk := *a.keys[k]
		mk.Examples = slices.Clone(mk.Examples)
		r.Missing = append(r.Missing, mk)
	}
	slices.SortStableFunc(r.Missing, func(x, y MissingKey) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Table, y.Table), cmp.Compare(x.Key, y.Key))
	})
	return r
}

// Audit runs every order through check and reports every missing key once,
// with the number of orders that needed it and example order numbers: the
// go-live gap report. check returns the order's number and the error of
// looking up everything the order needs in t; it should not stop at the
// first miss (join the errors) so one run finds every gap. Package erp
// provides such a check for SFCC orders.
func Audit[O any](t *Tables, orders iter.Seq[O], check func(t *Tables, o O) (orderNo string, err error)) AuditReport {
	var a Auditor
	for o := range orders {
		a.Record(check(t, o))
	}
	return a.Report()
}

// nonMissing returns the errors in err's tree that are not, and do not
// wrap, a *MissingError: what is left of a check's result once the missing
// mappings are taken out. An error that wraps a *MissingError with a single
// %w counts as that missing mapping.
func nonMissing(err error) []error {
	if err == nil || len(MissingErrors(err)) == 0 {
		if err == nil {
			return nil
		}
		return []error{err}
	}
	switch u := err.(type) {
	case *MissingError:
		return nil
	case interface{ Unwrap() []error }:
		var out []error
		for _, e := range u.Unwrap() {
			out = append(out, nonMissing(e)...)
		}
		return out
	case interface{ Unwrap() error }:
		return nonMissing(u.Unwrap())
	}
	return nil
}

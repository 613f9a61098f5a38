package dedupe

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// Defaults for Config.
const (
	DefaultCacheSize         = 10000
	DefaultCacheTTL          = 15 * time.Minute
	DefaultDuplicateAttempts = 3
)

// OrderCustomer is the customer of one order as the Resolver needs it.
// Callers fill it from their order model; for an sfcc.Order use
// erp.OrderCustomer, the one conversion (dedupe does not import sfcc).
type OrderCustomer struct {
	// OrderNo is the SFCC order number; it names the order in errors and
	// findings.
	OrderNo string
	// Email is the address as the shopper gave it; the Resolver normalises it.
	Email string
	// CustomerNo is the SFCC customer number of a registered customer.
	CustomerNo string
	// Guest is true for a guest checkout. An order is treated as a registered
	// customer's order when CustomerNo is set and Guest is false.
	Guest     bool
	FirstName string
	LastName  string
	Phone     string
	Address   Address
}

func (o OrderCustomer) registered() bool { return o.CustomerNo != "" && !o.Guest }

// Outcome says how a resolve reached its record.
type Outcome int

// Outcomes of a resolve.
const (
	// Matched: an existing record was used unchanged.
	Matched Outcome = iota + 1
	// Created: no record existed; the Resolver created one.
	Created
	// Linked: the only record was a guest record, and the Directory's
	// CustomerUpdater turned it into the registered customer's record.
	Linked
)

// String returns "matched", "created" or "linked".
func (o Outcome) String() string {
	switch o {
	case Matched:
		return "matched"
	case Created:
		return "created"
	case Linked:
		return "linked"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Result is the master record an order's customer resolved to.
type Result struct {
	// CustomerID is the master record's id.
	CustomerID string
	Outcome    Outcome
	// Customer is the record as the Resolver last saw it.
	Customer Customer
	// Cached is true when the record came from the match cache, with no
	// Directory call.
	Cached bool
	// Recovered is true when the Directory rejected the Resolver's create as
	// a duplicate (another process created the record first) and the
	// resolve matched that record instead.
	Recovered bool
	// Findings are issues for a person to look at (*MergeCandidate,
	// *CustomerNoConflict). They are reported whenever the Directory is
	// consulted, not on cache hits.
	Findings []Finding
}

// Resolver finds or creates the master record for an order's customer, keyed
// by normalised email, so that one email never becomes two records.
//
// Within a process, resolves of the same email are serialised and different
// emails run in parallel; across processes, a create that the Directory
// rejects with ErrDuplicateEmail is recovered by looking the email up again.
//
// A registered customer's order links to the registered record with its
// customer number. A guest order links to whatever record holds the email,
// registered or not, and never changes it; the records the Resolver creates
// from guest orders carry no customer number. A registered customer whose
// only record came from guest checkouts is handled as CustomerUpdater
// describes.
//
// Matches are cached per email key for Config.CacheTTL, bounded to
// Config.CacheSize entries. A miss is never cached, so a record created by
// another process is found by the next resolve.
//
// When the Directory holds several records for an email (legacy
// duplicates), the Resolver links the order to the first record in this
// order, and reports the set as a *MergeCandidate:
//
//  1. for a registered customer's order, a registered record with the
//     order's customer number;
//  2. registered records before guest records;
//  3. the earliest Created (records without a Created time last);
//  4. the shorter ID, then the bytewise smaller ID (numeric order for
//     numeric ids).
//
// The rule depends only on the records, never on the order the Directory
// returned them in. A Resolver is safe for concurrent use and starts no
// goroutines.
type Resolver struct {
	dir         Directory
	norm        Normalizer
	cache       *matchCache
	locks       *keyLocks
	dupAttempts int
	log         *slog.Logger
	claims      ClaimStore
	owner       string
	claimTTL    time.Duration
	claimPoll   time.Duration
	now         func() time.Time
}

// Forget drops any cached match for email, so the next resolve asks the
// Directory. Hosts call it after merging or deleting records.
func (r *Resolver) Forget(email string) {
	if e, err := r.norm.Normalize(email); err == nil {
		r.cache.forget(e.Key())
	}
}

// Resolve returns the master record for oc's customer, creating it when the
// Directory has none. Errors are *ResolveError. A cancelled ctx while a
// create is in flight leaves its outcome unknown; resolving again is safe.
func (r *Resolver) Resolve(ctx context.Context, oc OrderCustomer) (Result, error) {
	email, err := r.norm.Normalize(oc.Email)
	if err != nil {
		return Result{}, r.fail(oc, Email{}, "normalise", err)
	}
	if res, ok := r.fromCache(oc, email); ok {
		return res, nil
	}
	unlock, err := r.locks.lock(ctx, email.Key())
	if err != nil {
		return Result{}, r.fail(oc, email, "wait", err)
	}
	defer unlock()
	release, err := r.claim(ctx, email.Key())
	if err != nil {
		return Result{}, r.fail(oc, email, "claim", err)
	}
	defer release()
	// Another resolve of this email may have finished while this one waited.
	if res, ok := r.fromCache(oc, email); ok {
		return res, nil
	}
	return r.resolveLocked(ctx, oc, email)
}

func (r *Resolver) fromCache(oc OrderCustomer, email Email) (Result, bool) {
	c, ok := r.cache.get(email.Key())
	if !ok {
		return Result{}, false
	}
	// A registered order whose cached record is not yet its registered
	// record goes to the Directory, which may link it.
	if oc.registered() && !(c.Registered && c.CustomerNo == oc.CustomerNo) {
		return Result{}, false
	}
	r.log.Debug("dedupe: customer matched from cache",
		"order_no", oc.OrderNo, "email", email, "customer_id", c.ID)
	return Result{CustomerID: c.ID, Outcome: Matched, Customer: c, Cached: true}, true
}

func (r *Resolver) resolveLocked(ctx context.Context, oc OrderCustomer, email Email) (Result, error) {
	recs, err := r.find(ctx, email)
	if err != nil {
		return Result{}, r.fail(oc, email, "find", err)
	}
	if len(recs) > 0 {
		return r.match(ctx, oc, email, recs, false)
	}
	var lastDup error
	for range r.dupAttempts {
		c, err := r.dir.CreateCustomer(ctx, newCustomer(oc, email))
		if err == nil {
			r.cache.put(email.Key(), c)
			r.log.Info("dedupe: customer created",
				"order_no", oc.OrderNo, "email", email, "customer_id", c.ID, "registered", c.Registered)
			return Result{CustomerID: c.ID, Outcome: Created, Customer: c}, nil
		}
		if !errors.Is(err, ErrDuplicateEmail) {
			return Result{}, r.fail(oc, email, "create", err)
		}
		// Another process created the record between our lookup and our
		// create: it is there to be matched.
		lastDup = err
		recs, err = r.find(ctx, email)
		if err != nil {
			return Result{}, r.fail(oc, email, "find", err)
		}
		if len(recs) > 0 {
			r.log.Info("dedupe: duplicate create recovered by matching",
				"order_no", oc.OrderNo, "email", email)
			return r.match(ctx, oc, email, recs, true)
		}
	}
	return Result{}, r.fail(oc, email, "create",
		fmt.Errorf("%w after %d attempts: %w", ErrDuplicateNotFound, r.dupAttempts, lastDup))
}

// find asks the Directory for every spelling of email and keeps the records
// whose email has the same key, each once.
func (r *Resolver) find(ctx context.Context, email Email) ([]Customer, error) {
	var out []Customer
	for _, term := range email.searchTerms() {
		recs, err := r.dir.FindCustomersByEmail(ctx, term)
		if err != nil {
			return nil, err
		}
		for _, c := range recs {
			if slices.ContainsFunc(out, func(o Customer) bool { return o.ID == c.ID }) {
				continue
			}
			// A Directory may match more loosely than the key (a CRM search);
			// only records of this email are candidates.
			if ce, err := r.norm.Normalize(c.Email); err == nil && ce.Key() == email.Key() {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

func (r *Resolver) match(ctx context.Context, oc OrderCustomer, email Email, recs []Customer, recovered bool) (Result, error) {
	sortBySelectionRule(recs, oc)
	kept := recs[0]
	res := Result{CustomerID: kept.ID, Outcome: Matched, Customer: kept, Recovered: recovered}
	if len(recs) > 1 {
		refs := make([]RecordRef, len(recs))
		for i, c := range recs {
			refs[i] = refOf(c)
		}
		res.Findings = append(res.Findings, &MergeCandidate{
			OrderNo: oc.OrderNo, Email: email.String(), Kept: kept.ID, Records: refs,
		})
	}
	if oc.registered() {
		switch {
		case kept.Registered && kept.CustomerNo == oc.CustomerNo:
		case kept.Registered:
			res.Findings = append(res.Findings, &CustomerNoConflict{
				OrderNo: oc.OrderNo, Email: email.String(), CustomerNo: oc.CustomerNo, Record: refOf(kept),
			})
		default:
			// Only guest records exist: the shopper registered after
			// checking out as a guest. Registered data may replace guest
			// data, never the other way round.
			if u, ok := r.dir.(CustomerUpdater); ok {
				c, err := u.UpdateCustomer(ctx, registeredUpdate(kept, oc))
				if err != nil {
					return Result{}, r.fail(oc, email, "update", err)
				}
				res.Customer, res.CustomerID, res.Outcome = c, c.ID, Linked
				r.log.Info("dedupe: guest record linked to registered customer",
					"order_no", oc.OrderNo, "email", email, "customer_id", c.ID)
			}
		}
	}
	for _, f := range res.Findings {
		r.log.Warn("dedupe: finding", "finding", f)
	}
	r.cache.put(email.Key(), res.Customer)
	r.log.Debug("dedupe: customer matched",
		"order_no", oc.OrderNo, "email", email, "customer_id", res.CustomerID, "outcome", res.Outcome.String())
	return res, nil
}

// sortBySelectionRule orders records by the rule documented on Resolver.
func sortBySelectionRule(recs []Customer, oc OrderCustomer) {
	owns := func(c Customer) bool {
		return oc.registered() && c.Registered && c.CustomerNo == oc.CustomerNo
	}
	slices.SortFunc(recs, func(a, b Customer) int {
		if x, y := owns(a), owns(b); x != y {
			return boolFirst(x)
		}
		if a.Registered != b.Registered {
			return boolFirst(a.Registered)
		}
		if az, bz := a.Created.IsZero(), b.Created.IsZero(); az != bz {
			return boolFirst(bz)
		}
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(len(a.ID), len(b.ID)), cmp.Compare(a.ID, b.ID))
	})
}

// boolFirst sorts the true side first: it is the comparison result for
// (a, b) when exactly one of them qualifies and aQualifies says which.
func boolFirst(aQualifies bool) int {
	if aQualifies {
		return -1
	}
	return 1
}

func newCustomer(oc OrderCustomer, email Email) Customer {
	c := Customer{
		Email:     email.Address(),
		FirstName: oc.FirstName,
		LastName:  oc.LastName,
		Phone:     oc.Phone,
		Address:   oc.Address,
	}
	if oc.registered() {
		c.Registered, c.CustomerNo = true, oc.CustomerNo
	}
	return c
}

// registeredUpdate is the guest record rec taken over by the registered
// customer of oc: identity from the order, and the order's name, phone and
// address where the order has them.
func registeredUpdate(rec Customer, oc OrderCustomer) Customer {
	rec.Registered, rec.CustomerNo = true, oc.CustomerNo
	rec.FirstName = cmp.Or(oc.FirstName, rec.FirstName)
	rec.LastName = cmp.Or(oc.LastName, rec.LastName)
	rec.Phone = cmp.Or(oc.Phone, rec.Phone)
	if oc.Address != (Address{}) {
		rec.Address = oc.Address
	}
	return rec
}

func (r *Resolver) fail(oc OrderCustomer, email Email, op string, err error) error {
	e := newResolveError(oc.OrderNo, oc.Email, op, err, email.key, email.address, email.given, email.ascii)
	r.log.Warn("dedupe: resolve failed", "order_no", oc.OrderNo, "op", op, "error", e.Error())
	return e
}

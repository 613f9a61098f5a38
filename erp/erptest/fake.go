package erptest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/internal/redact"
)

// Method names, as Calls, Fault and the wait function see them.
const (
	MethodFindCustomersByEmail = "FindCustomersByEmail"
	MethodCreateCustomer       = "CreateCustomer"
	MethodGetCustomer          = "GetCustomer"
	MethodCreateSalesOrder     = "CreateSalesOrder"
	MethodGetSalesOrder        = "GetSalesOrder"
	MethodPostJournal          = "PostJournal"
	MethodGetJournal           = "GetJournal"
)

// Fault makes calls of a method fail. Calls are numbered from 1 per method.
type Fault struct {
	// Method is one of the Method* names; empty means every method.
	Method string
	// Nth fails the Nth call only; Every fails every Every-th call. Set one.
	Nth   int
	Every int
	// AfterEffect fails the call after it has taken effect, as when a
	// response is lost on the way back: after a write the caller sees an
	// error, the record exists, and a retry must find it instead of
	// writing twice; a read simply returns the error.
	AfterEffect bool
	// Err is the error returned; nil means erp.ErrUnavailable.
	Err error
}

func (f Fault) matches(method string, n int64) bool {
	if f.Method != "" && f.Method != method {
		return false
	}
	return (f.Nth > 0 && n == int64(f.Nth)) || (f.Every > 0 && n%int64(f.Every) == 0)
}

// Option configures an ERP.
type Option func(*ERP)

// WithClock sets the clock that stamps Created on customers and sales
// orders. The default is time.Now.
func WithClock(now func() time.Time) Option { return func(e *ERP) { e.now = now } }

// WithWait sets the latency of every call: wait runs before the call takes
// effect, outside any lock, with the call's context and method name. It may
// block (on a channel the test controls) and may return an error, which the
// call returns. The default waits for nothing.
func WithWait(wait func(ctx context.Context, method string) error) Option {
	return func(e *ERP) { e.wait = wait }
}

// WithFaults adds faults (see also ERP.Inject).
func WithFaults(faults ...Fault) Option {
	return func(e *ERP) { e.faults = append(e.faults, faults...) }
}

// ERP is a strict in-memory ERP: erp.Customers, erp.SalesOrders and
// erp.Ledger, hence also a dedupe.Directory.
type ERP struct {
	now  func() time.Time
	wait func(ctx context.Context, method string) error

	mu        sync.Mutex
	faults    []Fault
	calls     map[string]int64
	customers []erp.Customer // in creation order
	byEmail   map[string][]int
	byID      map[string]int
	orders    map[string][]byte // external ref → stored JSON
	journals  map[string][]byte
	seq       int
}

var (
	_ erp.Customers    = (*ERP)(nil)
	_ erp.SalesOrders  = (*ERP)(nil)
	_ erp.Ledger       = (*ERP)(nil)
	_ dedupe.Directory = (*ERP)(nil)
)

// New returns an empty ERP.
func New(opts ...Option) *ERP {
	e := &ERP{
		now:      time.Now,
		calls:    map[string]int64{},
		byEmail:  map[string][]int{},
		byID:     map[string]int{},
		orders:   map[string][]byte{},
		journals: map[string][]byte{},
	}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Inject adds a fault while the ERP is in use.
func (e *ERP) Inject(f Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, f)
}

// ClearFaults removes every fault.
func (e *ERP) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// Calls returns how many times method has been called (failed calls included).
func (e *ERP) Calls(method string) int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls[method]
}

// CallCounts returns a copy of every method's call count.
func (e *ERP) CallCounts() map[string]int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]int64, len(e.calls))
	for k, v := range e.calls {
		out[k] = v
	}
	return out
}

// Counts returns how many customers, sales orders and journals exist.
func (e *ERP) Counts() (customers, salesOrders, journals int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.customers), len(e.orders), len(e.journals)
}

// Seed stores customers as they are, duplicates allowed, as a legacy system
// may hold them; IDs and Created are filled in when empty. It returns the
// stored records.
func (e *ERP) Seed(cs ...erp.Customer) []erp.Customer {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]erp.Customer, 0, len(cs))
	for _, c := range cs {
		out = append(out, e.insertLocked(c))
	}
	return out
}

// begin counts the call and picks its fault; then waits out the latency
// and checks the context. A non-nil error ends the call with no effect.
func (e *ERP) begin(ctx context.Context, method string) (after error, err error) {
	e.mu.Lock()
	e.calls[method]++
	n := e.calls[method]
	var before error
	for _, f := range e.faults {
		if !f.matches(method, n) {
			continue
		}
		ferr := f.Err
		if ferr == nil {
			ferr = fmt.Errorf("erptest: %s call %d: injected failure: %w", method, n, erp.ErrUnavailable)
		}
		if f.AfterEffect {
			after = ferr
		} else if before == nil {
			before = ferr
		}
	}
	e.mu.Unlock()
	if e.wait != nil {
		if err := e.wait(ctx, method); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("erptest: %s: %w", method, err)
	}
	if before != nil {
		return nil, before
	}
	return after, nil
}

// emailKey folds an address so that addresses equal ignoring case (in the
// Unicode sense of strings.EqualFold) share a key.
func emailKey(email string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, email)
}

func (e *ERP) insertLocked(c erp.Customer) erp.Customer {
	e.seq++
	if c.ID == "" {
		c.ID = fmt.Sprintf("C%06d", e.seq)
	}
	if c.Created.IsZero() {
		c.Created = e.now().UTC()
	}
	k := emailKey(c.Email)
	e.byEmail[k] = append(e.byEmail[k], len(e.customers))
	e.byID[c.ID] = len(e.customers)
	e.customers = append(e.customers, c)
	return c
}

// FindCustomersByEmail implements erp.Customers.
func (e *ERP) FindCustomersByEmail(ctx context.Context, email string) ([]erp.Customer, error) {
	after, err := e.begin(ctx, MethodFindCustomersByEmail)
	if err != nil {
		return nil, err
	}
	if after != nil {
		return nil, after // the answer was lost on the way back
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []erp.Customer{}
	for _, i := range e.byEmail[emailKey(email)] {
		out = append(out, e.customers[i])
	}
	return out, nil
}

// CreateCustomer implements erp.Customers.
func (e *ERP) CreateCustomer(ctx context.Context, c erp.Customer) (erp.Customer, error) {
	after, err := e.begin(ctx, MethodCreateCustomer)
	if err != nil {
		return erp.Customer{}, err
	}
	if strings.TrimSpace(c.Email) == "" {
		return erp.Customer{}, fmt.Errorf("erptest: customer without an email: %w", erp.ErrInvalid)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.byEmail[emailKey(c.Email)]) > 0 {
		return erp.Customer{}, fmt.Errorf("erptest: customer %s: %w", redact.Email(c.Email), erp.ErrDuplicateCustomer)
	}
	c.ID, c.Created = "", time.Time{}
	stored := e.insertLocked(c)
	if after != nil {
		return erp.Customer{}, after
	}
	return stored, nil
}

// GetCustomer implements erp.Customers.
func (e *ERP) GetCustomer(ctx context.Context, id string) (erp.Customer, error) {
	after, err := e.begin(ctx, MethodGetCustomer)
	if err != nil {
		return erp.Customer{}, err
	}
	if after != nil {
		return erp.Customer{}, after // the answer was lost on the way back
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	i, ok := e.byID[id]
	if !ok {
		return erp.Customer{}, fmt.Errorf("erptest: customer %q: %w", id, erp.ErrNotFound)
	}
	return e.customers[i], nil
}

// CreateSalesOrder implements erp.SalesOrders.
func (e *ERP) CreateSalesOrder(ctx context.Context, so erp.SalesOrder) (erp.SalesOrder, error) {
	after, err := e.begin(ctx, MethodCreateSalesOrder)
	if err != nil {
		return erp.SalesOrder{}, err
	}
	if err := so.Validate(); err != nil {
		return erp.SalesOrder{}, err
	}
	so.DocumentNo, so.Created = "", time.Time{}
	if _, err := json.Marshal(so); err != nil {
		return erp.SalesOrder{}, fmt.Errorf("erptest: sales order %s: %w: %v", so.ExternalRef, erp.ErrInvalid, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if stored, ok := e.orders[so.ExternalRef]; ok {
		if !erp.SameSalesOrder(decodeOrder(stored), so) {
			return erp.SalesOrder{}, fmt.Errorf("erptest: sales order %s: %w", so.ExternalRef, erp.ErrConflict)
		}
		return decodeOrder(stored), nil
	}
	e.seq++
	so.DocumentNo = fmt.Sprintf("SO%06d", e.seq)
	so.Created = e.now().UTC()
	stored, _ := json.Marshal(so)
	e.orders[so.ExternalRef] = stored
	if after != nil {
		return erp.SalesOrder{}, after
	}
	return decodeOrder(stored), nil
}

// GetSalesOrder implements erp.SalesOrders.
func (e *ERP) GetSalesOrder(ctx context.Context, externalRef string) (erp.SalesOrder, error) {
	after, err := e.begin(ctx, MethodGetSalesOrder)
	if err != nil {
		return erp.SalesOrder{}, err
	}
	if after != nil {
		return erp.SalesOrder{}, after // the answer was lost on the way back
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	stored, ok := e.orders[externalRef]
	if !ok {
		return erp.SalesOrder{}, fmt.Errorf("erptest: sales order %q: %w", externalRef, erp.ErrNotFound)
	}
	return decodeOrder(stored), nil
}

// PostJournal implements erp.Ledger.
func (e *ERP) PostJournal(ctx context.Context, j erp.JournalEntry) (erp.JournalEntry, error) {
	after, err := e.begin(ctx, MethodPostJournal)
	if err != nil {
		return erp.JournalEntry{}, err
	}
	if err := j.Validate(); err != nil {
		return erp.JournalEntry{}, err
	}
	j.EntryNo = ""
	e.mu.Lock()
	defer e.mu.Unlock()
	if stored, ok := e.journals[j.Reference]; ok {
		if !erp.SameJournal(decodeJournal(stored), j) {
			return erp.JournalEntry{}, fmt.Errorf("erptest: journal %s: %w", j.Reference, erp.ErrConflict)
		}
		return decodeJournal(stored), nil
	}
	e.seq++
	j.EntryNo = fmt.Sprintf("JE%06d", e.seq)
	stored, _ := json.Marshal(j)
	e.journals[j.Reference] = stored
	if after != nil {
		return erp.JournalEntry{}, after
	}
	return decodeJournal(stored), nil
}

// GetJournal implements erp.Ledger.
func (e *ERP) GetJournal(ctx context.Context, reference string) (erp.JournalEntry, error) {
	after, err := e.begin(ctx, MethodGetJournal)
	if err != nil {
		return erp.JournalEntry{}, err
	}
	if after != nil {
		return erp.JournalEntry{}, after // the answer was lost on the way back
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	stored, ok := e.journals[reference]
	if !ok {
		return erp.JournalEntry{}, fmt.Errorf("erptest: journal %q: %w", reference, erp.ErrNotFound)
	}
	return decodeJournal(stored), nil
}

// Records are stored as JSON, as an ERP stores them, so every read is a
// fresh copy no caller can alias; they were encoded by this package.
func decodeOrder(b []byte) erp.SalesOrder {
	var so erp.SalesOrder
	_ = json.Unmarshal(b, &so)
	return so
}

func decodeJournal(b []byte) erp.JournalEntry {
	var j erp.JournalEntry
	_ = json.Unmarshal(b, &j)
	return j
}

// FailNext makes the next call of method fail with erp.ErrUnavailable,
// before it takes effect or, with lost, after (a lost response). It makes
// the ERP a FaultInjector for the conformance suite.
func (e *ERP) FailNext(method string, lost bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, Fault{Method: method, Nth: int(e.calls[method]) + 1, AfterEffect: lost})
}

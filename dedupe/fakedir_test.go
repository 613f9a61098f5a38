package dedupe_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/o2ckit/o2c/dedupe"
)

// memDirectory is a strict in-memory master system: emails are unique
// ignoring case (as most ERPs enforce), creates of a taken email fail with
// ErrDuplicateEmail, and it is safe for concurrent use. It counts calls so
// tests can see what the Resolver asked.
type memDirectory struct {
	mu     sync.Mutex
	recs   []dedupe.Customer
	nextID int
	now    func() time.Time
	// yield makes every call yield the processor first, as a network call
	// would, so that unserialised callers interleave.
	yield bool

	finds, creates, duplicates, updateCalls atomic.Int64
}

var (
	_ dedupe.Directory       = (*memDirectory)(nil)
	_ dedupe.CustomerUpdater = (*updatingDirectory)(nil)
)

func newMemDirectory() *memDirectory {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var tick atomic.Int64
	return &memDirectory{now: func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }}
}

func (d *memDirectory) FindCustomersByEmail(ctx context.Context, email string) ([]dedupe.Customer, error) {
	if d.yield {
		runtime.Gosched()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.finds.Add(1)
	d.mu.Lock()
	defer d.mu.Unlock()
	out := []dedupe.Customer{}
	for _, c := range d.recs {
		if strings.EqualFold(c.Email, email) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (d *memDirectory) CreateCustomer(ctx context.Context, c dedupe.Customer) (dedupe.Customer, error) {
	if d.yield {
		runtime.Gosched()
	}
	if err := ctx.Err(); err != nil {
		return dedupe.Customer{}, err
	}
	d.creates.Add(1)
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range d.recs {
		if strings.EqualFold(r.Email, c.Email) {
			d.duplicates.Add(1)
			// The address in the message, as real ERPs do: the Resolver must
			// keep it out of its own error text.
			return dedupe.Customer{}, fmt.Errorf("customer %s already exists as %s: %w", c.Email, r.ID, dedupe.ErrDuplicateEmail)
		}
	}
	return d.insertLocked(c), nil
}

// seed stores c without the uniqueness check, as a legacy system did.
func (d *memDirectory) seed(c dedupe.Customer) dedupe.Customer {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.insertLocked(c)
}

func (d *memDirectory) insertLocked(c dedupe.Customer) dedupe.Customer {
	if c.ID == "" {
		d.nextID++
		c.ID = fmt.Sprintf("CUST-%04d", d.nextID)
	}
	if c.Created.IsZero() {
		c.Created = d.now()
	}
	d.recs = append(d.recs, c)
	return c
}

func (d *memDirectory) records() []dedupe.Customer {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]dedupe.Customer(nil), d.recs...)
}

func (d *memDirectory) byID(id string) (dedupe.Customer, bool) {
	for _, c := range d.records() {
		if c.ID == id {
			return c, true
		}
	}
	return dedupe.Customer{}, false
}

// updatingDirectory is a memDirectory that also implements CustomerUpdater.
type updatingDirectory struct{ *memDirectory }

func (d updatingDirectory) UpdateCustomer(ctx context.Context, c dedupe.Customer) (dedupe.Customer, error) {
	if err := ctx.Err(); err != nil {
		return dedupe.Customer{}, err
	}
	d.updateCalls.Add(1)
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, r := range d.recs {
		if r.ID == c.ID {
			c.Email, c.Created = r.Email, r.Created
			d.recs[i] = c
			return c, nil
		}
	}
	return dedupe.Customer{}, errors.New("no customer " + c.ID)
}

// funcDirectory wraps a Directory with hooks, for failures and interleavings.
type funcDirectory struct {
	dedupe.Directory
	find   func(ctx context.Context, email string) ([]dedupe.Customer, error)
	create func(ctx context.Context, c dedupe.Customer) (dedupe.Customer, error)
}

func (d funcDirectory) FindCustomersByEmail(ctx context.Context, email string) ([]dedupe.Customer, error) {
	if d.find != nil {
		return d.find(ctx, email)
	}
	return d.Directory.FindCustomersByEmail(ctx, email)
}

func (d funcDirectory) CreateCustomer(ctx context.Context, c dedupe.Customer) (dedupe.Customer, error) {
	if d.create != nil {
		return d.create(ctx, c)
	}
	return d.Directory.CreateCustomer(ctx, c)
}

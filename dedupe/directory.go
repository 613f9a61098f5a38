package dedupe

import (
	"context"
	"errors"
	"time"
)

// ErrDuplicateEmail is what a Directory returns (wrapped or as is) when it
// refuses to create a customer because one with the same email exists. Most
// ERPs and CRMs enforce this; the Resolver recovers from it by looking the
// email up again and matching.
var ErrDuplicateEmail = errors.New("dedupe: a customer with this email already exists")

// Customer is a customer record in the master system (the ERP or CRM).
type Customer struct {
	// ID is the master system's id; empty on a record not yet created.
	ID string
	// Email is the address as the master system stores it.
	Email string
	// CustomerNo is the SFCC customer number of a registered customer; empty
	// for a record created from a guest checkout.
	CustomerNo string
	// Registered is true when the record belongs to a registered SFCC
	// customer. Guest data never overwrites a registered record.
	Registered bool
	FirstName  string
	LastName   string
	Phone      string
	Address    Address
	// Created is when the master system created the record (UTC).
	Created time.Time
}

// Address is a customer's postal address as the master system holds it.
type Address struct {
	Line1       string
	Line2       string
	City        string
	PostalCode  string
	StateCode   string
	CountryCode string
}

// Directory is the master system's customer store as the Resolver needs it.
// erp.Customers satisfies it, so any ERP adapter can serve as a Directory.
//
// Implementations must be safe for concurrent use.
type Directory interface {
	// FindCustomersByEmail returns every record whose email equals email
	// ignoring case (there may be several in a system with legacy
	// duplicates), or an empty slice and nil when there is none.
	FindCustomersByEmail(ctx context.Context, email string) ([]Customer, error)
	// CreateCustomer creates c and returns it with its ID and Created set.
	// If a record with the same email (ignoring case) exists it returns an
	// error for which errors.Is(err, ErrDuplicateEmail) is true.
	CreateCustomer(ctx context.Context, c Customer) (Customer, error)
}

// CustomerUpdater is an optional interface a Directory may implement. The
// Resolver uses it for one thing only: when a registered customer's order
// finds nothing but a guest record for its email (the shopper checked out as
// a guest before registering), it turns that record into the registered
// customer's record, setting Registered, CustomerNo and the registered
// order's name, phone and address. It is never called with guest data, and
// never on a record that is already registered, so guest checkouts cannot
// overwrite a registered record.
//
// A Directory without it leaves such guest records as they are: the
// registered order is matched to the guest record, and each later registered
// order of that customer looks the record up again rather than trusting the
// cache.
type CustomerUpdater interface {
	// UpdateCustomer replaces the stored fields of the record c.ID with c
	// (its Email unchanged) and returns the record as stored.
	UpdateCustomer(ctx context.Context, c Customer) (Customer, error)
}

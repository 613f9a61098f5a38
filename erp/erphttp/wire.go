package erphttp

import (
	"time"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
)

// customerJSON is erp.Customer on the wire (dedupe.Customer has no json tags).
type customerJSON struct {
	ID         string      `json:"id,omitempty"`
	Email      string      `json:"email"`
	CustomerNo string      `json:"customer_no,omitempty"`
	Registered bool        `json:"registered"`
	FirstName  string      `json:"first_name,omitempty"`
	LastName   string      `json:"last_name,omitempty"`
	Phone      string      `json:"phone,omitempty"`
	Address    addressJSON `json:"address"`
	Created    time.Time   `json:"created,omitzero"`
}

type addressJSON struct {
	Line1       string `json:"line1,omitempty"`
	Line2       string `json:"line2,omitempty"`
	City        string `json:"city,omitempty"`
	PostalCode  string `json:"postal_code,omitempty"`
	StateCode   string `json:"state_code,omitempty"`
	CountryCode string `json:"country_code,omitempty"`
}

type customerList struct {
	Customers []customerJSON `json:"customers"`
}

func toWire(c erp.Customer) customerJSON {
	a := c.Address
	return customerJSON{
		ID: c.ID, Email: c.Email, CustomerNo: c.CustomerNo, Registered: c.Registered,
		FirstName: c.FirstName, LastName: c.LastName, Phone: c.Phone,
		Address: addressJSON{Line1: a.Line1, Line2: a.Line2, City: a.City, PostalCode: a.PostalCode, StateCode: a.StateCode, CountryCode: a.CountryCode},
		Created: c.Created,
	}
}

func fromWire(c customerJSON) erp.Customer {
	a := c.Address
	return erp.Customer{
		ID: c.ID, Email: c.Email, CustomerNo: c.CustomerNo, Registered: c.Registered,
		FirstName: c.FirstName, LastName: c.LastName, Phone: c.Phone,
		Address: dedupe.Address{Line1: a.Line1, Line2: a.Line2, City: a.City, PostalCode: a.PostalCode, StateCode: a.StateCode, CountryCode: a.CountryCode},
		Created: c.Created,
	}
}

// errorBody is the one error document of the API.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Key     string `json:"key,omitempty"`
	Field   string `json:"field,omitempty"`
}

// Error codes of the API (see the package documentation).
const (
	CodeNotFound          = "not_found"
	CodeDuplicateCustomer = "duplicate_customer"
	CodeConflict          = "conflict"
	CodeInvalid           = "invalid"
	CodeUnbalanced        = "unbalanced"
	CodeUnavailable       = "unavailable"
	CodeUnauthorized      = "unauthorized"
	CodeBadRequest        = "bad_request"
	CodeTooLarge          = "too_large"
	CodeMethodNotAllowed  = "method_not_allowed"
	CodeInternal          = "internal"
)

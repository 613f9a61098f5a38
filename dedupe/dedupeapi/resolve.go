// Package dedupeapi serves customer resolution over HTTP for o2c's
// connector API:
//
//	POST /v1/customers/resolve
//
// takes an order's customer (email, SFCC customer number, guest or
// registered, name, phone, address) and answers the master system's
// customer id: an existing record when one has the email, else a new one —
// never two for one email, however often or concurrently the same customer
// is sent (the Resolver's claim store holds that across processes). The
// answer carries no personal data back; findings (merge candidates,
// customer-number conflicts) are described without it.
package dedupeapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/internal/httpapi"
)

// DefaultMaxBody bounds a request body.
const DefaultMaxBody = 64 << 10

// Config configures the resolve handler.
type Config struct {
	// Resolver finds or creates the customer; required.
	Resolver *dedupe.Resolver
	// Transient reports whether a Directory error means the master system
	// is unavailable for now (answered 503 with Retry-After) rather than a
	// refusal (500); default: none is. A host on an erp adapter passes
	// erp.Transient.
	Transient func(error) bool
	// MaxBody bounds the request; default DefaultMaxBody.
	MaxBody int64
	// Logger receives unexpected failures; nil discards.
	Logger *slog.Logger
}

// ConfigError names a Config field that is unusable.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string {
	return "dedupeapi: invalid config: " + e.Field + ": " + e.Reason
}

func (c *Config) setDefaults() {
	if c.Transient == nil {
		c.Transient = func(error) bool { return false }
	}
	if c.MaxBody == 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports the first unusable field.
func (c Config) Validate() error {
	if c.Resolver == nil {
		return &ConfigError{Field: "Resolver", Reason: "required"}
	}
	if c.MaxBody < 0 {
		return &ConfigError{Field: "MaxBody", Reason: "negative"}
	}
	return nil
}

// ResolveRequest is the body of POST /v1/customers/resolve.
type ResolveRequest struct {
	// OrderNo names the order in findings and errors; required.
	OrderNo string `json:"order_no"`
	// Email is the address as the shopper gave it; required.
	Email string `json:"email"`
	// CustomerNo is the SFCC customer number of a registered customer.
	CustomerNo string `json:"customer_no,omitempty"`
	// Guest is true for a guest checkout.
	Guest     bool    `json:"guest"`
	FirstName string  `json:"first_name,omitempty"`
	LastName  string  `json:"last_name,omitempty"`
	Phone     string  `json:"phone,omitempty"`
	Address   Address `json:"address,omitzero"`
}

// Address is a postal address.
type Address struct {
	Line1       string `json:"line1,omitempty"`
	Line2       string `json:"line2,omitempty"`
	City        string `json:"city,omitempty"`
	PostalCode  string `json:"postal_code,omitempty"`
	StateCode   string `json:"state_code,omitempty"`
	CountryCode string `json:"country_code,omitempty"`
}

// ResolveResponse is the answer.
type ResolveResponse struct {
	// CustomerID is the master record's id.
	CustomerID string `json:"customer_id"`
	// Outcome is "matched", "created" or "linked".
	Outcome string `json:"outcome"`
	// Recovered is true when another process created the record first and
	// this resolve matched it.
	Recovered bool `json:"recovered"`
	// Findings are for a person to look at; the customer was resolved.
	Findings []Finding `json:"findings"`
}

// Finding is a merge candidate or a customer-number conflict.
type Finding struct {
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

// NewHandler returns the handler of POST /v1/customers/resolve.
func NewHandler(cfg Config) (http.Handler, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &handler{cfg: cfg}, nil
}

type handler struct{ cfg Config }

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		httpapi.WriteError(w, r, h.cfg.Logger, &httpapi.Problem{Type: httpapi.ProblemType + "method_not_allowed",
			Title: http.StatusText(http.StatusMethodNotAllowed), Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Detail: "use POST"})
		return
	}
	var req ResolveRequest
	if err := httpapi.DecodeJSON(w, r, &req, h.cfg.MaxBody); err != nil {
		httpapi.WriteError(w, r, h.cfg.Logger, err)
		return
	}
	switch {
	case strings.TrimSpace(req.OrderNo) == "":
		httpapi.WriteError(w, r, h.cfg.Logger, httpapi.Invalid("order_no", "", "order_no is required: it names the order in findings and errors"))
		return
	case strings.TrimSpace(req.Email) == "":
		httpapi.WriteError(w, r, h.cfg.Logger, httpapi.Invalid("email", req.OrderNo, "email is required: customers are matched by it"))
		return
	}
	res, err := h.cfg.Resolver.Resolve(r.Context(), dedupe.OrderCustomer{
		OrderNo: req.OrderNo, Email: req.Email, CustomerNo: req.CustomerNo, Guest: req.Guest,
		FirstName: req.FirstName, LastName: req.LastName, Phone: req.Phone,
		Address: dedupe.Address{Line1: req.Address.Line1, Line2: req.Address.Line2, City: req.Address.City,
			PostalCode: req.Address.PostalCode, StateCode: req.Address.StateCode, CountryCode: req.Address.CountryCode},
	})
	if err != nil {
		httpapi.WriteError(w, r, h.cfg.Logger, h.problem(req.OrderNo, err))
		return
	}
	resp := ResolveResponse{CustomerID: res.CustomerID, Outcome: res.Outcome.String(), Recovered: res.Recovered, Findings: []Finding{}}
	for _, f := range res.Findings {
		resp.Findings = append(resp.Findings, Finding{Kind: f.Kind(), Detail: f.String()})
	}
	httpapi.WriteJSON(w, http.StatusOK, resp)
}

// problem maps a resolve failure: an unusable email is the caller's to fix
// (422), an unavailable master system is retryable (503), anything else is
// a failure of the master system's (500, logged; its text may name the
// customer, so it stays out of the answer).
func (h *handler) problem(orderNo string, err error) error {
	switch {
	case errors.Is(err, dedupe.ErrInvalidEmail):
		var ie *dedupe.InvalidEmailError
		detail := "email is not an address customers can be matched by"
		if errors.As(err, &ie) {
			detail = ie.Error()
		}
		return httpapi.Invalid("email", orderNo, detail)
	case h.cfg.Transient(err):
		return httpapi.Unavailable(orderNo, "the customer master is unavailable; send the same request again", 0)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return httpapi.Unavailable(orderNo, "the request ended before the customer was resolved", 0)
	}
	return err
}

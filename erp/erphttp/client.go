package erphttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/internal/ctxwait"
	"github.com/o2ckit/o2c/internal/logging"
	"github.com/o2ckit/o2c/internal/redact"
	"github.com/o2ckit/o2c/sfcc"
)

// Client defaults.
const (
	// DefaultMaxRetries is how often Client repeats a call that ended in
	// erp.ErrUnavailable.
	DefaultMaxRetries = 3
	// DefaultRetryWaitMin and DefaultRetryWaitMax bound the backoff
	// between attempts (doubling from the minimum); a longer Retry-After
	// from the server wins, capped at DefaultRetryWaitMax.
	DefaultRetryWaitMin = 200 * time.Millisecond
	DefaultRetryWaitMax = 10 * time.Second
	// DefaultTimeout is the timeout of the *http.Client made when Config
	// has none.
	DefaultTimeout = 30 * time.Second
	// maxErrorBody caps how much of an error answer is read.
	maxErrorBody = 64 << 10
	// maxBody caps how much of a success answer is read.
	maxBody = 32 << 20
)

// Config configures NewClient.
type Config struct {
	// BaseURL is where the API is mounted, e.g. "http://127.0.0.1:8700/erp".
	// Required; http or https.
	BaseURL string
	// HTTPClient sends the requests; it is used as is (never modified).
	// Default: a client with DefaultTimeout.
	HTTPClient *http.Client
	// Token, when set, is sent as a bearer token on every request.
	Token sfcc.SecretSource
	// MaxRetries is how often a call that ended in erp.ErrUnavailable is
	// repeated; 0 means DefaultMaxRetries, a negative value disables
	// retries.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the waits between attempts.
	RetryWaitMin, RetryWaitMax time.Duration
	// Sleep waits between attempts; default a timer that ends early with
	// ctx. Tests inject one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger gets one debug line per retried attempt; nil discards.
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: DefaultTimeout}
	}
	switch {
	case c.MaxRetries == 0:
		c.MaxRetries = DefaultMaxRetries
	case c.MaxRetries < 0:
		c.MaxRetries = 0
	}
	if c.RetryWaitMin <= 0 {
		c.RetryWaitMin = DefaultRetryWaitMin
	}
	if c.RetryWaitMax <= 0 {
		c.RetryWaitMax = DefaultRetryWaitMax
	}
	if c.Sleep == nil {
		c.Sleep = ctxwait.Sleep
	}
	c.Logger = logging.OrDiscard(c.Logger)
}

// Validate reports the first unusable field.
func (c Config) Validate() error {
	u, err := url.Parse(c.BaseURL)
	switch {
	case c.BaseURL == "":
		return &ConfigError{Field: "BaseURL", Reason: "is required"}
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return &ConfigError{Field: "BaseURL", Reason: "must be an absolute http or https URL"}
	case u.User != nil:
		return &ConfigError{Field: "BaseURL", Reason: "must not carry credentials (use Token)"}
	case c.RetryWaitMin > c.RetryWaitMax:
		return &ConfigError{Field: "RetryWaitMin", Reason: "exceeds RetryWaitMax"}
	}
	return nil
}

// Client is erp.Customers, erp.SalesOrders and erp.Ledger over the API. It
// is safe for concurrent use.
type Client struct {
	cfg  Config
	base string
}

var (
	_ erp.Customers   = (*Client)(nil)
	_ erp.SalesOrders = (*Client)(nil)
	_ erp.Ledger      = (*Client)(nil)
)

// NewClient validates cfg and returns a Client.
func NewClient(cfg Config) (*Client, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/")}, nil
}

// FindCustomersByEmail implements erp.Customers.
func (c *Client) FindCustomersByEmail(ctx context.Context, email string) ([]erp.Customer, error) {
	var out customerList
	if err := c.do(ctx, "FindCustomersByEmail", redact.Email(email), http.MethodGet, "/v1/customers?email="+url.QueryEscape(email), nil, &out); err != nil {
		return nil, err
	}
	cs := make([]erp.Customer, 0, len(out.Customers))
	for _, w := range out.Customers {
		cs = append(cs, fromWire(w))
	}
	return cs, nil
}

// CreateCustomer implements erp.Customers. A retry after a lost answer
// finds the record the first attempt made and ends in
// erp.ErrDuplicateCustomer.
func (c *Client) CreateCustomer(ctx context.Context, cust erp.Customer) (erp.Customer, error) {
	var out customerJSON
	if err := c.do(ctx, "CreateCustomer", redact.Email(cust.Email), http.MethodPost, "/v1/customers", toWire(cust), &out); err != nil {
		return erp.Customer{}, err
	}
	return fromWire(out), nil
}

// GetCustomer implements erp.Customers.
func (c *Client) GetCustomer(ctx context.Context, id string) (erp.Customer, error) {
	var out customerJSON
	if err := c.do(ctx, "GetCustomer", id, http.MethodGet, "/v1/customers/"+url.PathEscape(id), nil, &out); err != nil {
		return erp.Customer{}, err
	}
	return fromWire(out), nil
}

// CreateSalesOrder implements erp.SalesOrders with a PUT to the external
// reference, so a repeat is the same request.
func (c *Client) CreateSalesOrder(ctx context.Context, so erp.SalesOrder) (erp.SalesOrder, error) {
	if so.ExternalRef == "" {
		return erp.SalesOrder{}, &Error{Op: "CreateSalesOrder", Status: http.StatusUnprocessableEntity, Code: CodeInvalid, Field: "external_ref",
			Message: "sales order without an external reference"}
	}
	var out erp.SalesOrder
	if err := c.do(ctx, "CreateSalesOrder", so.ExternalRef, http.MethodPut, "/v1/sales_orders/"+url.PathEscape(so.ExternalRef), so, &out); err != nil {
		return erp.SalesOrder{}, err
	}
	return out, nil
}

// GetSalesOrder implements erp.SalesOrders.
func (c *Client) GetSalesOrder(ctx context.Context, externalRef string) (erp.SalesOrder, error) {
	var out erp.SalesOrder
	if err := c.do(ctx, "GetSalesOrder", externalRef, http.MethodGet, "/v1/sales_orders/"+url.PathEscape(externalRef), nil, &out); err != nil {
		return erp.SalesOrder{}, err
	}
	return out, nil
}

// PostJournal implements erp.Ledger with a PUT to the journal reference.
func (c *Client) PostJournal(ctx context.Context, j erp.JournalEntry) (erp.JournalEntry, error) {
	if j.Reference == "" {
		return erp.JournalEntry{}, &Error{Op: "PostJournal", Status: http.StatusUnprocessableEntity, Code: CodeInvalid, Field: "reference",
			Message: "journal without a reference"}
	}
	var out erp.JournalEntry
	if err := c.do(ctx, "PostJournal", j.Reference, http.MethodPut, "/v1/journals/"+url.PathEscape(j.Reference), j, &out); err != nil {
		return erp.JournalEntry{}, err
	}
	return out, nil
}

// GetJournal implements erp.Ledger.
func (c *Client) GetJournal(ctx context.Context, reference string) (erp.JournalEntry, error) {
	var out erp.JournalEntry
	if err := c.do(ctx, "GetJournal", reference, http.MethodGet, "/v1/journals/"+url.PathEscape(reference), nil, &out); err != nil {
		return erp.JournalEntry{}, err
	}
	return out, nil
}

// do runs one call, repeating it while it ends in erp.ErrUnavailable.
func (c *Client) do(ctx context.Context, op, key, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return &Error{Op: op, Key: key, Status: http.StatusUnprocessableEntity, Code: CodeInvalid, Message: "encoding the request: " + err.Error()}
		}
	}
	wait := c.cfg.RetryWaitMin
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("erphttp: %s %s: %w", op, key, err)
		}
		err := c.once(ctx, op, key, method, path, body, out)
		if err == nil {
			return nil
		}
		var e *Error
		if !errors.As(err, &e) {
			return err // the context's error
		}
		e.Attempts = attempt
		if !errors.Is(e, erp.ErrUnavailable) || attempt > c.cfg.MaxRetries {
			return e
		}
		d := max(wait, min(e.RetryAfter, c.cfg.RetryWaitMax))
		wait = min(2*wait, c.cfg.RetryWaitMax)
		c.cfg.Logger.Debug("erp call will be retried", slog.String("op", op), slog.String("key", key),
			slog.Int("attempt", attempt), slog.Duration("wait", d), slog.String("err", e.Error()))
		if err := c.cfg.Sleep(ctx, d); err != nil {
			return fmt.Errorf("erphttp: %s %s: %w", op, key, err)
		}
	}
}

// once sends one request and turns its answer into out or an error.
func (c *Client) once(ctx context.Context, op, key, method, path string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return &Error{Op: op, Key: key, Status: http.StatusBadRequest, Code: CodeBadRequest, Message: "building the request failed"}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cfg.Token != nil {
		tok, err := c.cfg.Token.Secret(ctx)
		if err != nil {
			return &Error{Op: op, Key: key, Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "no token: " + err.Error()}
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			// The caller gave up: the outcome is unknown, and a retry
			// with the same key is safe.
			return fmt.Errorf("erphttp: %s %s: %w", op, key, ctxErr)
		}
		return &Error{Op: op, Key: key, Code: CodeUnavailable, Message: transportMessage(err), err: errors.Unwrap(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		if err != nil {
			// The answer was cut off: as lost as one never sent.
			return &Error{Op: op, Key: key, Code: CodeUnavailable, Message: "reading the answer: " + transportMessage(err)}
		}
		if err := json.Unmarshal(b, out); err != nil {
			return &Error{Op: op, Key: key, Status: http.StatusBadGateway, Code: CodeInternal, Message: "the answer is not the expected JSON: " + err.Error()}
		}
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var eb errorBody
	_ = json.Unmarshal(b, &eb)
	e := &Error{Op: op, Key: key, Status: resp.StatusCode, Code: eb.Error.Code, Message: eb.Error.Message, Field: eb.Error.Field}
	if eb.Error.Key != "" {
		e.Key = eb.Error.Key
	}
	if e.Code == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	return e
}

// transportMessage describes a transport error without the URL (which
// net/http puts into *url.Error and which may carry a query with an email).
func transportMessage(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

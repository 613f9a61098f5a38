package wmshttp

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

	"github.com/o2ckit/o2c/internal/ctxwait"
	"github.com/o2ckit/o2c/internal/logging"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/wms"
)

// Client defaults.
const (
	DefaultMaxRetries   = 3
	DefaultRetryWaitMin = 200 * time.Millisecond
	DefaultRetryWaitMax = 10 * time.Second
	DefaultTimeout      = 30 * time.Second
	maxBody             = 32 << 20
	maxErrorBody        = 64 << 10
)

// ErrUnavailable is matched by an *Error for a 5xx, a 429 or an answer
// that never arrived: the call may be repeated.
var ErrUnavailable = errors.New("wmshttp: WMS temporarily unavailable")

// ErrUnauthorized is matched by an *Error for a 401.
var ErrUnauthorized = errors.New("wmshttp: unauthorized")

// Error is a call the API refused or never answered.
type Error struct {
	// Op is the method, e.g. "Confirmations".
	Op string
	// Status is the HTTP status; 0 when no answer arrived.
	Status int
	// Code, Message, Key and Field are the error body's.
	Code, Message, Key, Field string
	// RetryAfter is the server's Retry-After, zero when it sent none.
	RetryAfter time.Duration
	// Attempts is how many requests the call made.
	Attempts         int
	transportOutcome error
}

// Error describes the failure; it never carries a token.
func (e *Error) Error() string {
	s := "wmshttp: " + e.Op
	if e.Status == 0 {
		s += ": no answer"
	} else {
		s += fmt.Sprintf(": %d %s", e.Status, e.Code)
	}
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

// Unwrap returns the transport error of a lost answer.
func (e *Error) Unwrap() error { return e.transportOutcome }

// Is matches ErrUnavailable and ErrUnauthorized.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnavailable:
		return e.Status == 0 || e.Status >= 500 || e.Status == http.StatusTooManyRequests
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	}
	return false
}

// ConfigError reports a Config or HandlerConfig field that is unusable.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string { return "wmshttp: invalid config: " + e.Field + ": " + e.Reason }

// Config configures NewClient.
type Config struct {
	// BaseURL is where the API is mounted, e.g. "http://127.0.0.1:8700/wms".
	BaseURL string
	// HTTPClient sends the requests, used as is. Default: one with DefaultTimeout.
	HTTPClient *http.Client
	// Token, when set, is sent as a bearer token.
	Token sfcc.SecretSource
	// MaxRetries: 0 means DefaultMaxRetries, negative disables retries.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the waits between attempts.
	RetryWaitMin, RetryWaitMax time.Duration
	// Sleep waits between attempts; tests inject one that returns at once.
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

// Client is a wms.ConfirmationSource and wms.LevelSource over the API. It
// is safe for concurrent use.
type Client struct {
	cfg  Config
	base string
}

var (
	_ wms.ConfirmationSource = (*Client)(nil)
	_ wms.LevelSource        = (*Client)(nil)
)

// NewClient validates cfg and returns a Client.
func NewClient(cfg Config) (*Client, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/")}, nil
}

// Confirmations implements wms.ConfirmationSource.
func (c *Client) Confirmations(ctx context.Context, max int) ([]wms.ShipmentConfirmation, error) {
	var out confirmationList
	if err := c.do(ctx, "Confirmations", http.MethodGet, "/v1/confirmations?max="+strconv.Itoa(max), nil, &out); err != nil {
		return nil, err
	}
	cs := make([]wms.ShipmentConfirmation, 0, len(out.Confirmations))
	for _, w := range out.Confirmations {
		cs = append(cs, confirmationFromWire(w))
	}
	return cs, nil
}

// AckConfirmations implements wms.ConfirmationSource.
func (c *Client) AckConfirmations(ctx context.Context, cs ...wms.ShipmentConfirmation) error {
	in := confirmationList{Confirmations: make([]confirmationJSON, 0, len(cs))}
	for _, x := range cs {
		in.Confirmations = append(in.Confirmations, confirmationJSON{OrderNo: x.OrderNo, EventID: x.EventID})
	}
	return c.do(ctx, "AckConfirmations", http.MethodPost, "/v1/confirmations/ack", in, nil)
}

// Levels implements wms.LevelSource.
func (c *Client) Levels(ctx context.Context, max int) ([]wms.StockLevel, error) {
	var out levelList
	if err := c.do(ctx, "Levels", http.MethodGet, "/v1/levels?max="+strconv.Itoa(max), nil, &out); err != nil {
		return nil, err
	}
	ls := make([]wms.StockLevel, 0, len(out.Levels))
	for _, w := range out.Levels {
		ls = append(ls, levelFromWire(w))
	}
	return ls, nil
}

// AckLevels implements wms.LevelSource.
func (c *Client) AckLevels(ctx context.Context, ls ...wms.StockLevel) error {
	in := levelList{Levels: make([]levelJSON, 0, len(ls))}
	for _, l := range ls {
		in.Levels = append(in.Levels, levelToWire(l))
	}
	return c.do(ctx, "AckLevels", http.MethodPost, "/v1/levels/ack", in, nil)
}

func (c *Client) do(ctx context.Context, op, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("wmshttp: %s: encoding the request: %w", op, err)
		}
	}
	wait := c.cfg.RetryWaitMin
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("wmshttp: %s: %w", op, err)
		}
		err := c.once(ctx, op, method, path, body, out)
		if err == nil {
			return nil
		}
		var e *Error
		if !errors.As(err, &e) {
			return err
		}
		e.Attempts = attempt
		if !errors.Is(e, ErrUnavailable) || attempt > c.cfg.MaxRetries {
			return e
		}
		d := max(wait, min(e.RetryAfter, c.cfg.RetryWaitMax))
		wait = min(2*wait, c.cfg.RetryWaitMax)
		c.cfg.Logger.Debug("wms call will be retried", slog.String("op", op), slog.Int("attempt", attempt),
			slog.Duration("wait", d), slog.String("err", e.Error()))
		if err := c.cfg.Sleep(ctx, d); err != nil {
			return fmt.Errorf("wmshttp: %s: %w", op, err)
		}
	}
}

func (c *Client) once(ctx context.Context, op, method, path string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return fmt.Errorf("wmshttp: %s: building the request failed", op)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cfg.Token != nil {
		tok, err := c.cfg.Token.Secret(ctx)
		if err != nil {
			return &Error{Op: op, Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "no token: " + err.Error()}
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("wmshttp: %s: %w", op, ctxErr)
		}
		msg := err.Error()
		var ue *url.Error
		if errors.As(err, &ue) {
			msg = ue.Op + ": " + ue.Err.Error()
		}
		return &Error{Op: op, Code: CodeUnavailable, Message: msg, transportOutcome: errors.Unwrap(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
			return nil
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		if err != nil {
			return &Error{Op: op, Code: CodeUnavailable, Message: "reading the answer: " + err.Error()}
		}
		if err := json.Unmarshal(b, out); err != nil {
			return &Error{Op: op, Status: http.StatusBadGateway, Code: CodeInternal, Message: "the answer is not the expected JSON: " + err.Error()}
		}
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var eb errorBody
	_ = json.Unmarshal(b, &eb)
	e := &Error{Op: op, Status: resp.StatusCode, Code: eb.Error.Code, Message: eb.Error.Message, Key: eb.Error.Key, Field: eb.Error.Field}
	if e.Code == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	return e
}

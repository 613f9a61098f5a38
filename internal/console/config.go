package console

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/o2ckit/o2c/docs"
	"github.com/o2ckit/o2c/reconcile"
)

// Defaults of Config.
const (
	// DefaultBasePath is where the host mounts the console.
	DefaultBasePath = "/console/"
	// DefaultSLAOperations is how long operations has for an exception:
	// stuck shipments and unreachable systems hold up customers' parcels
	// and every flow, so they are worked the same day.
	DefaultSLAOperations = 24 * time.Hour
	// DefaultSLAEcommerce is how long ecommerce has: a failed SFCC update
	// or a customer record to merge is visible to customers but does not
	// block money or goods.
	DefaultSLAEcommerce = 48 * time.Hour
	// DefaultSLAFinance is how long finance has: settlement differences
	// and rejected orders are cleared before the books of the week close,
	// and a provider often needs a few working days to answer.
	DefaultSLAFinance = 5 * 24 * time.Hour
	// MinSecretLen is the shortest accepted Config.Secret.
	MinSecretLen = 16
	// MaxNote bounds a resolution note, in bytes.
	MaxNote = 4000
	// MaxListed bounds the open exceptions listed per owner on the
	// overview; all of them are counted.
	MaxListed = 500
)

// FlowState is what the host reports about one of its flows (the export,
// fulfilment, stock, settlement), shown on the overview.
type FlowState struct {
	// Name is the flow's name, e.g. "order export".
	Name string
	// LastRun is when the flow last completed a run; zero means never.
	LastRun time.Time
	// Backlog is how many items wait to be processed.
	Backlog int
	// Lag is the age of the oldest waiting item.
	Lag time.Duration
	// Failures counts items that failed and wait for a retry or a person.
	Failures int
}

// SLA is how long an exception may stay open before it is overdue: a
// kind's entry wins over its owner's.
type SLA struct {
	// ByOwner maps an owner to its time; owners not listed get
	// DefaultSLAFinance, DefaultSLAOperations or DefaultSLAEcommerce
	// (unknown owners get the operations time).
	ByOwner map[reconcile.Owner]time.Duration
	// ByKind maps a kind to its time, e.g. a shorter one for
	// system-unavailable.
	ByKind map[reconcile.Kind]time.Duration
}

// For is the time an exception of kind k owned by o has.
func (s SLA) For(o reconcile.Owner, k reconcile.Kind) time.Duration {
	if d, ok := s.ByKind[k]; ok {
		return d
	}
	if d, ok := s.ByOwner[o]; ok {
		return d
	}
	switch o {
	case reconcile.OwnerFinance:
		return DefaultSLAFinance
	case reconcile.OwnerEcommerce:
		return DefaultSLAEcommerce
	default:
		return DefaultSLAOperations
	}
}

// Config configures a Console.
type Config struct {
	// Store keeps the exceptions; required.
	Store reconcile.ExceptionStore
	// Flows reports the state of the host's flows; nil shows none.
	Flows func(ctx context.Context) ([]FlowState, error)
	// RetryExport exports an order to the ERP again (e.g. enqueues its
	// export job); nil hides "Retry export".
	RetryExport func(ctx context.Context, orderNo string) error
	// CanRetry says whether an exception is about an order's export and
	// which order; default DefaultCanRetry.
	CanRetry func(reconcile.ExceptionRecord) (orderNo string, ok bool)
	// LatestReport returns the latest settlement report as the
	// self-contained HTML page reconcile's Report.WriteHTML writes and when
	// it was made; ok is false when there is none yet. Nil hides the link.
	LatestReport func(ctx context.Context) (html []byte, at time.Time, ok bool, err error)
	// SLA is how long each owner or kind has; see SLA.For for defaults.
	SLA SLA
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Secret keys the tokens that protect the action forms against
	// cross-site requests; required, at least MinSecretLen bytes, random
	// and kept by the host (a new secret only invalidates open forms).
	Secret []byte
	// Logger receives failures of the store and the host's functions;
	// nil discards.
	Logger *slog.Logger
	// BasePath is the path the console is mounted at, with a leading and
	// a trailing slash; default DefaultBasePath.
	BasePath string
	// Guide is the Markdown whose "### <kind> — <owner>" sections explain
	// each kind; default docs.Operations.
	Guide []byte
}

// ConfigError names a Config field that is unusable.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string {
	return "console: invalid config: " + e.Field + ": " + e.Reason
}

func (c *Config) setDefaults() {
	if c.CanRetry == nil {
		c.CanRetry = DefaultCanRetry
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.BasePath == "" {
		c.BasePath = DefaultBasePath
	}
	if c.Guide == nil {
		c.Guide = docs.Operations
	}
}

// Validate reports the first unusable field.
func (c Config) Validate() error {
	switch {
	case c.Store == nil:
		return &ConfigError{Field: "Store", Reason: "required"}
	case len(c.Secret) < MinSecretLen:
		return &ConfigError{Field: "Secret", Reason: fmt.Sprintf("at least %d bytes are required", MinSecretLen)}
	case c.BasePath != "" && (!strings.HasPrefix(c.BasePath, "/") || !strings.HasSuffix(c.BasePath, "/") ||
		strings.ContainsAny(c.BasePath, "{}?#% ")):
		return &ConfigError{Field: "BasePath", Reason: fmt.Sprintf("%q: want a plain path with a leading and a trailing slash", c.BasePath)}
	}
	for o, d := range c.SLA.ByOwner {
		if d <= 0 {
			return &ConfigError{Field: "SLA.ByOwner", Reason: fmt.Sprintf("owner %q: %v is not positive", o, d)}
		}
	}
	for k, d := range c.SLA.ByKind {
		if d <= 0 {
			return &ConfigError{Field: "SLA.ByKind", Reason: fmt.Sprintf("kind %q: %v is not positive", k, d)}
		}
	}
	return nil
}

// DefaultCanRetry offers "Retry export" for erp-order-rejected and
// system-unavailable exceptions whose key is an order number: up to 50
// letters, digits, '-', '_' or '.'. That leaves out the keys of the same
// kinds that are not orders, such as a settlement journal reference
// ("settlement:…") or a step name ("SFCC order search").
func DefaultCanRetry(r reconcile.ExceptionRecord) (string, bool) {
	if r.Kind != reconcile.KindERPRejected && r.Kind != reconcile.KindSystemUnavailable {
		return "", false
	}
	if !isOrderNo(r.Key) {
		return "", false
	}
	return r.Key, true
}

func isOrderNo(s string) bool {
	if s == "" || len(s) > 50 {
		return false
	}
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

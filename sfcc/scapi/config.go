package scapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/o2ckit/o2c/internal/ctxwait"
	"github.com/o2ckit/o2c/internal/logging"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/internal/wire"
)

// Defaults applied by NewClient when a Config field is left zero.
const (
	// DefaultTokenURL is Account Manager's token endpoint (the Orders OAS's
	// AmOAuth2 clientCredentials tokenUrl).
	DefaultTokenURL     = "https://account.demandware.com/dwsso/oauth2/access_token"
	DefaultMaxRetries   = 4
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
	// DefaultMaxConcurrency sizes the default HTTP client's idle pool.
	DefaultMaxConcurrency = wire.DefaultMaxConcurrency
	// DefaultImportThreshold is the number of SKU changes above which
	// UpdateInventory sends one NDJSON import instead of batch calls.
	DefaultImportThreshold = 1000
	// DefaultImportPollInterval is the wait between import status polls.
	DefaultImportPollInterval = 5 * time.Second
	// DefaultImportMaxPolls bounds how often an import's status is polled
	// before UpdateInventory gives up waiting (the import may still finish).
	DefaultImportMaxPolls = 360
)

// Scopes of the Account Manager API client: the Orders OAS's AmOAuth2
// scopes and OCI's.
const (
	ScopeOrders                = "sfcc.orders"
	ScopeOrdersRW              = "sfcc.orders.rw"
	ScopeInventoryAvailability = "sfcc.inventory.availability.rw"
	ScopeInventoryImpex        = "sfcc.inventory.impex-inventory.rw"
)

// Config configures a Client. OrganizationID, SiteID, ClientID, Secret and
// one of ShortCode or BaseURL are required; InventoryGroupID is required for
// inventory calls only.
type Config struct {
	// ShortCode is the realm's eight-character short code: requests go to
	// https://{ShortCode}.api.commercecloud.salesforce.com.
	ShortCode string
	// BaseURL replaces the short-code host (a proxy, or the simulator).
	BaseURL string
	// OrganizationID is the Admin API organization, e.g. f_ecom_zzxy_prd;
	// its realm and instance ("zzxy_prd") are the tenant of the token scope.
	OrganizationID string
	// SiteID is the site the orders belong to (the siteId query parameter).
	SiteID string
	// InventoryGroupID is the OCI tenant group id, which OCI uses in place of
	// the organization id. Empty: inventory calls fail with a *ConfigError.
	InventoryGroupID string
	// ClientID is the Account Manager API client id.
	ClientID string
	// Secret supplies the API client's secret.
	Secret sfcc.SecretSource
	// TokenURL is the Account Manager token endpoint; default DefaultTokenURL.
	TokenURL string
	// Scopes are the API scopes requested with the token; default
	// sfcc.orders.rw, plus the OCI scopes when InventoryGroupID is set. The
	// tenant scope SALESFORCE_COMMERCE_API:<tenant> is always added.
	Scopes []string
	// HTTPClient is used for every request; it is copied, never mutated.
	// Default: a pool of MaxConcurrency idle connections per host and a
	// 60 s timeout.
	HTTPClient *http.Client
	// MaxConcurrency sizes the default HTTP client's idle pool to the
	// host's workers; default DefaultMaxConcurrency.
	MaxConcurrency int
	// Logger receives debug lines per request and warnings on retries; nil
	// discards. Tokens and secrets are never logged.
	Logger *slog.Logger
	// MeterProvider receives OpenTelemetry metrics of every HTTP attempt:
	// o2c.sfcc.requests (by method, route and status),
	// o2c.sfcc.request.duration and o2c.sfcc.load (the sfdc_load SFCC
	// reports). Nil records nothing; no global provider is used.
	MeterProvider metric.MeterProvider
	// TracerProvider receives one OpenTelemetry client span per API call
	// (a child of the span in the call's context), named "sfcc", the method
	// and the route template ("sfcc GET
	// /s/-/dw/data/v25_6/sites/{}/orders/{}"), with the method, route,
	// status code and retry count; token requests are child spans. No span
	// carries the token, the secret, a query or a body. Nil records
	// nothing; no global provider is used.
	TracerProvider trace.TracerProvider
	// RequestsPerSecond is a client-side rate limit; 0 means unlimited.
	RequestsPerSecond int
	// Burst is the rate limiter's burst; default RequestsPerSecond (at least 1).
	Burst int
	// MaxRetries is how often an idempotent request is retried; 0 means
	// DefaultMaxRetries and a negative value disables retries.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff between
	// retries; a Retry-After header overrides it.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// ImportThreshold: UpdateInventory with more SKU changes than this sends
	// one NDJSON import; up to it, batch calls of MaxBatchRecords.
	// Default DefaultImportThreshold.
	ImportThreshold int
	// ImportPollInterval and ImportMaxPolls pace the import status polls.
	ImportPollInterval time.Duration
	ImportMaxPolls     int
	// Sleep waits d (retries, rate limit, import polls), returning early
	// with ctx's error. Nil uses a timer; tests inject one.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock for token expiry, the rate limiter, Retry-After dates
	// and import effective dates; nil means time.Now.
	Now func() time.Time
}

// ErrInvalidConfig is matched (errors.Is) by every *ConfigError.
var ErrInvalidConfig = errors.New("scapi: invalid config")

// ConfigError reports a Config field NewClient rejected. Its text never
// repeats a configured value.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string { return "scapi: invalid config: " + e.Field + ": " + e.Reason }

// Is reports whether target is ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

var (
	// The Orders OAS's OrganizationId pattern.
	orgIDRe     = regexp.MustCompile(`^f_ecom_[a-z]{4}_(prd|stg|dev|s[0-9]{2}|[0-9]{3})$`)
	shortCodeRe = regexp.MustCompile(`^[A-Za-z0-9]{8}$`)
	plainIDRe   = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
)

// Tenant is the tenant of an organization id, as the token scope names it:
// "zzxy_prd" for f_ecom_zzxy_prd.
func Tenant(organizationID string) string { return strings.TrimPrefix(organizationID, "f_ecom_") }

// setDefaults fills zero fields.
func (cfg *Config) setDefaults() {
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultTokenURL
	}
	if cfg.BaseURL == "" && cfg.ShortCode != "" {
		cfg.BaseURL = "https://" + cfg.ShortCode + ".api.commercecloud.salesforce.com"
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{ScopeOrdersRW}
		if cfg.InventoryGroupID != "" {
			cfg.Scopes = append(cfg.Scopes, ScopeInventoryAvailability, ScopeInventoryImpex)
		}
	}
	if cfg.Burst == 0 {
		cfg.Burst = max(cfg.RequestsPerSecond, 1)
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	if cfg.MaxConcurrency == 0 {
		cfg.MaxConcurrency = DefaultMaxConcurrency
	}
	if cfg.ImportThreshold == 0 {
		cfg.ImportThreshold = DefaultImportThreshold
	}
	if cfg.ImportPollInterval == 0 {
		cfg.ImportPollInterval = DefaultImportPollInterval
	}
	if cfg.ImportMaxPolls == 0 {
		cfg.ImportMaxPolls = DefaultImportMaxPolls
	}
	if cfg.Sleep == nil {
		cfg.Sleep = ctxwait.Sleep
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Logger = logging.OrDiscard(cfg.Logger)
	cfg.HTTPClient = wire.OwnHTTPClient(cfg.HTTPClient, cfg.MaxConcurrency)
}

// Validate checks cfg as NewClient would (after defaults). The error is a
// *ConfigError naming the field.
func (cfg Config) Validate() error {
	c := cfg
	c.setDefaults()
	_, err := c.validate()
	return err
}

func (cfg *Config) validate() (*url.URL, error) {
	bad := func(field, reason string) (*url.URL, error) { return nil, &ConfigError{Field: field, Reason: reason} }
	if cfg.ShortCode != "" && !shortCodeRe.MatchString(cfg.ShortCode) {
		return bad("ShortCode", "want the realm's eight-character short code")
	}
	if cfg.BaseURL == "" {
		return bad("ShortCode", "required (or BaseURL)")
	}
	if reason, ok := wire.CheckURL(cfg.BaseURL); !ok {
		return bad("BaseURL", reason)
	}
	base, err := url.Parse(strings.TrimSpace(cfg.BaseURL))
	if err != nil || base.RawQuery != "" || base.Fragment != "" {
		return bad("BaseURL", "must be a plain http(s) URL without a query or fragment")
	}
	base.Path = strings.TrimRight(base.Path, "/")
	base.RawPath = ""
	if !orgIDRe.MatchString(cfg.OrganizationID) {
		return bad("OrganizationID", "want f_ecom_<realm>_<instance>, e.g. f_ecom_zzxy_prd")
	}
	if cfg.SiteID == "" || !plainIDRe.MatchString(cfg.SiteID) {
		return bad("SiteID", "required, a plain site id")
	}
	if cfg.InventoryGroupID != "" && !plainIDRe.MatchString(cfg.InventoryGroupID) {
		return bad("InventoryGroupID", "must be a plain id")
	}
	if cfg.ClientID == "" {
		return bad("ClientID", "required")
	}
	if cfg.Secret == nil {
		return bad("Secret", "required")
	}
	if reason, ok := wire.CheckURL(cfg.TokenURL); !ok {
		return bad("TokenURL", reason)
	}
	for _, s := range cfg.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n") {
			return bad("Scopes", "a scope is empty or contains white space")
		}
	}
	switch {
	case cfg.RequestsPerSecond < 0:
		return bad("RequestsPerSecond", "must not be negative")
	case cfg.Burst < 0:
		return bad("Burst", "must not be negative")
	case cfg.RetryWaitMin < 0:
		return bad("RetryWaitMin", "must not be negative")
	case cfg.RetryWaitMax < cfg.RetryWaitMin:
		return bad("RetryWaitMax", "must not be below RetryWaitMin")
	case cfg.MaxConcurrency < 0:
		return bad("MaxConcurrency", "must not be negative")
	case cfg.ImportThreshold < 0:
		return bad("ImportThreshold", "must not be negative")
	case cfg.ImportPollInterval < 0:
		return bad("ImportPollInterval", "must not be negative")
	case cfg.ImportMaxPolls < 0:
		return bad("ImportMaxPolls", "must not be negative")
	}
	return base, nil
}

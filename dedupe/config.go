package dedupe

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/o2ckit/o2c/internal/logging"
)

// Config configures a Resolver. Directory is required; the zero value of
// every other field is ready to use.
type Config struct {
	// Directory is the customer master the Resolver looks records up in and
	// creates them in.
	Directory Directory
	// Normalizer holds provider rules; the zero value applies none.
	Normalizer Normalizer
	// CacheSize bounds the match cache (entries). Zero means
	// DefaultCacheSize; a negative value turns the cache off.
	CacheSize int
	// CacheTTL is how long a match is trusted before the Directory is asked
	// again. It bounds how long a record merged or deleted in the master
	// system keeps being returned. Zero means DefaultCacheTTL.
	CacheTTL time.Duration
	// Now is the clock for cache expiry; nil means time.Now.
	Now func() time.Time
	// DuplicateAttempts bounds how many times a create rejected as a
	// duplicate is followed by a lookup (and, if that finds nothing, another
	// create) before the resolve fails with ErrDuplicateNotFound. Zero means
	// DefaultDuplicateAttempts.
	DuplicateAttempts int
	// Claims, when set, serialises resolves of one email across processes
	// sharing the store (see ClaimStore); nil serialises within this
	// Resolver only, and relies on the Directory's duplicate rejection.
	Claims ClaimStore
	// ClaimTTL is how long a claim holds before another process may take
	// it over; it must outlast a resolve. Zero means DefaultClaimTTL.
	ClaimTTL time.Duration
	// ClaimPoll is how often a resolve waiting for another process's claim
	// asks again. Zero means DefaultClaimPoll.
	ClaimPoll time.Duration
	// Logger receives debug and info events per resolve and warnings for
	// findings; nil discards. Emails are logged redacted.
	Logger *slog.Logger
}

// ErrInvalidConfig is matched (errors.Is) by every *ConfigError.
var ErrInvalidConfig = errors.New("dedupe: invalid config")

// ConfigError names the Config field NewResolver rejected.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string { return "dedupe: invalid config: " + e.Field + ": " + e.Reason }

// Is reports whether target is ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

func (c *Config) setDefaults() {
	if c.CacheSize == 0 {
		c.CacheSize = DefaultCacheSize
	}
	if c.CacheTTL == 0 {
		c.CacheTTL = DefaultCacheTTL
	}
	if c.DuplicateAttempts == 0 {
		c.DuplicateAttempts = DefaultDuplicateAttempts
	}
	if c.ClaimTTL == 0 {
		c.ClaimTTL = DefaultClaimTTL
	}
	if c.ClaimPoll == 0 {
		c.ClaimPoll = DefaultClaimPoll
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Logger = logging.OrDiscard(c.Logger)
}

// Validate reports the first missing or invalid field as a *ConfigError.
func (c Config) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &ConfigError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case c.Directory == nil:
		return bad("Directory", "required")
	case c.CacheTTL < 0:
		return bad("CacheTTL", "%v is negative", c.CacheTTL)
	case c.ClaimTTL < 0:
		return bad("ClaimTTL", "%v is negative", c.ClaimTTL)
	case c.ClaimPoll < 0:
		return bad("ClaimPoll", "%v is negative", c.ClaimPoll)
	case c.DuplicateAttempts < 0:
		return bad("DuplicateAttempts", "%d is negative", c.DuplicateAttempts)
	}
	if err := c.Normalizer.validate(); err != nil {
		return bad("Normalizer.PlusTagDomains", "%v", err)
	}
	return nil
}

// NewResolver validates cfg and returns a Resolver over its Directory.
func NewResolver(cfg Config) (*Resolver, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	// The caller keeps its slice; the Resolver reads its own copy.
	cfg.Normalizer.PlusTagDomains = slices.Clone(cfg.Normalizer.PlusTagDomains)
	return &Resolver{
		dir:         cfg.Directory,
		norm:        cfg.Normalizer,
		cache:       newMatchCache(cfg.CacheSize, cfg.CacheTTL, cfg.Now),
		locks:       newKeyLocks(),
		dupAttempts: cfg.DuplicateAttempts,
		log:         cfg.Logger,
		claims:      cfg.Claims,
		owner:       newOwner(),
		claimTTL:    cfg.ClaimTTL,
		claimPoll:   cfg.ClaimPoll,
		now:         cfg.Now,
	}, nil
}

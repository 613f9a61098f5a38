package dedupe

import (
	"testing"
	"time"
)

func TestConfig_DefaultsAreTheExportedConstants(t *testing.T) {
	var c Config
	c.setDefaults()
	if c.CacheSize != DefaultCacheSize || c.CacheTTL != DefaultCacheTTL || c.DuplicateAttempts != DefaultDuplicateAttempts ||
		c.ClaimTTL != DefaultClaimTTL || c.ClaimPoll != DefaultClaimPoll || c.Now == nil || c.Logger == nil {
		t.Errorf("defaults %+v", c)
	}
	// A value the caller set is kept; a negative CacheSize still turns the cache off.
	c = Config{CacheSize: -1, CacheTTL: time.Minute}
	c.setDefaults()
	if c.CacheSize != -1 || c.CacheTTL != time.Minute {
		t.Errorf("set values changed: %+v", c)
	}
}

package dedupetest_test

import (
	"testing"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/dedupe/dedupetest"
)

func TestMemoryClaimStore_PassesTheClaimStoreConformanceSuite(t *testing.T) {
	dedupetest.RunClaimStore(t, dedupetest.ClaimStoreFeatures{}, func(*testing.T) dedupe.ClaimStore { return dedupe.NewMemoryClaimStore() })
}

package reconciletest_test

import (
	"testing"

	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/reconciletest"
)

// A host's own stores prove themselves with the suites.
func ExampleRunStore() {
	_ = func(t *testing.T) {
		reconciletest.RunStore(t, reconciletest.StoreFeatures{}, func(*testing.T) reconcile.Store {
			return &reconcile.MemoryStore{}
		})
		reconciletest.RunExceptionStore(t, reconciletest.ExceptionStoreFeatures{}, func(*testing.T) reconcile.ExceptionStore {
			return &reconcile.MemoryExceptionStore{}
		})
	}
}

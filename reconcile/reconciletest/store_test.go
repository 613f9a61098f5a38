package reconciletest_test

import (
	"testing"

	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/reconciletest"
)

func TestMemoryStore_PassesTheStoreSuite(t *testing.T) {
	reconciletest.RunStore(t, reconciletest.StoreFeatures{}, func(*testing.T) reconcile.Store { return &reconcile.MemoryStore{} })
}

func TestFileStore_PassesTheStoreSuite(t *testing.T) {
	f := reconciletest.StoreFeatures{
		Reopen: func(t *testing.T, s reconcile.Store) reconcile.Store {
			return &reconcile.FileStore{Dir: s.(*reconcile.FileStore).Dir}
		},
		Release:       func(s reconcile.Store) { s.(*reconcile.FileStore).Unlock() },
		ExclusiveRuns: true,
	}
	reconciletest.RunStore(t, f, func(t *testing.T) reconcile.Store { return &reconcile.FileStore{Dir: t.TempDir()} })
}

func TestMemoryExceptionStore_PassesTheExceptionStoreSuite(t *testing.T) {
	reconciletest.RunExceptionStore(t, reconciletest.ExceptionStoreFeatures{}, func(*testing.T) reconcile.ExceptionStore {
		return &reconcile.MemoryExceptionStore{}
	})
}

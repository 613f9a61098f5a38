// Package dedupetest holds conformance suites for the stores dedupe
// depends on, so a host's own ClaimStore can prove it honours the contract
// dedupe.MemoryClaimStore honours.
package dedupetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/dedupe"
)

// ClaimStoreFeatures declares what a ClaimStore under test supports.
type ClaimStoreFeatures struct {
	// Reopen, when set, returns a second handle on the same claims (as
	// another process would open); the cross-handle tests use it.
	Reopen func(t *testing.T, s dedupe.ClaimStore) dedupe.ClaimStore
}

// NewClaimStore returns an empty store for one test.
type NewClaimStore func(t *testing.T) dedupe.ClaimStore

// ClaimStoreTest is one named test of the ClaimStore suite.
type ClaimStoreTest struct {
	Name string
	Run  func(t *testing.T, f ClaimStoreFeatures, newStore NewClaimStore)
}

// ClaimStoreTests is the ClaimStore suite.
var ClaimStoreTests = []ClaimStoreTest{
	{"OneOwnerAtATime", testOneOwner},
	{"ReleaseFreesAndIgnoresOthers", testRelease},
	{"ExpiredClaimIsTakenOver", testTakeover},
	{"ConcurrentClaimantsGetOneClaim", testConcurrentClaims},
}

// RunClaimStore checks that a dedupe.ClaimStore honours its contract.
func RunClaimStore(t *testing.T, f ClaimStoreFeatures, newStore NewClaimStore) {
	for _, tc := range ClaimStoreTests {
		t.Run(tc.Name, func(t *testing.T) { tc.Run(t, f, newStore) })
	}
}

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func other(t *testing.T, f ClaimStoreFeatures, s dedupe.ClaimStore) dedupe.ClaimStore {
	if f.Reopen != nil {
		return f.Reopen(t, s)
	}
	return s
}

func try(t *testing.T, s dedupe.ClaimStore, key, owner string, now time.Time, want bool) {
	t.Helper()
	ok, err := s.TryClaim(context.Background(), key, owner, now, now.Add(time.Minute))
	if err != nil || ok != want {
		t.Fatalf("TryClaim(%s by %s at %s) = %v, %v; want %v", key, owner, now.Format(time.TimeOnly), ok, err, want)
	}
}

func testOneOwner(t *testing.T, f ClaimStoreFeatures, newStore NewClaimStore) {
	a := newStore(t)
	b := other(t, f, a)
	try(t, a, "k1", "p1", t0, true)
	try(t, b, "k1", "p2", t0.Add(time.Second), false)
	try(t, a, "k1", "p1", t0.Add(2*time.Second), true) // re-entrant: extends
	try(t, b, "k2", "p2", t0, true)                    // other keys are independent
}

func testRelease(t *testing.T, f ClaimStoreFeatures, newStore NewClaimStore) {
	ctx := context.Background()
	a := newStore(t)
	b := other(t, f, a)
	try(t, a, "k1", "p1", t0, true)
	if err := b.Release(ctx, "k1", "p2"); err != nil {
		t.Fatalf("Release by a non-owner: %v", err)
	}
	try(t, b, "k1", "p2", t0, false) // still p1's
	if err := a.Release(ctx, "k1", "p1"); err != nil {
		t.Fatal(err)
	}
	try(t, b, "k1", "p2", t0, true)
}

func testTakeover(t *testing.T, f ClaimStoreFeatures, newStore NewClaimStore) {
	ctx := context.Background()
	a := newStore(t)
	b := other(t, f, a)
	try(t, a, "k1", "crashed", t0, true)                 // expires t0+1m
	try(t, b, "k1", "p2", t0.Add(59*time.Second), false) // not yet
	try(t, b, "k1", "p2", t0.Add(time.Minute), true)     // expired: taken over
	if err := a.Release(ctx, "k1", "crashed"); err != nil {
		t.Fatal(err)
	}
	try(t, a, "k1", "p3", t0.Add(61*time.Second), false) // the stale owner's release freed nothing
}

func testConcurrentClaims(t *testing.T, f ClaimStoreFeatures, newStore NewClaimStore) {
	a := newStore(t)
	b := other(t, f, a)
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners := 0
	for i := range 12 {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			ok, err := s.TryClaim(context.Background(), "hot", string(rune('A'+i)), t0, t0.Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				winners++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if winners != 1 {
		t.Fatalf("%d claimants got the claim; want exactly 1", winners)
	}
}

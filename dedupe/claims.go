package dedupe

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/o2ckit/o2c/internal/ctxwait"
)

// Defaults for the cross-process claim (Config.Claims).
const (
	DefaultClaimTTL  = 2 * time.Minute
	DefaultClaimPoll = 50 * time.Millisecond
)

// ClaimStore serialises resolves of one email across processes: a process
// holds the claim on an email's key while it looks the customer up and
// creates it, so two replicas never create two customers. A claim expires,
// so one left by a crashed process is taken over. The Resolver passes a
// hash of the normalised email, never the email itself.
//
// Implementations must be safe for concurrent use by several processes;
// dedupetest.RunClaimStore checks the contract.
type ClaimStore interface {
	// TryClaim gives key to owner until expires and reports true when key
	// is free, its claim expired at or before now, or owner already holds
	// it (the expiry is then extended); otherwise false, nil.
	TryClaim(ctx context.Context, key, owner string, now, expires time.Time) (bool, error)
	// Release ends owner's claim on key; releasing a claim owner does not
	// hold (expired and taken over) changes nothing and is not an error.
	Release(ctx context.Context, key, owner string) error
}

// MemoryClaimStore is a ClaimStore for one process (tests, or a host that
// shares one Resolver's store between several Resolvers).
type MemoryClaimStore struct {
	mu     sync.Mutex
	claims map[string]memClaim
}

type memClaim struct {
	owner   string
	expires time.Time
}

var _ ClaimStore = (*MemoryClaimStore)(nil)

// NewMemoryClaimStore returns an empty store.
func NewMemoryClaimStore() *MemoryClaimStore {
	return &MemoryClaimStore{claims: map[string]memClaim{}}
}

// TryClaim implements ClaimStore.
func (m *MemoryClaimStore) TryClaim(ctx context.Context, key, owner string, now, expires time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.claims[key]; ok && c.owner != owner && c.expires.After(now) {
		return false, nil
	}
	m.claims[key] = memClaim{owner: owner, expires: expires}
	return true, nil
}

// Release implements ClaimStore.
func (m *MemoryClaimStore) Release(ctx context.Context, key, owner string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.claims[key]; ok && c.owner == owner {
		delete(m.claims, key)
	}
	return nil
}

// claimKey is what the claim store sees of an email: a hash, so no email
// sits in a table.
func claimKey(emailKey string) string {
	h := sha256.Sum256([]byte("o2c-dedupe\x00" + emailKey))
	return hex.EncodeToString(h[:])
}

func newOwner() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("dedupe: no randomness for a claim owner: %v", err))
	}
	return hex.EncodeToString(b[:])
}

// claim blocks until this Resolver holds the cross-process claim on the
// email key or ctx ends; without a ClaimStore it returns at once.
func (r *Resolver) claim(ctx context.Context, emailKey string) (release func(), err error) {
	if r.claims == nil {
		return func() {}, nil
	}
	key := claimKey(emailKey)
	for {
		now := r.now()
		ok, err := r.claims.TryClaim(ctx, key, r.owner, now, now.Add(r.claimTTL))
		if err != nil {
			return nil, err
		}
		if ok {
			return func() {
				// The resolve is over whatever ctx says: release on a fresh one.
				if err := r.claims.Release(context.WithoutCancel(ctx), key, r.owner); err != nil {
					r.log.Warn("dedupe: claim not released; it expires", "error", err)
				}
			}, nil
		}
		if err := ctxwait.Sleep(ctx, r.claimPoll); err != nil {
			return nil, err
		}
	}
}

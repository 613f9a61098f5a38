package dedupe

// Hooks for the external tests: the lock table and the cache are internal,
// but that they are cleaned up and bounded is behaviour users rely on.

// LockedKeys is the number of emails currently held or waited for.
func LockedKeys(r *Resolver) int { return r.locks.size() }

// CachedMatches is the number of matches in the cache.
func CachedMatches(r *Resolver) int { return r.cache.len() }

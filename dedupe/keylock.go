package dedupe

import (
	"context"
	"sync"
)

// keyLocks serialises work per key (a normalised email) while different keys
// proceed in parallel. An entry exists only while some caller holds or waits
// for its key, so the table does not grow with the number of emails ever
// seen. Waiting honours the caller's context; no goroutine is started.
type keyLocks struct {
	mu      sync.Mutex
	entries map[string]*keyLock
}

type keyLock struct {
	// token is a one-slot semaphore: holding the key means having sent to it.
	token chan struct{}
	// refs counts holders and waiters; guarded by keyLocks.mu.
	refs int
}

func newKeyLocks() *keyLocks {
	return &keyLocks{entries: make(map[string]*keyLock)}
}

// lock blocks until the caller holds key or ctx ends. On success the caller
// must call the returned unlock exactly once.
func (l *keyLocks) lock(ctx context.Context, key string) (unlock func(), err error) {
	l.mu.Lock()
	e := l.entries[key]
	if e == nil {
		e = &keyLock{token: make(chan struct{}, 1)}
		l.entries[key] = e
	}
	e.refs++
	l.mu.Unlock()

	select {
	case e.token <- struct{}{}:
		return func() {
			<-e.token
			l.release(key, e)
		}, nil
	case <-ctx.Done():
		l.release(key, e)
		return nil, ctx.Err()
	}
}

func (l *keyLocks) release(key string, e *keyLock) {
	l.mu.Lock()
	e.refs--
	if e.refs == 0 {
		delete(l.entries, key)
	}
	l.mu.Unlock()
}

// size is the number of keys held or waited for (tests use it to prove that
// entries are cleaned up).
func (l *keyLocks) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

package dedupe

import (
	"container/list"
	"sync"
	"time"
)

// matchCache remembers, per email key, the master record a resolve settled
// on, so repeat customers cost no directory call. It is bounded (least
// recently used entries are evicted first) and every entry expires after ttl
// on the injected clock, so a record merged or deleted in the master system
// is looked up again within ttl. Misses are never stored: a record created by
// another process must be found by the next resolve.
type matchCache struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	order *list.List // front = most recently used; values are *cacheEntry
	byKey map[string]*list.Element
}

type cacheEntry struct {
	key     string
	c       Customer
	expires time.Time
}

func newMatchCache(max int, ttl time.Duration, now func() time.Time) *matchCache {
	return &matchCache{max: max, ttl: ttl, now: now, order: list.New(), byKey: make(map[string]*list.Element)}
}

func (m *matchCache) get(key string) (Customer, bool) {
	if m.max <= 0 {
		return Customer{}, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.byKey[key]
	if !ok {
		return Customer{}, false
	}
	e := el.Value.(*cacheEntry)
	if !m.now().Before(e.expires) {
		m.order.Remove(el)
		delete(m.byKey, key)
		return Customer{}, false
	}
	m.order.MoveToFront(el)
	return e.c, true
}

func (m *matchCache) put(key string, c Customer) {
	if m.max <= 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	expires := m.now().Add(m.ttl)
	if el, ok := m.byKey[key]; ok {
		e := el.Value.(*cacheEntry)
		e.c, e.expires = c, expires
		m.order.MoveToFront(el)
		return
	}
	m.byKey[key] = m.order.PushFront(&cacheEntry{key: key, c: c, expires: expires})
	for m.order.Len() > m.max {
		oldest := m.order.Back()
		m.order.Remove(oldest)
		delete(m.byKey, oldest.Value.(*cacheEntry).key)
	}
}

func (m *matchCache) forget(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.byKey[key]; ok {
		m.order.Remove(el)
		delete(m.byKey, key)
	}
}

func (m *matchCache) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}

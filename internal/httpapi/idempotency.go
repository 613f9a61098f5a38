package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// IdempotencyHeader is the request header that makes a POST idempotent
// (the IETF httpapi Idempotency-Key draft): the same key with the same
// body is answered with the first answer, without a second effect.
const IdempotencyHeader = "Idempotency-Key"

// DefaultIdempotencyTTL is how long an answer is kept for replay.
const DefaultIdempotencyTTL = 24 * time.Hour

// Saved is an answer kept for replay.
type Saved struct {
	Status      int
	ContentType string
	Body        []byte
	// Fingerprint is the SHA-256 of the request body that produced it.
	Fingerprint [32]byte
}

// Errors of IdempotencyStore.Begin.
var (
	// ErrInProgress: a request with the key is being answered now.
	ErrInProgress = errors.New("httpapi: a request with this idempotency key is in progress")
)

// IdempotencyStore keeps answers by idempotency key.
type IdempotencyStore interface {
	// Begin claims key. It returns the saved answer when the key was
	// answered before, ErrInProgress when another request holds it, or
	// (nil, nil) when the caller now holds it and must Finish or Abandon.
	Begin(ctx context.Context, key string) (*Saved, error)
	// Finish saves the answer and releases the key.
	Finish(ctx context.Context, key string, s Saved) error
	// Abandon releases the key without an answer, so the request can be
	// sent again (after a failure that had no effect, or a transient one).
	Abandon(ctx context.Context, key string) error
}

// MemoryIdempotencyStore is an IdempotencyStore for one process.
type MemoryIdempotencyStore struct {
	// TTL is how long answers are kept; 0 means DefaultIdempotencyTTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu      sync.Mutex
	entries map[string]memEntry
}

type memEntry struct {
	saved   *Saved // nil while in progress
	expires time.Time
}

func (m *MemoryIdempotencyStore) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *MemoryIdempotencyStore) ttl() time.Duration {
	if m.TTL > 0 {
		return m.TTL
	}
	return DefaultIdempotencyTTL
}

// Begin claims key; see IdempotencyStore.
func (m *MemoryIdempotencyStore) Begin(_ context.Context, key string) (*Saved, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries == nil {
		m.entries = map[string]memEntry{}
	}
	now := m.now()
	if e, ok := m.entries[key]; ok && now.Before(e.expires) {
		if e.saved == nil {
			return nil, ErrInProgress
		}
		s := *e.saved
		return &s, nil
	}
	// An in-progress claim also expires, so a crashed request cannot hold
	// its key for ever.
	m.entries[key] = memEntry{expires: now.Add(m.ttl())}
	return nil, nil
}

// Finish saves the answer; see IdempotencyStore.
func (m *MemoryIdempotencyStore) Finish(_ context.Context, key string, s Saved) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries[key] = memEntry{saved: &s, expires: m.now().Add(m.ttl())}
	return nil
}

// Abandon releases the key; see IdempotencyStore.
func (m *MemoryIdempotencyStore) Abandon(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, key)
	return nil
}

// Idempotent wraps a POST handler: a request with an Idempotency-Key
// header is answered once and later repeats get the same answer (with
// Idempotent-Replayed: true) without reaching next. Keys are scoped by
// scope(r) (e.g. the caller's principal) and the request path. The same key
// with another body is 422; a repeat while the first is still running is
// 409 and retryable. 5xx answers are not kept: the request may be sent
// again. Requests without the header pass through.
func Idempotent(store IdempotencyStore, scope func(*http.Request) string, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ik := r.Header.Get(IdempotencyHeader)
		if ik == "" {
			next.ServeHTTP(w, r)
			return
		}
		if len(ik) > 255 {
			WriteError(w, r, log, BadRequest("invalid_header", IdempotencyHeader, "longer than 255 characters"))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, DefaultMaxBody))
		if err != nil {
			WriteError(w, r, log, jsonProblem(err))
			return
		}
		fp := sha256.Sum256(body)
		s := ""
		if scope != nil {
			s = scope(r)
		}
		key := s + "\x00" + r.Method + " " + r.URL.Path + "\x00" + ik
		saved, err := store.Begin(r.Context(), key)
		switch {
		case errors.Is(err, ErrInProgress):
			p := newProblem(http.StatusConflict, "in_progress", "a request with this Idempotency-Key is still being answered")
			p.Retryable, p.RetryAfter = true, time.Second
			WriteError(w, r, log, p)
			return
		case err != nil:
			WriteError(w, r, log, Unavailable("", "the idempotency store is unavailable", 0))
			return
		case saved != nil:
			if saved.Fingerprint != fp {
				WriteError(w, r, log, Invalid(IdempotencyHeader, "", "this Idempotency-Key was used with another request body"))
				return
			}
			w.Header().Set("Content-Type", saved.ContentType)
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(saved.Status)
			_, _ = w.Write(saved.Body)
			return
		}
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		r.Body = io.NopCloser(bytes.NewReader(body))
		defer func() {
			// Release the key whatever happens, also on a panic.
			if rec.status >= 500 || !rec.wrote {
				_ = store.Abandon(context.WithoutCancel(r.Context()), key)
				return
			}
			if err := store.Finish(context.WithoutCancel(r.Context()), key, Saved{Status: rec.status,
				ContentType: rec.Header().Get("Content-Type"), Body: rec.buf.Bytes(), Fingerprint: fp}); err != nil && log != nil {
				log.WarnContext(r.Context(), "httpapi: answer not kept for replay", "path", r.URL.Path, "err", err)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// recorder passes the answer through and keeps a copy.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
	buf    bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

package reconcile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/govalues/decimal"
)

// FileStore is a Store in one JSON file (state.json in Dir, a State),
// written atomically: a temporary file synced to disk, renamed over
// state.json, and the directory synced, so a crash leaves the old state or
// the new one, never half of one.
//
// One run at a time may use a directory, across processes: the first read
// of a run takes an exclusive lock on Dir/state.lock (flock on unix) and
// holds it until Apply, Save or Unlock, so everything a run reads, decides
// and writes back happens under one lock (the Reconciler unlocks a run that
// ends without storing). A read while another FileStore holds the lock
// fails at once with ErrStateLocked rather than waiting or losing the other
// run's updates; Apply checks item versions all the same. Temporary files a
// killed write left behind are removed when the lock is taken.
type FileStore struct {
	Dir  string
	mu   sync.Mutex
	lock *os.File
	// cur is the state read under the lock.
	cur *stateIndex
}

var _ Store = (*FileStore)(nil)

// ErrStateLocked is a state directory another run holds.
var ErrStateLocked = errors.New("state is locked by another run; try again when it has finished")

// StoreError is a state that could not be read or written.
type StoreError struct {
	Path string
	Err  error
}

// Error names the state file and the cause.
func (e *StoreError) Error() string { return fmt.Sprintf("reconcile: state %s: %v", e.Path, e.Err) }

// Unwrap returns the cause.
func (e *StoreError) Unwrap() error { return e.Err }

func (f *FileStore) path() string { return filepath.Join(f.Dir, "state.json") }

// held takes the lock and reads the state unless this store holds them.
func (f *FileStore) held(ctx context.Context) (*stateIndex, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := f.acquire(); err != nil {
		return nil, err
	}
	if f.cur != nil {
		return f.cur, nil
	}
	b, err := os.ReadFile(f.path())
	if errors.Is(err, fs.ErrNotExist) {
		f.cur = indexState(State{})
		return f.cur, nil
	}
	if err != nil {
		f.release()
		return nil, &StoreError{Path: f.path(), Err: err}
	}
	s, err := decodeState(b, time.Now().UTC())
	if err != nil {
		f.release()
		return nil, &StoreError{Path: f.path(), Err: err}
	}
	f.cur = indexState(s)
	return f.cur, nil
}

// OpenItems implements Store; it takes the directory lock.
func (f *FileStore) OpenItems(ctx context.Context) ([]StoredItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	x, err := f.held(ctx)
	if err != nil {
		return nil, err
	}
	return x.openItems(), nil
}

// ClosedKeys implements Store; it takes the directory lock.
func (f *FileStore) ClosedKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	x, err := f.held(ctx)
	if err != nil {
		return nil, err
	}
	return x.closedKeys(keys), nil
}

// SeenFiles implements Store; it takes the directory lock.
func (f *FileStore) SeenFiles(ctx context.Context, digests, batches []string) ([]SeenFile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	x, err := f.held(ctx)
	if err != nil {
		return nil, err
	}
	return x.seenFiles(digests, batches), nil
}

// Apply implements Store: it writes the changed state and releases the
// directory lock, whether it wrote or not.
func (f *FileStore) Apply(ctx context.Context, c Changes) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	x, err := f.held(ctx)
	if err != nil {
		return err
	}
	defer f.release()
	y, err := x.apply(c)
	if err != nil {
		return err
	}
	return f.write(y.state())
}

// Load takes the directory lock (see FileStore) and returns the whole
// state; a missing file is an empty state.
func (f *FileStore) Load(ctx context.Context) (State, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	x, err := f.held(ctx)
	if err != nil {
		return State{}, err
	}
	return x.state(), nil
}

// Save replaces the whole state with s, for seeding and import (runs change
// it through Apply), then releases the directory lock.
func (f *FileStore) Save(ctx context.Context, s State) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.acquire(); err != nil {
		return err
	}
	defer f.release()
	return f.write(s)
}

// acquire takes the directory lock unless this store holds it, and removes
// the temporary files of writes that never finished.
func (f *FileStore) acquire() error {
	if f.lock != nil {
		return nil
	}
	lockPath := filepath.Join(f.Dir, "state.lock")
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return &StoreError{Path: lockPath, Err: err}
	}
	lf, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return &StoreError{Path: lockPath, Err: err}
	}
	if err := lockFile(lf); err != nil {
		lf.Close()
		return &StoreError{Path: lockPath, Err: err}
	}
	f.lock = lf
	// state-*.json are the temporary files of earlier releases.
	for _, pattern := range []string{"state-*.json.tmp", "state-*.json"} {
		stale, _ := filepath.Glob(filepath.Join(f.Dir, pattern))
		for _, name := range stale {
			os.Remove(name)
		}
	}
	return nil
}

// Unlock releases the directory lock without storing anything; the next
// read takes it again.
func (f *FileStore) Unlock() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.release()
}

func (f *FileStore) release() error {
	f.cur = nil
	if f.lock == nil {
		return nil
	}
	err := errors.Join(unlockFile(f.lock), f.lock.Close())
	f.lock = nil
	return err
}

// UnmarshalJSON reads a closed key as saved, or as the bare key string of
// states saved before keys carried their closing time.
func (c *ClosedKey) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*c = ClosedKey{}
		return json.Unmarshal(b, &c.Key)
	}
	type plain ClosedKey
	return json.Unmarshal(b, (*plain)(c))
}

// decodeState parses a saved state and checks every amount in it against
// MaxAmount, so a damaged or crafted state is an error naming the line and
// the order, never a panic in the sums of the next run. Closed keys saved
// without a closing time count as closed at now.
func decodeState(b []byte, now time.Time) (State, error) {
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return State{}, fmt.Errorf("line %d: %w", lineAt(b, se.Offset), err)
		case errors.As(err, &te):
			return State{}, fmt.Errorf("line %d: %w", lineAt(b, te.Offset), err)
		}
		return State{}, err
	}
	for i, o := range s.Open {
		if err := checkOpenItem(o.OpenItem); err != nil {
			return State{}, fmt.Errorf("open item %d %w", i+1, err)
		}
	}
	for i := range s.Closed {
		if s.Closed[i].At.IsZero() {
			s.Closed[i].At = now
		}
	}
	return s, nil
}

// checkOpenItem checks a stored item's amounts against MaxAmount.
func checkOpenItem(o OpenItem) error {
	for _, a := range []struct {
		name string
		d    decimal.Decimal
	}{{"Amount", o.Expected.Amount}, {"Settled", o.Settled}} {
		if err := CheckAmount(a.d); err != nil {
			return fmt.Errorf("(order %s, reference %s): %s: %w", o.Expected.OrderNo, o.Expected.PSPReference, a.name, err)
		}
	}
	return nil
}

// CheckStoredItem checks an open item read from a store: its amounts within
// MaxAmount, so a damaged or crafted row is an error naming the order, never
// a panic in the sums of the next run. Store implementations outside this
// package call it on every item they read.
func CheckStoredItem(o OpenItem) error {
	if err := checkOpenItem(o); err != nil {
		return fmt.Errorf("reconcile: stored open item %w", err)
	}
	return nil
}

// lineAt is the 1-based line of byte offset off in b.
func lineAt(b []byte, off int64) int {
	off = max(0, min(off, int64(len(b))))
	return 1 + bytes.Count(b[:off], []byte{'\n'})
}

// write writes state.json atomically and durably.
func (f *FileStore) write(s State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return &StoreError{Path: f.path(), Err: err}
	}
	tmp, err := os.CreateTemp(f.Dir, "state-*.json.tmp")
	if err != nil {
		return &StoreError{Path: f.path(), Err: err}
	}
	_, werr := tmp.Write(b)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return &StoreError{Path: f.path(), Err: err}
	}
	if err := os.Rename(tmp.Name(), f.path()); err != nil {
		os.Remove(tmp.Name())
		return &StoreError{Path: f.path(), Err: err}
	}
	if err := syncDir(f.Dir); err != nil {
		return &StoreError{Path: f.path(), Err: err}
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

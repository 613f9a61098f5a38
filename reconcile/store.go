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
	"slices"
	"sync"
	"time"

	"github.com/govalues/decimal"
)

// OpenItem is an expected item not (fully) settled yet. It carries over to
// the next run through a Store.
type OpenItem struct {
	Expected Expected
	// Settled is what partial captures have settled so far.
	Settled decimal.Decimal
	// FirstSeen is when a run first saw the item.
	FirstSeen time.Time
}

// Remaining is the amount still to be settled.
func (o OpenItem) Remaining() decimal.Decimal { return mustSub(o.Expected.Amount, o.Settled) }

// SeenFile records a settlement file already reconciled, by content digest,
// so the same file delivered again is reported and not counted twice.
type SeenFile struct {
	Name string
	// Digest is the hex SHA-256 of the file's bytes.
	Digest    string
	Provider  string
	FirstSeen time.Time
	// Batches are the "provider/payout" batches of a one-batch-per-file
	// format (see BatchFormat).
	Batches []string `json:",omitempty"`
}

// State is what the reconciler remembers between runs.
type State struct {
	// Open are the expected items still waiting for their settlement.
	Open []OpenItem
	// Closed are the keys (Expected.Key) of items settled or closed as a
	// mismatch, so an order exported again does not reopen.
	Closed []string
	// Files are the settlement files already reconciled.
	Files []SeenFile
}

// Store keeps State between runs. Implementations must be safe for
// concurrent use; Load of a store never saved returns an empty State and no
// error. Save replaces the whole state.
type Store interface {
	Load(ctx context.Context) (State, error)
	Save(ctx context.Context, s State) error
}

// MemoryStore is a Store in memory, for tests and single-process hosts.
type MemoryStore struct {
	mu    sync.Mutex
	state State
}

var _ Store = (*MemoryStore)(nil)

// Load returns a copy of the saved state.
func (m *MemoryStore) Load(ctx context.Context) (State, error) {
	if err := ctx.Err(); err != nil {
		return State{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return cloneState(m.state), nil
}

// Save stores a copy of s.
func (m *MemoryStore) Save(ctx context.Context, s State) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.state = cloneState(s)
	return nil
}

func cloneState(s State) State {
	return State{Open: slices.Clone(s.Open), Closed: slices.Clone(s.Closed), Files: slices.Clone(s.Files)}
}

// FileStore is a Store in one JSON file (state.json in Dir), written
// atomically: a temporary file synced to disk, renamed over state.json, and
// the directory synced, so a crash leaves the old state or the new one,
// never half of one.
//
// One run at a time may use a directory, across processes: Load takes an
// exclusive lock on Dir/state.lock (flock on unix) and holds it until Save
// or Unlock, so everything a run reads, decides and writes back happens
// under one lock (the Reconciler unlocks a run that ends without saving). A Load while another FileStore holds the lock
// fails at once with ErrStateLocked rather than waiting or losing the other
// run's updates. Temporary files a killed write left behind are removed
// when the lock is taken.
type FileStore struct {
	Dir  string
	mu   sync.Mutex
	lock *os.File
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

// Load takes the directory lock (see FileStore) and reads state.json; a
// missing file is an empty state.
func (f *FileStore) Load(ctx context.Context) (State, error) {
	if err := ctx.Err(); err != nil {
		return State{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.acquire(); err != nil {
		return State{}, err
	}
	b, err := os.ReadFile(f.path())
	if errors.Is(err, fs.ErrNotExist) {
		return State{}, nil
	}
	if err != nil {
		return State{}, &StoreError{Path: f.path(), Err: err}
	}
	s, err := decodeState(b)
	if err != nil {
		return State{}, &StoreError{Path: f.path(), Err: err}
	}
	return s, nil
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

// Unlock releases the directory lock without saving; the next Load takes
// it again.
func (f *FileStore) Unlock() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.release()
}

func (f *FileStore) release() error {
	if f.lock == nil {
		return nil
	}
	err := errors.Join(unlockFile(f.lock), f.lock.Close())
	f.lock = nil
	return err
}

// decodeState parses a saved state and checks every amount in it against
// MaxAmount, so a damaged or crafted state is an error naming the line and
// the order, never a panic in the sums of the next run.
func decodeState(b []byte) (State, error) {
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
		for _, a := range []struct {
			name string
			d    decimal.Decimal
		}{{"Amount", o.Expected.Amount}, {"Settled", o.Settled}} {
			if err := CheckAmount(a.d); err != nil {
				return State{}, fmt.Errorf("open item %d (order %s, reference %s): %s: %w", i+1, o.Expected.OrderNo, o.Expected.PSPReference, a.name, err)
			}
		}
	}
	return s, nil
}

// lineAt is the 1-based line of byte offset off in b.
func lineAt(b []byte, off int64) int {
	off = max(0, min(off, int64(len(b))))
	return 1 + bytes.Count(b[:off], []byte{'\n'})
}

// Save writes state.json atomically and durably, then releases the
// directory lock, whether the write succeeded or not (taking it first if
// Load has not).
func (f *FileStore) Save(ctx context.Context, s State) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.acquire(); err != nil {
		return err
	}
	// The run ends with its save, written or not.
	defer f.release()
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

package reconcile

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// Config configures a Reconciler. The zero value works: exact matching only,
// a 5-day SLA, the wall clock, an in-memory store and no journals.
type Config struct {
	// Rules are tried in order after exact references fail.
	Rules []ToleranceRule
	// SLA is how long after its date an expected item may stay unsettled
	// before it is reported missing; default 5 days.
	SLA time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Store carries open items, closed items and seen files across runs;
	// default a MemoryStore owned by the Reconciler.
	Store Store
	// Accounts resolves the GL accounts of the journals; nil means no
	// journals are produced.
	Accounts AccountResolver
	// Logger receives one record per run; nil discards.
	Logger *slog.Logger
}

// DefaultSLA is the settlement SLA when Config.SLA is zero.
const DefaultSLA = 5 * 24 * time.Hour

// Reconciler matches expected payments and refunds against settlement files
// and remembers open items between runs. It is safe for concurrent use;
// runs are serialised because each one reads and replaces the stored state.
type Reconciler struct {
	cfg Config
	mu  sync.Mutex
}

// New returns a Reconciler for cfg.
func New(cfg Config) (*Reconciler, error) {
	if cfg.SLA < 0 {
		return nil, fmt.Errorf("reconcile: negative SLA %s", cfg.SLA)
	}
	for i, r := range cfg.Rules {
		if r.Absolute.IsNeg() || r.Percent.IsNeg() || r.DaysBefore < 0 || r.DaysAfter < 0 {
			return nil, fmt.Errorf("reconcile: tolerance rule %d (%s) has a negative limit", i, r.Name)
		}
		if r.Percent.Cmp(fifty) >= 0 {
			return nil, fmt.Errorf("reconcile: tolerance rule %d (%s) accepts %s %%; limit is under 50", i, r.Name, r.Percent)
		}
	}
	if cfg.SLA == 0 {
		cfg.SLA = DefaultSLA
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Store == nil {
		cfg.Store = &MemoryStore{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Reconciler{cfg: cfg}, nil
}

// SettlementFile is one provider file to reconcile.
type SettlementFile struct {
	// Name identifies the file in errors and the report (a file name).
	Name   string
	Format Format
	Body   io.Reader
}

// Input is one run's work.
type Input struct {
	// Expected are the payments and refunds to settle, typically from
	// ExpectedFromOrder and Refund.Expected. Items already open or closed
	// in the store are recognised by key and not added twice.
	Expected []Expected
	// Files are the settlement files of the run.
	Files []SettlementFile
	// Lines are settlement lines the host read itself (from an API).
	Lines []SettlementLine
}

// ReadError is a settlement row or file that could not be read.
type ReadError struct {
	File    string
	Line    int
	Message string
}

// DuplicateFile is a settlement file whose content was already reconciled;
// its lines are not counted again.
type DuplicateFile struct {
	Name string
	// FirstName is the name it was first reconciled under.
	FirstName string
	Digest    string
	FirstSeen time.Time
	// Batch is set when the content differs but the file is a batch
	// already reconciled (a re-issued Adyen batch): "provider/payout".
	Batch string `json:",omitempty"`
}

// BatchFormat is implemented by formats whose files each hold exactly one
// payout batch (Adyen: one settlement details report per batch). A second
// file for a batch already reconciled is a re-issue: it is reported as a
// duplicate and not counted, so finance decides which version is right.
type BatchFormat interface {
	Format
	OneBatchPerFile() bool
}

type fileResult struct {
	name, provider, digest string
	oneBatch               bool
	lines                  [][]SettlementLine // in chunks, as read
	errs                   []ReadError
	// lost counts the records that could not be split or had missing
	// fields: rows whose content is unknown, so the file's figures are not.
	lost  int
	fatal error
}

func readSettlement(ctx context.Context, f SettlementFile) fileResult {
	res := fileResult{name: f.Name, provider: f.Format.Provider()}
	if bf, ok := f.Format.(BatchFormat); ok {
		res.oneBatch = bf.OneBatchPerFile()
	}
	h := sha256.New()
	var chunks lineChunks
	for l, err := range f.Format.Read(ctx, io.TeeReader(f.Body, h), f.Name) {
		if err == nil {
			chunks.add(l)
			continue
		}
		var le *LineError
		if errors.As(err, &le) {
			res.errs = append(res.errs, ReadError{File: le.File, Line: le.Line, Message: err.Error()})
			if errors.Is(err, ErrMalformedRow) {
				res.lost++
			}
			continue
		}
		res.fatal = err
	}
	res.lines = chunks.parts()
	if res.fatal == nil {
		// Hash what the reader left unread (footers after the last record).
		if _, err := io.Copy(h, f.Body); err != nil {
			res.fatal = &FileError{File: f.Name, Err: err}
		}
	}
	res.digest = hex.EncodeToString(h.Sum(nil))
	return res
}

// Run reconciles one day: it reads the files, skips files already seen,
// matches lines to the open and new expected items, stores what stays open
// and returns the report. A file that cannot be read at all is reported and
// contributes nothing (it may be delivered again); so does a file with rows
// that could not be split into records or miss fields (each reported at its
// line), and a file with no lines at all. Rows with a bad value (an unknown
// type, a malformed amount) are reported and the rest of their file counts.
func (r *Reconciler) Run(ctx context.Context, in Input) (*Report, error) {
	p, err := r.Prepare(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := p.Commit(ctx); err != nil {
		return nil, err
	}
	return p.Report, nil
}

// Pending is a reconciled run whose state is not stored yet: the host
// writes every output first (report files, journals) and then commits, so
// a failed write never loses the day's matches and a run that is not
// committed leaves the stored state as it was. Until Commit or Discard, the
// store stays locked (FileStore) and other runs of the Reconciler wait.
type Pending struct {
	// Report is the run's report.
	Report *Report
	r      *Reconciler
	state  State
	lines  int
	done   bool
}

// Prepare reconciles like Run but does not store the new state: call
// Commit once every output is written, or Discard.
func (r *Reconciler) Prepare(ctx context.Context, in Input) (*Pending, error) {
	r.mu.Lock()
	rep, state, lines, err := r.prepare(ctx, in)
	if err != nil {
		r.unlockStore()
		r.mu.Unlock()
		return nil, err
	}
	return &Pending{Report: rep, r: r, state: state, lines: lines}, nil
}

// Commit stores the run's state. It may be called once.
func (p *Pending) Commit(ctx context.Context) error {
	if p.done {
		return errors.New("reconcile: run already committed or discarded")
	}
	p.done = true
	defer p.r.mu.Unlock()
	if err := p.r.cfg.Store.Save(ctx, p.state); err != nil {
		p.r.unlockStore()
		return fmt.Errorf("reconcile: save state: %w", err)
	}
	rep := p.Report
	p.r.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "reconciled",
		slog.Int("lines", p.lines), slog.Int("matched", len(rep.Matched)), slog.Int("mismatches", len(rep.Mismatches)),
		slog.Int("unexpected", len(rep.Unexpected)), slog.Int("open", len(rep.Open)), slog.Int("missing", len(rep.Missing)),
		slog.Int("duplicate_files", len(rep.DuplicateFiles)), slog.Int("read_errors", len(rep.ReadErrors)))
	return nil
}

// Discard ends the run without storing anything; the stored state stays as
// it was. After Commit it does nothing.
func (p *Pending) Discard() {
	if p.done {
		return
	}
	p.done = true
	p.r.unlockStore()
	p.r.mu.Unlock()
}

// unlockStore releases a store's lock after a run that does not save.
func (r *Reconciler) unlockStore() {
	if u, ok := r.cfg.Store.(interface{ Unlock() error }); ok {
		u.Unlock()
	}
}

func (r *Reconciler) prepare(ctx context.Context, in Input) (*Report, State, int, error) {
	now := r.cfg.Now().UTC()
	state, err := r.cfg.Store.Load(ctx)
	if err != nil {
		return nil, State{}, 0, fmt.Errorf("reconcile: load state: %w", err)
	}
	rep := &Report{RunAt: now}

	seen := map[string]SeenFile{}
	batches := map[string]SeenFile{}
	for _, f := range state.Files {
		seen[f.Digest] = f
		for _, b := range f.Batches {
			batches[b] = f
		}
	}
	for _, f := range in.Files {
		if f.Format == nil || f.Body == nil {
			return nil, State{}, 0, fmt.Errorf("reconcile: settlement file %q has no format or no body", f.Name)
		}
	}
	var results []fileResult
	for _, f := range in.Files {
		if err := ctx.Err(); err != nil {
			return nil, State{}, 0, err
		}
		results = append(results, readSettlement(ctx, f))
	}
	slices.SortFunc(results, func(a, b fileResult) int {
		return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.digest, b.digest))
	})
	n := len(in.Lines)
	for _, fr := range results {
		n += countOf(fr.lines)
	}
	// The lines are gathered as parts (the host's lines, each file's
	// chunks) and copied once, in canonical order, into the run's own slice.
	parts := make([][]SettlementLine, 0, 1+n/lineChunkSize+len(results))
	if len(in.Lines) > 0 {
		parts = append(parts, in.Lines)
	}
	for _, fr := range results {
		rep.ReadErrors = append(rep.ReadErrors, fr.errs...)
		if fr.fatal != nil {
			if err := ctx.Err(); err != nil {
				return nil, State{}, 0, err
			}
			rep.ReadErrors = append(rep.ReadErrors, ReadError{File: fr.name, Message: fr.fatal.Error()})
			continue
		}
		if fr.lost > 0 {
			// Rows whose content is unknown may hold anything, the payout
			// among them: the file counts all or nothing, and is not
			// marked seen so the corrected file is taken when it comes.
			rep.ReadErrors = append(rep.ReadErrors, ReadError{File: fr.name, Message: fmt.Sprintf(
				"reconcile: %s: %d broken or cut rows; none of its %d lines counted and the file not marked seen: deliver it again corrected",
				fr.name, fr.lost, countOf(fr.lines))})
			continue
		}
		if countOf(fr.lines) == 0 && len(fr.errs) == 0 {
			rep.ReadErrors = append(rep.ReadErrors, ReadError{File: fr.name, Message: fmt.Sprintf(
				"reconcile: %s: no settlement lines (empty or header only); not marked seen", fr.name)})
			continue
		}
		if first, dup := seen[fr.digest]; dup {
			rep.DuplicateFiles = append(rep.DuplicateFiles, DuplicateFile{Name: fr.name, FirstName: first.Name, Digest: fr.digest, FirstSeen: first.FirstSeen})
			continue
		}
		sf := SeenFile{Name: fr.name, Digest: fr.digest, Provider: fr.provider, FirstSeen: now}
		if fr.oneBatch {
			sf.Batches = batchKeys(fr.lines)
			if b, first, dup := firstSeenBatch(sf.Batches, batches); dup {
				rep.DuplicateFiles = append(rep.DuplicateFiles, DuplicateFile{Name: fr.name, FirstName: first.Name, Digest: fr.digest,
					FirstSeen: first.FirstSeen, Batch: b})
				continue
			}
			for _, b := range sf.Batches {
				batches[b] = sf
			}
		}
		seen[fr.digest] = sf
		state.Files = append(state.Files, sf)
		parts = append(parts, fr.lines...)
	}

	// Stored open items are summed first: they are never dropped, so a
	// state beyond the budget stops the run instead.
	budget := newRunBudget()
	for _, o := range state.Open {
		if !budget.take(o.Expected.Amount, o.Settled) {
			return nil, State{}, 0, fmt.Errorf("reconcile: load state: open items sum beyond %s; order %s reference %s does not fit",
				maxRunMagnitude, o.Expected.OrderNo, o.Expected.PSPReference)
		}
	}
	expected := r.acceptable(rep, in.Expected, budget)

	// The same provider row delivered twice (an overlapping export) counts once.
	counted := countLines(sortedLines(parts), budget, rep) // filtered in place: the sorted lines are our own

	items := r.items(state, expected, now)
	// counted is already in canonical order; the matcher keeps it.
	res := newMatcher(r.cfg.Rules, items, counted).run()

	closed := slices.Clone(state.Closed)
	var open []OpenItem
	for _, it := range items {
		if it.done {
			closed = append(closed, it.key)
			continue
		}
		open = append(open, it.OpenItem)
		if r.overdue(it.OpenItem, now) {
			rep.Missing = append(rep.Missing, it.OpenItem)
		} else {
			rep.Open = append(rep.Open, it.OpenItem)
		}
	}
	slices.Sort(closed)
	state.Closed = slices.Compact(closed)
	state.Open = open

	rep.build(counted, res)
	rep.Journals, rep.JournalErrors = buildJournals(rep.Payouts, r.cfg.Accounts)
	rep.Exceptions = Classifier{Now: func() time.Time { return now }}.FromReport(rep)

	return rep, state, len(counted), nil
}

func (r *Reconciler) overdue(o OpenItem, now time.Time) bool {
	since := o.Expected.Date
	if since.IsZero() {
		since = o.FirstSeen
	}
	return now.Sub(since) > r.cfg.SLA
}

// items merges the stored open items with the new expected ones; an item
// already open or closed is recognised by its key.
// acceptable drops expected items whose amount no settlement could carry
// (beyond the readers' amount bound or scale) and reports each as a read
// error naming the order and reference, so one corrupt order cannot
// overflow the sums of a whole run; the other items go through. Items
// beyond the run's amount budget are reported the same way.
func (r *Reconciler) acceptable(rep *Report, expected []Expected, budget *runBudget) []Expected {
	out := expected[:0:0]
	for i, e := range expected {
		if CheckAmount(e.Amount) == nil && budget.take(e.Amount) {
			if len(out) == i {
				out = expected[: i+1 : i+1]
			} else {
				out = append(out, e)
			}
			continue
		}
		if len(out) == i {
			out = append(make([]Expected, 0, len(expected)), expected[:i]...)
		}
		rep.ReadErrors = append(rep.ReadErrors, ReadError{File: "expected payments",
			Message: fmt.Sprintf("order %s, reference %s: amount %s %s is outside what a settlement can carry", e.OrderNo, e.PSPReference, e.Amount, e.Currency)})
	}
	return out
}

func (r *Reconciler) items(state State, expected []Expected, now time.Time) []*item {
	known := make(map[string]bool, len(state.Open)+len(state.Closed)+len(expected))
	for _, k := range state.Closed {
		known[k] = true
	}
	// One slab for all items: a million expected payments are one
	// allocation, not a million.
	slab := make([]item, 0, len(state.Open)+len(expected))
	for _, o := range state.Open {
		k := o.Expected.Key()
		if known[k] {
			continue
		}
		known[k] = true
		slab = append(slab, item{OpenItem: o, key: k})
	}
	stored := len(slab)
	for _, e := range expected {
		slab = append(slab, item{OpenItem: OpenItem{Expected: e, Settled: e.Amount.Zero(), FirstSeen: now}})
	}
	fresh := make([]*item, 0, len(expected))
	for i := stored; i < len(slab); i++ {
		fresh = append(fresh, &slab[i])
	}
	// The first of two expected items with one key, in canonical order,
	// wins, whatever the input order.
	slices.SortFunc(fresh, func(a, b *item) int { return compareExpected(a.Expected, b.Expected) })
	items := make([]*item, 0, len(slab))
	for i := range stored {
		items = append(items, &slab[i])
	}
	for _, it := range fresh {
		it.key = it.Expected.Key()
		if known[it.key] {
			continue
		}
		known[it.key] = true
		items = append(items, it)
	}
	return items
}

// batchKeys lists the "provider/payout" batches of a file's lines.
func batchKeys(parts [][]SettlementLine) []string {
	var keys []string
	for _, lines := range parts {
		for _, l := range lines {
			if l.PayoutID != "" {
				keys = append(keys, l.Provider+"/"+l.PayoutID)
			}
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func firstSeenBatch(keys []string, batches map[string]SeenFile) (string, SeenFile, bool) {
	for _, k := range keys {
		if f, ok := batches[k]; ok {
			return k, f, true
		}
	}
	return "", SeenFile{}, false
}

package reconcile

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/o2ckit/o2c/internal/logging"
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
	// ClosedRetention is how long the keys of closed items are kept (an
	// order exported again within it does not reopen); each committed run
	// purges older ones. Default DefaultClosedRetention; negative keeps
	// them forever.
	ClosedRetention time.Duration
	// Exceptions, when set, keeps every run's exceptions across runs:
	// Commit records them (at the run's time) before it stores the state,
	// so a run that dies between the two records them again when it is run
	// again, and never loses them.
	Exceptions ExceptionStore
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
// its runs are serialised, and runs of other Reconcilers (other processes)
// on the same store are kept apart by the store (see Store).
type Reconciler struct {
	cfg Config
	mu  sync.Mutex
}

// New validates cfg and returns a Reconciler for it.
func New(cfg Config) (*Reconciler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.SLA == 0 {
		cfg.SLA = DefaultSLA
	}
	if cfg.ClosedRetention == 0 {
		cfg.ClosedRetention = DefaultClosedRetention
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Store == nil {
		cfg.Store = &MemoryStore{}
	}
	cfg.Logger = logging.OrDiscard(cfg.Logger)
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
	// ExpectedSeq, when not nil, yields more expected items, taken after
	// Expected: a host with a million payments in a database or a file
	// streams them instead of building a slice first. The run reads the
	// sequence on another core while it reads the settlement files and
	// copies each item into memory of its own. An error the sequence yields
	// ends the run with that error, nothing stored.
	ExpectedSeq iter.Seq2[Expected, error]
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
	Report  *Report
	r       *Reconciler
	changes Changes
	lines   int
	done    bool
}

// Changes are what Commit stores.
func (p *Pending) Changes() Changes { return p.changes }

// Prepare reconciles like Run but does not store the new state: call
// Commit once every output is written, or Discard.
func (r *Reconciler) Prepare(ctx context.Context, in Input) (*Pending, error) {
	r.mu.Lock()
	rep, changes, lines, err := r.prepare(ctx, in)
	if err != nil {
		r.unlockStore()
		r.mu.Unlock()
		return nil, err
	}
	return &Pending{Report: rep, r: r, changes: changes, lines: lines}, nil
}

// Commit stores the run's changes, all or none. When another run (another
// process on the same store) changed an item or file this run read, it
// stores nothing and returns an error matching ErrConflict: prepare the
// run again. It may be called once.
func (p *Pending) Commit(ctx context.Context) error {
	if p.done {
		return errors.New("reconcile: run already committed or discarded")
	}
	p.done = true
	defer p.r.mu.Unlock()
	if x := p.r.cfg.Exceptions; x != nil {
		if err := x.Record(ctx, p.Report.RunAt, p.Report.Exceptions...); err != nil {
			p.r.unlockStore()
			return fmt.Errorf("reconcile: record exceptions: %w", err)
		}
	}
	if err := p.r.cfg.Store.Apply(ctx, p.changes); err != nil {
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

// loaded is what a run read from its store.
type loaded struct {
	open   []StoredItem
	byKey  map[string]StoredItem
	closed map[string]bool
}

func (r *Reconciler) prepare(ctx context.Context, in Input) (*Report, Changes, int, error) {
	// in is not used past this point, so nothing here keeps the host's
	// expected items alive once they are copied.
	files, hostLines, expectedIn, expectedSeq := in.Files, in.Lines, in.Expected, in.ExpectedSeq
	now := r.cfg.Now().UTC()
	for _, f := range files {
		if f.Format == nil || f.Body == nil {
			return nil, Changes{}, 0, fmt.Errorf("reconcile: settlement file %q has no format or no body", f.Name)
		}
	}
	store := r.cfg.Store
	open, err := store.OpenItems(ctx)
	if err != nil {
		return nil, Changes{}, 0, fmt.Errorf("reconcile: load state: %w", err)
	}
	st := loaded{open: open, byKey: make(map[string]StoredItem, len(open))}
	for _, o := range open {
		st.byKey[o.Expected.Key()] = o
	}
	rep := &Report{RunAt: now}

	// Stored open items are summed first: they are never dropped, so a
	// state beyond the budget stops the run instead.
	budget := newRunBudget()
	for _, o := range st.open {
		if !budget.take(o.Expected.Amount, o.Settled) {
			return nil, Changes{}, 0, fmt.Errorf("reconcile: load state: open items sum beyond %s; order %s reference %s does not fit",
				maxRunMagnitude, o.Expected.OrderNo, o.Expected.PSPReference)
		}
	}
	// The run's own copy of the new items, in canonical order, is made on
	// another core while the files are read: the host's slice is not read
	// again after it, so a host that lets go of it gets its memory back
	// during the run, and a sequence (Input.ExpectedSeq) is read meanwhile.
	// Then the closed keys among the new items are asked of the store and
	// the run's items built: none of it needs the lines. The budget is that
	// goroutine's until it closes taken (the expected items take from it
	// before the lines do), and st.closed until it is done.
	itemsDone, taken := make(chan builtItems, 1), make(chan struct{})
	takeCtx, stopTaking := context.WithCancel(ctx)
	go func(expected []Expected, seq iter.Seq2[Expected, error]) {
		fresh, readErrs, err := r.takeExpected(takeCtx, expected, seq, budget)
		close(taken)
		if err != nil {
			itemsDone <- builtItems{err: err}
			return
		}
		b := r.buildItems(takeCtx, &st, fresh, now)
		b.readErrors = readErrs
		itemsDone <- b
	}(expectedIn, expectedSeq)
	// Every return waits for it: nothing of the run outlives it.
	defer func() {
		stopTaking()
		if itemsDone != nil {
			<-itemsDone
		}
	}()
	var results []fileResult
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, Changes{}, 0, err
		}
		results = append(results, readSettlement(ctx, f))
	}
	slices.SortFunc(results, func(a, b fileResult) int {
		return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.digest, b.digest))
	})
	// The files already seen, by digest or batch, among this run's.
	var digests, batchList []string
	fileBatches := make([][]string, len(results))
	for i, fr := range results {
		if fr.fatal != nil || fr.lost > 0 {
			continue
		}
		digests = append(digests, fr.digest)
		if fr.oneBatch {
			fileBatches[i] = batchKeys(fr.lines)
			batchList = append(batchList, fileBatches[i]...)
		}
	}
	seen := map[string]SeenFile{}
	batches := map[string]SeenFile{}
	if len(digests) > 0 {
		known, err := store.SeenFiles(ctx, digests, batchList)
		if err != nil {
			return nil, Changes{}, 0, fmt.Errorf("reconcile: load state: %w", err)
		}
		for _, f := range known {
			seen[f.Digest] = f
			for _, b := range f.Batches {
				batches[b] = f
			}
		}
	}
	var changes Changes
	n := len(hostLines)
	for _, fr := range results {
		n += countOf(fr.lines)
	}
	// The lines are gathered as parts (a copy of the host's lines, each
	// file's chunks) and put in canonical order within them (sortedLines).
	parts := make([][]SettlementLine, 0, 1+n/lineChunkSize+len(results))
	if len(hostLines) > 0 {
		// The report's matches point into the run's lines: a copy, so
		// they never share the host's slice.
		parts = append(parts, slices.Clone(hostLines))
	}
	for i, fr := range results {
		rep.ReadErrors = append(rep.ReadErrors, fr.errs...)
		if fr.fatal != nil {
			if err := ctx.Err(); err != nil {
				return nil, Changes{}, 0, err
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
			sf.Batches = fileBatches[i]
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
		changes.Files = append(changes.Files, sf)
		parts = append(parts, fr.lines...)
	}

	// The lines are sorted and counted on another core while the expected
	// items' state is loaded; only countLines writes to rep meanwhile.
	type countedLines struct {
		lines   []*SettlementLine
		sameRef []bool
		refs    []lineRef
	}
	linesDone := make(chan countedLines, 1)
	go func() {
		// The same provider row delivered twice (an overlapping export)
		// counts once.
		sorted, sameRef, refs := sortedLines(parts)
		<-taken
		counted, sameRef, refs := countLines(sorted, sameRef, refs, budget, rep)
		linesDone <- countedLines{counted, sameRef, refs}
	}()
	defer func() {
		if linesDone != nil {
			<-linesDone
		}
	}()

	built := <-itemsDone
	itemsDone = nil
	if built.err != nil {
		return nil, Changes{}, 0, built.err
	}
	items := built.items
	cl := <-linesDone
	linesDone = nil
	rep.ReadErrors = append(rep.ReadErrors, built.readErrors...)
	counted := cl.lines
	// counted is already in canonical order; the matcher keeps it.
	res := newSortedMatcher(r.cfg.Rules, items, counted, cl.sameRef, cl.refs).run()

	// The report's figures (build) and the store's changes with the open
	// and missing items are worked out at once: they read the matches and
	// the items, and write different fields of rep.
	changesDone := make(chan struct{})
	go func() {
		defer close(changesDone)
		closed := 0
		for _, it := range items {
			if it.done {
				closed++
			}
		}
		changes.Close = make([]Closure, 0, closed)
		for _, it := range items {
			stored, wasOpen := st.byKey[it.key]
			if it.done {
				changes.Close = append(changes.Close, Closure{Key: it.key, Version: stored.Version, At: now})
				continue
			}
			o := it.openItem()
			switch {
			case !wasOpen:
				changes.Add = append(changes.Add, o)
			case it.Settled.Cmp(stored.Settled) != 0:
				changes.Settle = append(changes.Settle, Settlement{Key: it.key, Version: stored.Version, Settled: it.Settled})
			}
			if r.overdue(o, now) {
				rep.Missing = append(rep.Missing, o)
			} else {
				rep.Open = append(rep.Open, o)
			}
		}
		if r.cfg.ClosedRetention > 0 {
			changes.PurgeClosedBefore = now.Add(-r.cfg.ClosedRetention)
		}
	}()
	rep.build(counted, res)
	<-changesDone
	rep.sortItems()
	rep.Journals, rep.JournalErrors = buildJournals(rep.Payouts, r.cfg.Accounts)
	rep.Exceptions = Classifier{Now: func() time.Time { return now }}.FromReport(rep)

	return rep, changes, len(counted), nil
}

func (r *Reconciler) overdue(o OpenItem, now time.Time) bool {
	since := o.Expected.Date
	if since.IsZero() {
		since = o.FirstSeen
	}
	return now.Sub(since) > r.cfg.SLA
}

// acceptable drops expected items whose amount no settlement could carry
// (beyond the readers' amount bound or scale) and reports each as a read
// error naming the order and reference, so one corrupt order cannot
// overflow the sums of a whole run; the other items go through. Items
// beyond the run's amount budget are reported the same way.
func (r *Reconciler) acceptable(rep *Report, expected []Expected, budget *runBudget) []Expected {
	out := expected[:0:0]
	for i := range expected {
		if r.acceptOne(rep, &expected[i], budget) {
			if len(out) == i {
				out = expected[: i+1 : i+1]
			} else {
				out = append(out, expected[i])
			}
			continue
		}
		if len(out) == i {
			out = append(make([]Expected, 0, len(expected)), expected[:i]...)
		}
	}
	return out
}

// acceptOne is acceptable for one item: whether e is taken, and if not its
// read error in rep.
func (r *Reconciler) acceptOne(rep *Report, e *Expected, budget *runBudget) bool {
	if CheckAmount(e.Amount) == nil && budget.take(e.Amount) {
		return true
	}
	rep.ReadErrors = append(rep.ReadErrors, ReadError{File: "expected payments",
		Message: fmt.Sprintf("order %s, reference %s: amount %s %s is outside what a settlement can carry", e.OrderNo, e.PSPReference, e.Amount, e.Currency)})
	return false
}

// takeExpected is the run's copy of its new expected items in canonical
// order: those of expected, then those seq yields (Input.ExpectedSeq).
// Items no settlement could carry are left out and reported (acceptable).
func (r *Reconciler) takeExpected(ctx context.Context, expected []Expected, seq iter.Seq2[Expected, error], budget *runBudget) (freshItems, []ReadError, error) {
	var errs Report
	accepted := r.acceptable(&errs, expected, budget)
	if seq == nil {
		return canonicalExpected(accepted), errs.ReadErrors, nil
	}
	var (
		chunks expectedChunks
		ptrs   = make([]*Expected, 0, len(accepted))
	)
	for i := range accepted {
		ptrs = append(ptrs, chunks.add(&accepted[i]))
	}
	n := 0
	for e, err := range seq {
		if err != nil {
			return freshItems{}, nil, fmt.Errorf("reconcile: expected items: %w", err)
		}
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return freshItems{}, nil, err
			}
		}
		if r.acceptOne(&errs, &e, budget) {
			ptrs = append(ptrs, chunks.add(&e))
		}
	}
	if err := ctx.Err(); err != nil {
		return freshItems{}, nil, err
	}
	if order := canonicalOrder(len(ptrs), func(i int) *Expected { return ptrs[i] }); order != nil {
		sorted := make([]*Expected, len(ptrs))
		for k, i := range order {
			sorted[k] = ptrs[i]
		}
		ptrs = sorted
	}
	return withKeys(ptrs), errs.ReadErrors, nil
}

// expectedChunks holds the expected items a run reads from a sequence, in
// chunks of a fixed size: their number is not known before the sequence
// ends, and a slice grown to a million items would be copied over and over.
type expectedChunks struct{ cur []Expected }

const expectedChunkSize = 1 << 13

// add copies e into the chunks and returns the copy.
func (c *expectedChunks) add(e *Expected) *Expected {
	if len(c.cur) == cap(c.cur) {
		c.cur = make([]Expected, 0, expectedChunkSize)
	}
	c.cur = c.cur[:len(c.cur)+1]
	d := &c.cur[len(c.cur)-1]
	setExpected(d, e)
	return d
}

// builtItems is what buildItems returns, with the expected items left out
// (takeExpected).
type builtItems struct {
	items      []*item
	readErrors []ReadError
	err        error
}

// buildItems asks the store which of the new items (fresh) are closed
// already, records that in st.closed, and returns the run's items (items).
func (r *Reconciler) buildItems(ctx context.Context, st *loaded, fresh freshItems, now time.Time) builtItems {
	// Only the keys of new items can be closed: a stored open item is not.
	ask := fresh.keys
	if len(st.byKey) > 0 || !slices.IsSorted(ask) {
		ask = make([]string, 0, len(fresh.keys))
		for _, k := range fresh.keys {
			if st.byKey[k].Version == 0 {
				ask = append(ask, k)
			}
		}
	}
	st.closed = map[string]bool{}
	freshDups := false
	if len(ask) > 0 {
		if !slices.IsSorted(ask) {
			slices.Sort(ask)
		}
		if i := firstRepeat(ask); i > 0 {
			// Compacted in a copy: ask may be fresh.keys itself.
			ask = slices.Compact(slices.Clone(ask))
			freshDups = true
		}
		closed, err := r.cfg.Store.ClosedKeys(ctx, ask)
		if err != nil {
			return builtItems{err: fmt.Errorf("reconcile: load state: %w", err)}
		}
		st.closed = closed
	}
	return builtItems{items: r.items(*st, fresh, freshDups, now)}
}

// items merges the stored open items with the new expected ones (fresh,
// in canonical order); an item already open or closed is recognised by its
// key, and of two new items with one key the first in canonical order
// wins. freshDups says whether two new items share a key. The items come
// out stored ones first, each part in canonical order.
func (r *Reconciler) items(st loaded, fresh freshItems, freshDups bool, now time.Time) []*item {
	// Stored items in canonical order too, whatever order the store
	// lists them in.
	order := make([]int, len(st.open))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return compareExpected(&st.open[a].Expected, &st.open[b].Expected) })
	known := make(map[string]bool, len(st.open))
	// One slab for all items: a million expected payments are one
	// allocation, not a million.
	slab := make([]item, 0, len(st.open)+len(fresh.exps))
	for _, i := range order {
		o := &st.open[i]
		k := o.Expected.Key()
		if known[k] || st.closed[k] {
			continue
		}
		known[k] = true
		slab = append(slab, item{Expected: &o.Expected, Settled: o.Settled, firstSeen: &o.FirstSeen, key: k})
	}
	var seen map[string]bool
	if freshDups {
		seen = make(map[string]bool)
	}
	for i, e := range fresh.exps {
		k := fresh.keys[i]
		if known[k] || st.closed[k] {
			continue
		}
		if seen != nil {
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		slab = append(slab, item{Expected: e, Settled: e.Amount.Zero(), firstSeen: &now, key: k})
	}
	items := make([]*item, len(slab))
	for i := range slab {
		items[i] = &slab[i]
	}
	return items
}

// freshItems are a run's new expected items, its own copy, in canonical
// order (compareExpected), with their keys.
type freshItems struct {
	exps []*Expected
	keys []string
}

// canonicalExpected copies expected into canonical order and computes the
// keys.
func canonicalExpected(expected []Expected) freshItems {
	order := canonicalOrder(len(expected), func(i int) *Expected { return &expected[i] })
	var exps []Expected
	if order == nil {
		exps = cloneExpected(expected)
	} else {
		exps = make([]Expected, len(expected))
		for k, i := range order {
			setExpected(&exps[k], &expected[i])
		}
	}
	ptrs := make([]*Expected, len(exps))
	for i := range exps {
		ptrs[i] = &exps[i]
	}
	return withKeys(ptrs)
}

// canonicalOrder returns the positions of n expected items (item i is
// at(i)) in canonical order, or nil when they are in that order already. It
// sorts small keys (the currency's rank, the first 16 bytes of the order
// number, the position) and compares whole items only when those tie;
// items that compare equal keep their input order.
func canonicalOrder(n int, at func(int) *Expected) []int32 {
	// Hosts often list the items in order already (by order number, one
	// currency): then there is nothing to sort.
	inOrder := true
	for i := 1; i < n && inOrder; i++ {
		inOrder = compareExpected(at(i-1), at(i)) <= 0
	}
	if inOrder {
		return nil
	}
	var currencies []string
	rank := map[string]uint32{}
	for i := range n {
		if c := at(i).Currency; !inMap(rank, c) {
			rank[c] = 0
			currencies = append(currencies, c)
		}
	}
	slices.Sort(currencies)
	for i, c := range currencies {
		rank[c] = uint32(i)
	}
	type key struct {
		hi, lo uint64
		cur    uint32
		i      int32
	}
	keys := make([]key, n)
	last, lastRank := "", uint32(0)
	for i := range n {
		e := at(i)
		if i == 0 || e.Currency != last {
			last, lastRank = e.Currency, rank[e.Currency]
		}
		hi, lo := prefix16(e.OrderNo)
		keys[i] = key{hi, lo, lastRank, int32(i)}
	}
	sortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(a.cur, b.cur); c != 0 {
			return c
		}
		if c := cmp.Compare(a.hi, b.hi); c != 0 {
			return c
		}
		if c := cmp.Compare(a.lo, b.lo); c != 0 {
			return c
		}
		if c := compareExpected(at(int(a.i)), at(int(b.i))); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	order := make([]int32, n)
	for k, key := range keys {
		order[k] = key.i
	}
	return order
}

func inMap[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}

// cloneExpected copies xs. A copy of a million items that hold pointers
// runs while the collector marks (it is allocated then): as one copy it
// ran for about a second, a bulk write barrier over every pointer slot,
// and could not be preempted, so the collector's stack scan spun waiting
// for it. Field by field (setExpected) the compiler's write barriers are
// a fraction of that, and the loop can be preempted anywhere.
func cloneExpected(xs []Expected) []Expected {
	out := make([]Expected, len(xs))
	for i := range xs {
		setExpected(&out[i], &xs[i])
	}
	return out
}

// setExpected is *d = *e, field by field: cheaper than a struct copy while
// the collector marks (cloneExpected). TestSetExpectedCopiesEveryField
// fails when Expected gains a field this does not copy.
func setExpected(d, e *Expected) {
	d.Kind, d.OrderNo, d.PSPReference, d.RefundID, d.Method = e.Kind, e.OrderNo, e.PSPReference, e.RefundID, e.Method
	d.Amount, d.Currency, d.Date, d.Seq = e.Amount, e.Currency, e.Date, e.Seq
}

// withKeys is exps, in canonical order, with their keys. The keys are cut
// from one string: a million keys are one allocation.
func withKeys(exps []*Expected) freshItems {
	n := len(exps)
	out := freshItems{exps: exps, keys: make([]string, n)}
	size := 0
	for _, e := range exps {
		size += len(e.Kind) + len(e.OrderNo) + len(e.PSPReference) + len(e.RefundID) + 4 + digits(e.Seq)
	}
	var b strings.Builder
	b.Grow(size)
	var num [24]byte
	ends := make([]int, n)
	for i, e := range out.exps {
		b.WriteString(string(e.Kind))
		b.WriteByte('|')
		b.WriteString(e.OrderNo)
		b.WriteByte('|')
		b.WriteString(e.PSPReference)
		b.WriteByte('|')
		b.WriteString(e.RefundID)
		b.WriteByte('|')
		b.Write(strconv.AppendInt(num[:0], int64(e.Seq), 10))
		ends[i] = b.Len()
	}
	all := b.String()
	start := 0
	for i, end := range ends {
		out.keys[i] = all[start:end] // Expected.Key()
		start = end
	}
	return out
}

// firstRepeat is the index of the first element of sorted ss equal to the
// one before it, or -1.
func firstRepeat(ss []string) int {
	for i := 1; i < len(ss); i++ {
		if ss[i] == ss[i-1] {
			return i
		}
	}
	return -1
}

// digits is the length of strconv.Itoa(n).
func digits(n int) int {
	d := 1
	if n < 0 {
		d++ // the sign; -n may overflow, so count on n itself
	}
	for n <= -10 || n >= 10 {
		n /= 10
		d++
	}
	return d
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

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/riverqueue/river"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/internal/sqlstore"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/erpjournal"
	"github.com/o2ckit/o2c/sfcc"
)

// Settlement. The payment providers drop their settlement files into
// -settlements DIR, one folder per provider (DIR/adyen, DIR/stripe,
// DIR/paypal), the way an SFTP drop or a scheduled download leaves them.
// find_settlements lists the folders and queues one reconcile_settlement per
// file, unique by the file's content digest: a file seen before (under any
// name) is one job, and a file rewritten with new content is a new one.
//
// The expected side comes from the export: every exported order's payments
// (reconcile.ExpectedFromOrder, read from the order the Exporter just read,
// so no extra SFCC request) wait in o2cd_expected until a settlement run
// takes them into reconcile's store as open items. reconcile_settlement
// reads the file, matches it against the open items and the waiting
// payments, raises the run's exceptions, posts the balanced fee and payout
// journals to the ERP ledger (idempotent on their reference), keeps the
// report for the console, and only then commits the state: a run that dies
// half-way is run again by River and does the same thing once.

// settlementFormats are the providers o2cd reads, by folder name.
var settlementFormats = map[string]reconcile.Format{
	"adyen":  reconcile.Adyen{},
	"stripe": reconcile.Stripe{},
	"paypal": reconcile.PayPal{},
}

const (
	kindFindSettlements     = "find_settlements"
	kindReconcileSettlement = "reconcile_settlement"
)

type findSettlementsArgs struct{}

func (findSettlementsArgs) Kind() string                 { return kindFindSettlements }
func (findSettlementsArgs) InsertOpts() river.InsertOpts { return periodicOpts(kindFindSettlements) }

type reconcileSettlementArgs struct {
	Provider string `json:"provider"`
	Path     string `json:"path"`
	Digest   string `json:"digest" river:"unique"`
}

func (reconcileSettlementArgs) Kind() string { return kindReconcileSettlement }
func (reconcileSettlementArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: policies[kindReconcileSettlement].attempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type findSettlementsWorker struct{ policy[findSettlementsArgs] }

// Work queues a reconcile_settlement per file in the provider folders.
func (w *findSettlementsWorker) Work(ctx context.Context, _ *river.Job[findSettlementsArgs]) error {
	s := w.s
	started, err := s.startRun(ctx, kindFindSettlements)
	if err != nil {
		return err
	}
	var params []river.InsertManyParams
	providers := make([]string, 0, len(settlementFormats))
	for p := range settlementFormats {
		providers = append(providers, p)
	}
	sort.Strings(providers)
	for _, p := range providers {
		dir := filepath.Join(s.cfg.SettlementsDir, p)
		entries, err := os.ReadDir(dir)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("settlement folder %s: %w", dir, err)
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || e.Name()[0] == '.' {
				continue
			}
			path := filepath.Join(dir, e.Name())
			digest, err := fileDigest(path)
			if err != nil {
				return fmt.Errorf("settlement file %s: %w", path, err)
			}
			params = append(params, river.InsertManyParams{Args: reconcileSettlementArgs{Provider: p, Path: path, Digest: digest}})
		}
	}
	added := 0
	if len(params) > 0 {
		err := s.db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
			res, err := s.river.InsertManyTx(ctx, tx.SQL(), params)
			added = 0
			for _, r := range res {
				if !r.UniqueSkippedAsDuplicate {
					added++
				}
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("enqueue settlement files: %w", err)
		}
	}
	if added > 0 {
		s.log.InfoContext(ctx, "settlement files queued", slog.Int("files", added))
	}
	return s.noteRun(ctx, kindFindSettlements, started, added > 0)
}

func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

type reconcileSettlementWorker struct {
	policy[reconcileSettlementArgs]
}

// Work reconciles one settlement file (see the comment at the top).
func (w *reconcileSettlementWorker) Work(ctx context.Context, job *river.Job[reconcileSettlementArgs]) error {
	s := w.s
	a := job.Args
	format, ok := settlementFormats[a.Provider]
	if !ok {
		return river.JobCancel(fmt.Errorf("settlement file %s: unknown provider %q", a.Path, a.Provider))
	}
	body, err := os.ReadFile(a.Path)
	if errors.Is(err, os.ErrNotExist) {
		// Moved away after it was queued: the file under its new name
		// has the same digest and is recognised as seen.
		s.log.WarnContext(ctx, "settlement file gone before it was reconciled", slog.String("file", a.Path))
		return nil
	}
	if err != nil {
		return fmt.Errorf("settlement file %s: %w", a.Path, err)
	}
	if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != a.Digest {
		// Rewritten since it was queued: find_settlements queues the new
		// content under its own digest.
		s.log.WarnContext(ctx, "settlement file changed after it was queued; the new content is queued anew", slog.String("file", a.Path))
		return nil
	}
	waiting, err := s.stores.expected.all(ctx)
	if err != nil {
		return err
	}
	rec, err := reconcile.New(reconcile.Config{
		Store:    s.stores.settlement,
		Accounts: reconcile.TableAccounts{Tables: s.tables},
		SLA:      s.cfg.SettleSLA,
		Logger:   s.log,
	})
	if err != nil {
		return err
	}
	name := a.Provider + "/" + filepath.Base(a.Path)
	pending, err := rec.Prepare(ctx, reconcile.Input{
		Expected: waiting,
		Files:    []reconcile.SettlementFile{{Name: name, Format: format, Body: bytes.NewReader(body)}},
	})
	if err != nil {
		return fmt.Errorf("reconcile %s: %w", name, err)
	}
	defer pending.Discard()
	rep := pending.Report
	// Exceptions first: a run that dies after this raises them again,
	// which keeps their first sighting.
	if err := s.raise(ctx, rep.Exceptions...); err != nil {
		return err
	}
	for _, j := range rep.Journals {
		if _, err := s.erp.PostJournal(ctx, erpjournal.Entry(j)); err != nil {
			if errors.Is(err, erp.ErrUnavailable) {
				return fmt.Errorf("post settlement journal %s: %w", j.ID, err)
			}
			if err := s.raise(ctx, s.classify(fmt.Errorf("settlement journal %s: %w", j.ID, err), "settlement:"+j.ID)...); err != nil {
				return err
			}
		}
	}
	var page bytes.Buffer
	if err := rep.WriteHTML(&page); err != nil {
		return err
	}
	if err := s.stores.reports.put(ctx, settlementReport{
		File: name, RunAt: rep.RunAt, HTML: page.Bytes(),
		Matched: len(rep.Matched), Open: len(rep.Open) + len(rep.Missing), Exceptions: len(rep.Exceptions),
	}); err != nil {
		return err
	}
	if err := pending.Commit(ctx); err != nil {
		return fmt.Errorf("reconcile %s: store the state: %w", name, err)
	}
	// Every run reports every overdue payment still open, so a payment
	// reported missing before (by another file's run, or by an attempt that
	// lost to a concurrent run and was done again) and not reported now has
	// been settled since.
	if err := s.settleMissing(ctx, rep, name); err != nil {
		return err
	}
	// The waiting payments are in the store now, open or settled.
	keys := make([]string, len(waiting))
	for i, e := range waiting {
		keys[i] = e.Key()
	}
	if err := s.stores.expected.remove(ctx, keys); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "settlement reconciled", slog.String("file", name), slog.Int("matched", len(rep.Matched)),
		slog.Int("open", len(rep.Open)+len(rep.Missing)), slog.Int("exceptions", len(rep.Exceptions)), slog.Int("journals", len(rep.Journals)))
	return s.stores.activity.found(ctx, workRow, time.Now())
}

// settleMissing resolves the open payment-missing exceptions rep no longer
// reports.
func (s *service) settleMissing(ctx context.Context, rep *reconcile.Report, file string) error {
	still := map[string]bool{}
	for _, x := range rep.Exceptions {
		if x.Kind == reconcile.KindPaymentMissing {
			still[x.Key] = true
		}
	}
	open, err := s.allExceptions(ctx, reconcile.ExceptionQuery{Kind: reconcile.KindPaymentMissing, Status: reconcile.StatusOpen})
	if err != nil {
		return err
	}
	var settled []string
	for _, r := range open {
		if !still[r.Key] {
			settled = append(settled, r.Key)
		}
	}
	for _, key := range settled {
		if err := s.settleExceptions(ctx, key, "settled (found by the run of "+file+")", reconcile.KindPaymentMissing); err != nil {
			return err
		}
	}
	return nil
}

// expectedStore keeps exported orders' payments until a settlement run
// takes them. Keys are reconcile.Expected.Key, so adding one twice (an
// export replayed) keeps one.
type expectedStore struct{ db *sqlstore.DB }

func (s *expectedStore) add(ctx context.Context, es []reconcile.Expected, at time.Time) error {
	if len(es) == 0 {
		return nil
	}
	return s.db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
		for _, e := range es {
			data, err := json.Marshal(e)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO o2cd_expected (item, data, added_at) VALUES (?, ?, ?) ON CONFLICT (item) DO NOTHING`,
				e.Key(), string(data), sqlstore.Nanos(at)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *expectedStore) all(ctx context.Context) ([]reconcile.Expected, error) {
	rows, err := s.db.Query(ctx, `SELECT item, data FROM o2cd_expected ORDER BY item`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []reconcile.Expected
	for rows.Next() {
		var key, data string
		if err := rows.Scan(&key, &data); err != nil {
			return nil, err
		}
		var e reconcile.Expected
		if err := json.Unmarshal([]byte(data), &e); err != nil {
			return nil, fmt.Errorf("expected payment %s: %w", key, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *expectedStore) remove(ctx context.Context, keys []string) error {
	for chunk := range slices.Chunk(keys, 200) {
		if err := s.db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
			for _, k := range chunk {
				if _, err := tx.Exec(ctx, `DELETE FROM o2cd_expected WHERE item = ?`, k); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// settlementReport is one settlement run's page and figures.
type settlementReport struct {
	File                      string
	RunAt                     time.Time
	HTML                      []byte
	Matched, Open, Exceptions int
}

// reportStore keeps each settlement file's latest report.
type reportStore struct{ db *sqlstore.DB }

func (s *reportStore) put(ctx context.Context, r settlementReport) error {
	_, err := s.db.Exec(ctx, `INSERT INTO o2cd_settlement_reports (file, run_at, html, matched, open_items, exceptions) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (file) DO UPDATE SET run_at = excluded.run_at, html = excluded.html, matched = excluded.matched,
		open_items = excluded.open_items, exceptions = excluded.exceptions`,
		r.File, sqlstore.Nanos(r.RunAt), string(r.HTML), r.Matched, r.Open, r.Exceptions)
	return err
}

// latest returns the newest report; ok is false when there is none.
func (s *reportStore) latest(ctx context.Context) (settlementReport, bool, error) {
	var r settlementReport
	var at int64
	var html string
	err := s.db.QueryRow(ctx, `SELECT file, run_at, html, matched, open_items, exceptions FROM o2cd_settlement_reports
		ORDER BY run_at DESC, file DESC LIMIT 1`).Scan(&r.File, &at, &html, &r.Matched, &r.Open, &r.Exceptions)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	r.RunAt, r.HTML = sqlstore.Time(at), []byte(html)
	return r, true, nil
}

// matched is the number of settlement lines matched over every file.
func (s *reportStore) matched(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(matched), 0) FROM o2cd_settlement_reports`).Scan(&n)
	return n, err
}

// orderCapture keeps the order the Exporter read in this job, so its
// payments are known without reading it again.
type orderCapture struct {
	o  sfcc.Order
	ok bool
}

type orderCaptureKey struct{}

func withOrderCapture(ctx context.Context) (context.Context, func() (sfcc.Order, bool)) {
	c := &orderCapture{}
	return context.WithValue(ctx, orderCaptureKey{}, c), func() (sfcc.Order, bool) { return c.o, c.ok }
}

// capturingOrders is the SFCC client as the Exporter sees it: GetOrder also
// hands the order to the job's orderCapture.
type capturingOrders struct{ erp.SFCCOrders }

func (c capturingOrders) GetOrder(ctx context.Context, orderNo string) (sfcc.Order, error) {
	o, err := c.SFCCOrders.GetOrder(ctx, orderNo)
	if cap, ok := ctx.Value(orderCaptureKey{}).(*orderCapture); ok && err == nil {
		cap.o, cap.ok = o, true
	}
	return o, err
}

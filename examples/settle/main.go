// Command settle reconciles an SFCC Order XML export against payment
// provider settlement files and prints the summary finance needs.
//
//	go run ./examples/settle -orders FILE.xml -settlement adyen:FILE.csv \
//	    [-settlement stripe:FILE.csv] [-settlement paypal:STL-….CSV] \
//	    [-refunds FILE.csv] [-accounts accounts.csv] [-state DIR|sqlite:PATH|postgres://…] \
//	    [-html report.html] [-csv report.csv] [-json] [-strict]
//
// With -state, expected payments not yet settled carry over to the next run
// and files already reconciled are recognised. The state is a directory
// (one JSON file), a SQLite database (sqlite:PATH) or a PostgreSQL database
// (a postgres:// URL); the databases also keep the run's exceptions, with
// first and last sighting, for the people who resolve them. The state is
// saved only after every output (-html, -csv, the summary, the exceptions)
// is written, so a failed write changes nothing. One run at a time may use
// a -state directory, and a second run started meanwhile stops with "state
// is locked" (exit 2); runs on one database may overlap: a run that finds
// the state changed by another when it saves reconciles again from the new
// state (up to 20 times) and writes its outputs anew. Exit status: 0 when it
// ran, 1 with -strict when anything is unmatched, mismatched, in review or
// unreadable (a settlement row, an order or a refund row that was skipped),
// 2 when it could not run: bad arguments, unusable input files, or a state
// that cannot be read or written.
//
// Try it on the shipped example data: with no -orders, -settlement, -refunds
// or -accounts it reconciles the example files built into the program (the
// ones in examples/settle/testdata) as of 2026-11-06T08:00:00Z, prints the
// summary and writes the HTML page to settle-report.html in the system's
// temporary directory (or where -html says):
//
//	go run ./examples/settle
//
// The same run, spelled out from the repository root:
//
//	go run ./examples/settle -now 2026-11-06T08:00:00Z \
//	    -orders examples/settle/testdata/orders.xml \
//	    -refunds examples/settle/testdata/refunds.csv \
//	    -accounts examples/settle/testdata/accounts.csv \
//	    -settlement adyen:examples/settle/testdata/settlement_detail_report_batch_101.csv \
//	    -settlement adyen:examples/settle/testdata/settlement_detail_report_batch_102.csv \
//	    -settlement stripe:examples/settle/testdata/payout_reconciliation_itemized_po_1.csv \
//	    -settlement paypal:examples/settle/testdata/STL-20261102.01.009.CSV \
//	    -html /tmp/report.html
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/csvin"
	"github.com/o2ckit/o2c/internal/sqlstore"
	_ "github.com/o2ckit/o2c/internal/sqlstore/drivers" // SQLite and PostgreSQL for -state
	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/reconcilesql"
	"github.com/o2ckit/o2c/sfcc/orderxml"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// shipped is the example data the program reconciles when it is given no
// input files.
//
//go:embed testdata/*.xml testdata/*.csv testdata/*.CSV
var shipped embed.FS

// The shipped example run: its files (paths inside shipped) and the moment
// it is reconciled as of, so the example reads the same on any day.
const shippedNow = "2026-11-06T08:00:00Z"

var shippedSettlements = []string{
	"adyen:testdata/settlement_detail_report_batch_101.csv",
	"adyen:testdata/settlement_detail_report_batch_102.csv",
	"stripe:testdata/payout_reconciliation_itemized_po_1.csv",
	"paypal:testdata/STL-20261102.01.009.CSV",
}

// shippedHTML is the file name of the example run's HTML page, in the
// temporary directory, when -html is not given.
const shippedHTML = "settle-report.html"

// Exit codes.
const (
	exitOK        = 0
	exitUnsettled = 1
	exitUsage     = 2
)

type settlementFlags []string

// String lists the -settlement values.
func (s *settlementFlags) String() string { return strings.Join(*s, ",") }

// Set adds one -settlement value.
func (s *settlementFlags) Set(v string) error { *s = append(*s, v); return nil }

var formats = map[string]reconcile.Format{
	"adyen":  reconcile.Adyen{},
	"stripe": reconcile.Stripe{},
	"paypal": reconcile.PayPal{},
}

// usageError is a bad argument or an input file that cannot be used.
type usageError struct{ msg string }

// Error is the message shown before the usage.
func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("settle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		settlements settlementFlags
		ordersPath  = fs.String("orders", "", "SFCC Order XML export (required)")
		refundsPath = fs.String("refunds", "", "CSV of refunds the host issued: order_no,psp_reference,refund_id,amount,currency,date")
		accounts    = fs.String("accounts", "", "mapping accounts table (CSV) for the fee and payout journals")
		stateDir    = fs.String("state", "", "state kept between runs: a directory, sqlite:PATH or a postgres:// URL")
		htmlPath    = fs.String("html", "", "write the HTML report to this file")
		csvPath     = fs.String("csv", "", "write the finance CSV report to this file")
		asJSON      = fs.Bool("json", false, "print the full report as JSON instead of the summary")
		strict      = fs.Bool("strict", false, "exit 1 when anything is unmatched, mismatched, in review or unreadable")
		sla         = fs.Duration("sla", reconcile.DefaultSLA, "how long a payment may stay unsettled before it is missing")
		tolerance   = fs.String("tolerance", "0.05", "absolute amount tolerance for matches without a reference (0 = exact)")
		window      = fs.Int("window-days", 7, "days after the payment a settlement may be booked")
		now         = fs.String("now", "", "reconcile as of this RFC 3339 time (default: now)")
	)
	fs.Var(&settlements, "settlement", "provider:FILE, provider one of adyen, stripe, paypal (repeatable)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	o := options{
		orders: *ordersPath, refunds: *refundsPath, accounts: *accounts, state: *stateDir, settlements: settlements,
		sla: *sla, tolerance: *tolerance, window: *window, now: *now, extra: fs.Args(), open: openFile,
	}
	example := o.orders == "" && o.refunds == "" && o.accounts == "" && len(o.settlements) == 0 && len(o.extra) == 0
	if example {
		// No input files: reconcile the shipped example data.
		o.orders, o.refunds, o.accounts = "testdata/orders.xml", "testdata/refunds.csv", "testdata/accounts.csv"
		o.settlements, o.open = shippedSettlements, openShipped
		if o.now == "" {
			o.now = shippedNow
		}
		if *htmlPath == "" {
			*htmlPath = filepath.Join(os.TempDir(), shippedHTML)
		}
		printf(stderr, "settle: no -orders or -settlement given: reconciling the shipped example data as of %s\n", o.now)
	}
	state, err := openState(ctx, o.state)
	if err != nil {
		printf(stderr, "settle: %v\n", err)
		return exitUsage
	}
	defer state.close()
	o.store, o.exceptions = state.store, state.exceptions
	for attempt := 1; ; attempt++ {
		code, err := settleOnce(ctx, o, outputs{html: *htmlPath, csv: *csvPath, json: *asJSON, strict: *strict}, attempt, stdout, stderr)
		if errors.Is(err, reconcile.ErrConflict) && attempt < maxAttempts {
			printf(stderr, "settle: %v; reconciling again from the new state\n", err)
			continue
		}
		if err != nil {
			printf(stderr, "settle: %v\n", err)
			var ue usageError
			if errors.As(err, &ue) {
				fs.Usage()
			}
			return exitUsage
		}
		if example {
			printf(stderr, "settle: HTML report written to %s (open it in a browser)\n", *htmlPath)
		}
		return code
	}
}

// maxAttempts bounds how often a run that lost a race to another run on the
// same database reconciles again.
const maxAttempts = 20

type outputs struct {
	html, csv    string
	json, strict bool
}

// settleOnce reconciles, writes every output and then commits the state: a
// failed write leaves it as it was, and the same files can be run again.
// A commit that finds the state changed by another run returns an error
// matching reconcile.ErrConflict, nothing stored.
func settleOnce(ctx context.Context, o options, out outputs, attempt int, stdout, stderr io.Writer) (int, error) {
	run, skipped, err := reconcileFiles(ctx, stderr, o)
	if err != nil {
		return exitUsage, err
	}
	defer run.Discard()
	step(stderr, "prepared", attempt)
	rep := run.Report
	for _, f := range []struct {
		path  string
		write func(io.Writer) error
	}{{out.html, rep.WriteHTML}, {out.csv, rep.WriteCSV}} {
		if f.path == "" {
			continue
		}
		if err := writeFile(f.path, f.write); err != nil {
			return exitUsage, err
		}
	}
	if out.json {
		if err := rep.WriteJSON(stdout); err != nil {
			return exitUsage, err
		}
	} else {
		printSummary(stdout, rep)
	}
	step(stderr, "written", attempt)
	step(stderr, "committing", attempt)
	if err := run.Commit(ctx); err != nil {
		return exitUsage, err
	}
	step(stderr, "committed", attempt)
	if out.strict && (len(rep.Mismatches)+len(rep.Missing)+len(rep.Unexpected)+len(rep.Review)+len(rep.ReadErrors)+skipped > 0) {
		return exitUnsettled, nil
	}
	return exitOK, nil
}

// Test hooks: with O2C_SETTLE_STEPS set, each step of a run is announced
// on stderr as "settle-step NAME ATTEMPT"; with O2C_SETTLE_PAUSE=NAME the
// first attempt also stops at that step until a line (or the end) arrives
// on stdin. The crash and concurrency tests use them to kill or release
// the process at chosen points.
const (
	envSteps = "O2C_SETTLE_STEPS"
	envPause = "O2C_SETTLE_PAUSE"
)

func step(stderr io.Writer, name string, attempt int) {
	if os.Getenv(envSteps) == "" {
		return
	}
	printf(stderr, "settle-step %s %d\n", name, attempt)
	if attempt == 1 && os.Getenv(envPause) == name {
		var b [1]byte
		for {
			if n, err := os.Stdin.Read(b[:]); err != nil || (n == 1 && b[0] == '\n') {
				return
			}
		}
	}
}

// state is the -state store and, on a database, its exception store.
type state struct {
	store      reconcile.Store
	exceptions reconcile.ExceptionStore
	close      func()
}

// openState opens -state: "" (memory), a directory, sqlite:PATH or a
// postgres:// URL. Errors never repeat a URL, which may hold a password.
func openState(ctx context.Context, spec string) (state, error) {
	switch {
	case spec == "":
		return state{close: func() {}}, nil
	case strings.HasPrefix(spec, "sqlite:"), strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		db, err := sqlstore.Open(ctx, spec)
		if err != nil {
			return state{}, fmt.Errorf("-state: %w", err)
		}
		return state{store: reconcilesql.New(db), exceptions: reconcilesql.NewExceptionStore(db), close: func() { db.Close() }}, nil
	}
	return state{store: &reconcile.FileStore{Dir: spec}, close: func() {}}, nil
}

type options struct {
	orders, refunds, accounts, state string
	// store is the opened -state, exceptions its exception store (on a
	// database); nil for none.
	store       reconcile.Store
	exceptions  reconcile.ExceptionStore
	settlements []string
	sla         time.Duration
	tolerance   string
	window      int
	now         string
	extra       []string
	// open opens an input file: from disk, or from the shipped data.
	open func(name string) (io.ReadCloser, error)
}

func openFile(name string) (io.ReadCloser, error) { return os.Open(name) }

func openShipped(name string) (io.ReadCloser, error) { return shipped.Open(name) }

// reconcileFiles runs the reconciliation. skipped counts the orders and
// refund rows that could not be read: they are reported on stderr, the
// others still count.
func reconcileFiles(ctx context.Context, stderr io.Writer, o options) (run *reconcile.Pending, skipped int, err error) {
	if len(o.extra) > 0 {
		return nil, 0, usagef("unexpected arguments %q", o.extra)
	}
	if o.orders == "" {
		return nil, 0, usagef("-orders is required")
	}
	if len(o.settlements) == 0 {
		return nil, 0, usagef("at least one -settlement provider:FILE is required")
	}
	cfg := reconcile.Config{SLA: o.sla}
	if o.now != "" {
		at, err := time.Parse(time.RFC3339, o.now)
		if err != nil {
			return nil, 0, usagef("-now %q is not an RFC 3339 time", o.now)
		}
		cfg.Now = func() time.Time { return at }
	}
	tol, err := decimal.Parse(o.tolerance)
	if err != nil || tol.IsNeg() || o.window < 0 {
		return nil, 0, usagef("-tolerance %q and -window-days %d must be non-negative", o.tolerance, o.window)
	}
	if !tol.IsZero() {
		cfg.Rules = []reconcile.ToleranceRule{{Name: "amount-" + tol.String(), Absolute: tol, DaysAfter: o.window}}
	}
	cfg.Store, cfg.Exceptions = o.store, o.exceptions
	if o.accounts != "" {
		f, err := o.open(o.accounts)
		if err != nil {
			return nil, 0, usagef("%v", err)
		}
		tables, err := mapping.Read(mapping.Input{Table: mapping.Accounts, Name: filepath.Base(o.accounts), Format: mapping.CSV, R: f})
		f.Close()
		if err != nil {
			return nil, 0, usagef("%v", err)
		}
		cfg.Accounts = reconcile.TableAccounts{Tables: tables}
	}
	r, err := reconcile.New(cfg)
	if err != nil {
		return nil, 0, usagef("%v", err)
	}

	expected, skipped, err := readOrders(ctx, stderr, o.open, o.orders)
	if err != nil {
		return nil, 0, err
	}
	if o.refunds != "" {
		refunds, bad, err := readRefunds(stderr, o.open, o.refunds)
		if err != nil {
			return nil, 0, err
		}
		skipped += bad
		expected = append(expected, refunds...)
	}

	var files []reconcile.SettlementFile
	for _, s := range o.settlements {
		provider, path, ok := strings.Cut(s, ":")
		format, known := formats[provider]
		if !ok || !known || path == "" {
			return nil, 0, usagef("-settlement %q: want provider:FILE with provider adyen, stripe or paypal", s)
		}
		f, err := o.open(path)
		if err != nil {
			return nil, 0, usagef("%v", err)
		}
		defer f.Close()
		files = append(files, reconcile.SettlementFile{Name: filepath.Base(path), Format: format, Body: f})
	}
	run, err = r.Prepare(ctx, reconcile.Input{Expected: expected, Files: files})
	return run, skipped, err
}

// readOrders decodes the export; an order that cannot be decoded is
// reported and skipped (and counted), the others still count.
func readOrders(ctx context.Context, stderr io.Writer, open func(string) (io.ReadCloser, error), path string) ([]reconcile.Expected, int, error) {
	f, err := open(path)
	if err != nil {
		return nil, 0, usagef("%v", err)
	}
	defer f.Close()
	var expected []reconcile.Expected
	var skipped []error
	for o, err := range orderxml.NewDecoder(f, orderxml.SkipInvalid()).All(ctx) {
		if err != nil {
			if orderxml.IsSkippable(err) {
				skipped = append(skipped, err)
				continue
			}
			return nil, 0, usagef("orders %s: %v", path, err)
		}
		expected = append(expected, reconcile.ExpectedFromOrder(o)...)
	}
	for _, err := range skipped {
		printf(stderr, "settle: order skipped: %v\n", err)
	}
	return expected, len(skipped), nil
}

// readRefunds reads the host's refunds CSV by header name, through the
// module's CSV opener (BOM dropped, broken rows reported at their line,
// cells capped). A row that is broken, short, or whose amount or date does
// not parse is reported and skipped (and counted); the other rows still
// count.
func readRefunds(stderr io.Writer, open func(string) (io.ReadCloser, error), path string) ([]reconcile.Expected, int, error) {
	f, err := open(path)
	if err != nil {
		return nil, 0, usagef("%v", err)
	}
	defer f.Close()
	cr := csvin.NewReader(f, csvin.Config{})
	header, _, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			err = errors.New("empty file")
		}
		return nil, 0, usagef("refunds %s: %v", path, err)
	}
	cr.ExpectFields(len(header))
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, c := range []string{"order_no", "psp_reference", "refund_id", "amount", "currency", "date"} {
		if _, ok := col[c]; !ok {
			return nil, 0, usagef("refunds %s: missing column %s", path, c)
		}
	}
	var out []reconcile.Expected
	skipped := 0
	skip := func(line int, format string, args ...any) {
		printf(stderr, "settle: refund skipped: %s line %d: "+format+"\n", append([]any{path, line}, args...)...)
		skipped++
	}
	for {
		rec, line, err := cr.Read()
		if err == io.EOF {
			break
		}
		var re *csvin.RecordError
		if errors.As(err, &re) {
			skip(re.Line, "%v", re.Err)
			continue
		}
		if err != nil {
			return nil, 0, usagef("refunds %s: %v", path, err)
		}
		if len(rec) < len(header) {
			skip(line, "%d fields, the header has %d", len(rec), len(header))
			continue
		}
		amt, err := decimal.Parse(rec[col["amount"]])
		if err == nil {
			err = reconcile.CheckAmount(amt)
		}
		if err != nil {
			skip(line, "amount %q is not a decimal number within the amount bound", rec[col["amount"]])
			continue
		}
		date, err := time.Parse(time.DateOnly, rec[col["date"]])
		if err != nil {
			skip(line, "date %q is not YYYY-MM-DD", rec[col["date"]])
			continue
		}
		out = append(out, reconcile.Refund{OrderNo: rec[col["order_no"]], PSPReference: rec[col["psp_reference"]],
			RefundID: rec[col["refund_id"]], Amount: amt, Currency: rec[col["currency"]], Date: date}.Expected())
	}
	return out, skipped, nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func printSummary(w io.Writer, rep *reconcile.Report) {
	printf(w, "Reconciliation as of %s\n\n", rep.RunAt.Format(time.RFC3339))
	printf(w, "%-8s %-12s %-4s %10s %10s %10s %10s %10s %12s %10s %10s\n",
		"provider", "payout", "cur", "gross", "refunds", "chargebk", "adjust", "fees", "net expect", "net paid", "diff")
	line := func(p reconcile.PayoutSummary, provider, payout string) {
		printf(w, "%-8s %-12s %-4s %10s %10s %10s %10s %10s %12s %10s %10s\n", provider, payout, p.Currency,
			p.Gross, p.Refunds, mustAdd(p.Chargebacks, p.ChargebackReversals), mustAdd(p.Adjustments, p.Conversions),
			p.FeeTotal, p.NetExpected, p.NetPaid, p.Difference)
	}
	for _, p := range rep.Payouts {
		line(p, p.Provider, p.PayoutID)
	}
	for _, p := range rep.Totals {
		line(p, "TOTAL", "")
	}
	printf(w, "\nmatched %d · mismatched %d · review %d · unexpected %d · open %d · missing %d · duplicate files %d · unreadable %d\n",
		len(rep.Matched), len(rep.Mismatches), len(rep.Review), len(rep.Unexpected), len(rep.Open), len(rep.Missing),
		len(rep.DuplicateFiles), len(rep.ReadErrors))
	if len(rep.Exceptions) > 0 {
		printf(w, "\nexceptions:\n")
		for _, x := range rep.Exceptions {
			printf(w, "  [%s] %s %s: %s\n", x.Owner, x.Kind, x.Key, x.Detail)
		}
	}
}

func mustAdd(a, b decimal.Decimal) decimal.Decimal {
	s, err := a.Add(b)
	if err != nil {
		return a
	}
	return s
}

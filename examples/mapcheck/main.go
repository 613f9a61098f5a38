// Command mapcheck runs SFCC Order XML exports through the mapping tables
// and the ERP translation, the check finance runs before go-live and after
// every table change:
//
//	go run ./examples/mapcheck [-tables DIR] [-tolerance 0.01] FILE...
//
// For each order it prints one JSON line to stdout: the ERP sales order and
// its journal, or the order's error. Then it writes an audit to stderr:
// every missing mapping once (table, key, how many orders need it, example
// order numbers), other failures, and totals per currency, SFCC against
// ERP. It exits 1 when a mapping is missing, an order fails, or a total
// differs; 2 on bad usage or unreadable tables.
//
// Without -tables it uses the example tables of a UK/US store bundled in
// its tables/ folder; testdata/sample-orders.xml is an export to try:
//
//	go run ./examples/mapcheck examples/mapcheck/testdata/sample-orders.xml
package main

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/internal/termsafe"
	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/orderxml"
)

//go:embed tables/*.csv
var exampleTables embed.FS

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// line is one JSON Lines record of the output.
type line struct {
	File       string            `json:"file"`
	OrderNo    string            `json:"order_no,omitempty"`
	SalesOrder *erp.SalesOrder   `json:"sales_order,omitempty"`
	Journal    *erp.JournalEntry `json:"journal,omitempty"`
	Error      string            `json:"error,omitempty"`
}

// currencyTotal compares one currency's totals across systems.
type currencyTotal struct {
	orders, translated int
	sfcc, erp          decimal.Decimal
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("mapcheck", flag.ContinueOnError)
	flags.SetOutput(stderr)
	tablesDir := flags.String("tables", "", "directory holding payments, promotions, tax, shipping, attributes and accounts tables (.csv or .json); default: the bundled UK/US example tables")
	tolerance := flags.String("tolerance", "0.01", "largest residual, in currency units, posted to the rounding account")
	examples := flags.Int("examples", 3, "example order numbers to show per missing mapping")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: mapcheck [-tables DIR] [-tolerance 0.01] [-examples 3] FILE...")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() == 0 {
		flags.Usage()
		return 2
	}
	tol, err := decimal.Parse(*tolerance)
	if err != nil {
		termsafe.Fprintf(stderr, "mapcheck: -tolerance %q: %v\n", *tolerance, err)
		return 2
	}
	var fsys fs.FS = os.DirFS(*tablesDir)
	if *tablesDir == "" {
		fsys, _ = fs.Sub(exampleTables, "tables")
	}
	tables, err := mapping.Load(fsys)
	if err != nil {
		termsafe.Fprintf(stderr, "mapcheck: tables:\n%v\n", err)
		return 2
	}
	tr, err := erp.NewTranslator(erp.TranslatorConfig{Tables: tables, RoundingTolerance: tol})
	if err != nil {
		termsafe.Fprintf(stderr, "mapcheck: %v\n", err)
		return 2
	}

	out := json.NewEncoder(stdout)
	audit := mapping.Auditor{Examples: *examples}
	totals := map[string]*currencyTotal{}
	var unreadable []string
	for _, name := range flags.Args() {
		if err := checkFile(ctx, name, tr, out, &audit, totals); err != nil {
			unreadable = append(unreadable, err.Error())
			_ = out.Encode(line{File: name, Error: err.Error()})
		}
		if ctx.Err() != nil {
			break
		}
	}
	report := audit.Report()
	differs := writeAudit(stderr, report, totals, unreadable)
	if len(report.Missing) > 0 || len(report.Failed) > 0 || differs || len(unreadable) > 0 || ctx.Err() != nil {
		return 1
	}
	return 0
}

// checkFile translates every order of one export. An order that does not
// decode is reported and skipped; the error returned is for a file that
// cannot be read on.
func checkFile(ctx context.Context, name string, tr *erp.Translator, out *json.Encoder, audit *mapping.Auditor, totals map[string]*currencyTotal) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := orderxml.NewDecoder(f, orderxml.SkipInvalid())
	for o, err := range dec.All(ctx) {
		if err != nil {
			if !orderxml.IsSkippable(err) {
				return err
			}
			var de *orderxml.DecodeError
			orderNo := ""
			if errors.As(err, &de) {
				orderNo = de.OrderNo
			}
			audit.Record(orderNo, err)
			if werr := out.Encode(line{File: name, OrderNo: orderNo, Error: err.Error()}); werr != nil {
				return werr
			}
			continue
		}
		if werr := out.Encode(translate(name, tr, o, audit, totals)); werr != nil {
			return werr
		}
	}
	return nil
}

func translate(name string, tr *erp.Translator, o sfcc.Order, audit *mapping.Auditor, totals map[string]*currencyTotal) line {
	t := totals[o.Currency]
	if t == nil {
		t = &currencyTotal{sfcc: decimal.Zero, erp: decimal.Zero}
		totals[o.Currency] = t
	}
	t.orders++
	t.sfcc, _ = t.sfcc.Add(o.Totals.OrderTotal.Gross)
	so, err := tr.Translate(o)
	var j erp.JournalEntry
	if err == nil {
		j, err = erp.OrderJournal(so)
	}
	audit.Record(o.OrderNo, err)
	if err != nil {
		return line{File: name, OrderNo: o.OrderNo, Error: err.Error()}
	}
	t.translated++
	t.erp, _ = t.erp.Add(so.Totals.Gross)
	return line{File: name, OrderNo: o.OrderNo, SalesOrder: &so, Journal: &j}
}

// writeAudit writes the gap report and reports whether any currency's
// totals differ.
func writeAudit(w io.Writer, r mapping.AuditReport, totals map[string]*currencyTotal, unreadable []string) bool {
	termsafe.Fprintf(w, "\naudit: %d orders, %d translated cleanly, %d with missing mappings, %d with other failures\n",
		r.Orders, r.Clean, r.MissingOrders, len(r.Failed))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(r.Missing) > 0 {
		fmt.Fprintln(w, "\nmissing mappings:")
		fmt.Fprintln(tw, "  TABLE\tKEY\tORDERS\tEXAMPLES")
		for _, m := range r.Missing {
			termsafe.Fprintf(tw, "  %s\t%s\t%d\t%s\n", m.Table, m.Key, m.Count, strings.Join(m.Examples, " "))
		}
		tw.Flush()
	}
	if len(r.Failed) > 0 {
		fmt.Fprintln(w, "\nother failures:")
		for _, f := range r.Failed {
			termsafe.Fprintf(w, "  %s: %v\n", f.OrderNo, f.Err)
		}
	}
	for _, u := range unreadable {
		termsafe.Fprintf(w, "\nunreadable: %s\n", u)
	}
	fmt.Fprintln(w, "\ntotals per currency:")
	fmt.Fprintln(tw, "  CURRENCY\tORDERS\tTRANSLATED\tSFCC\tERP\tDIFFERENCE")
	differs := false
	currencies := make([]string, 0, len(totals))
	for c := range totals {
		currencies = append(currencies, c)
	}
	slices.Sort(currencies)
	for _, c := range currencies {
		t := totals[c]
		diff, _ := t.sfcc.Sub(t.erp)
		if !diff.IsZero() {
			differs = true
		}
		termsafe.Fprintf(tw, "  %s\t%d\t%d\t%s\t%s\t%s\n", c, t.orders, t.translated, t.sfcc, t.erp, diff)
	}
	tw.Flush()
	return differs
}

// Command o2c runs a whole order-to-cash trading day against the embedded
// simulators: an SFCC instance (sfcc/sfcctest), a strict fake ERP
// (erp/erptest), a fake WMS (wms/wmstest) and a simulated payment provider.
//
//	go run ./examples/o2c                 # a default day, readable summary
//	go run ./examples/o2c -json           # one JSON object on stdout
//	go run ./examples/o2c -faults         # the same day through injected faults
//	go run ./examples/o2c -api scapi      # through SCAPI Admin Orders and OCI
//	go run ./examples/o2c -orders a.xml   # the orders of real exports instead
//
// With SFCC_HOST, SFCC_SITE, SFCC_CLIENT_ID and SFCC_CLIENT_SECRET set, the
// SFCC side talks to that instance while the ERP, WMS and payment provider stay
// simulated. Each step names the package that does the work; replace the
// fakes with your own adapters (erp.Customers, erp.SalesOrders, erp.Ledger,
// wms.ConfirmationSource, wms.LevelSource) to run it against your systems.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/o2ckit/o2c/internal/termsafe"
)

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses args, runs the day and writes the summary. It returns the exit
// code: 0 when the day ran (exceptions are results), 1 when it could not
// run or a system stayed unreachable so that work was left undone (the
// summary is still written, with the exceptions), 2 on bad arguments.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("o2c", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg dayConfig
	var orders stringList
	fs.IntVar(&cfg.Orders, "n", 120, "number of orders to generate for the day (ignored with -orders)")
	fs.Uint64Var(&cfg.Seed, "seed", 20261127, "seed of the generated day; the same seed gives the same day")
	fs.Var(&orders, "orders", "Order XML export `FILE` to load instead of generated orders (repeatable)")
	fs.StringVar(&cfg.TablesDir, "tables", "", "`DIR` of mapping tables (CSV or JSON); default the tables shipped in examples/o2c/tables")
	fs.BoolVar(&cfg.Faults, "faults", false, "inject faults: 429, 503 with load headers, 500, latency, a token that expires mid-run, ERP outages")
	fs.BoolVar(&cfg.JSON, "json", false, "write one JSON object with the day's figures on stdout")
	fs.StringVar(&cfg.ReportHTML, "report", "", "write the settlement reconciliation page as HTML to `FILE`")
	fs.IntVar(&cfg.Workers, "workers", 8, "orders exported in parallel")
	fs.StringVar(&cfg.DB, "db", "", dbUsage)
	fs.StringVar(&cfg.InventoryList, "inventory-list", "", "SFCC inventory list to push stock to (default: the simulator's lists)")
	apiFlag(fs, &cfg)
	fs.BoolVar(&cfg.Verbose, "v", false, "log every step (debug) on stderr")
	addSpeedFlags(fs, &cfg)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: go run ./examples/o2c [flags]\n\n"+
			"Runs a trading day: orders placed in SFCC, exported to the ERP (customers\n"+
			"deduplicated, sales orders and journals), shipped by the WMS with tracking\n"+
			"flowing back, stock pushed, the payment provider's settlement reconciled,\n"+
			"and every exception listed with its owner.\n\n"+
			"SFCC_HOST, SFCC_SITE, SFCC_CLIENT_ID, SFCC_CLIENT_SECRET (and optional\n"+
			"SFCC_TOKEN_URL, SFCC_API_VERSION) point the SFCC side at a real instance;\n"+
			"with -api scapi: SFCC_SHORT_CODE, SFCC_ORG_ID, SFCC_SITE, SFCC_CLIENT_ID,\n"+
			"SFCC_CLIENT_SECRET (and SFCC_INVENTORY_GROUP with -inventory-list).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "o2c: unexpected arguments %q (orders files go after -orders)\n", fs.Args())
		return 2
	}
	if cfg.Orders < 1 || cfg.Workers < 1 {
		fmt.Fprintln(stderr, "o2c: -n and -workers must be at least 1")
		return 2
	}
	cfg.OrderFiles = orders
	cfg.Env = os.Getenv
	// Progress goes to stderr, so stdout stays one JSON object with -json.
	cfg.Progress = stderr
	if cfg.Verbose {
		cfg.LogTo = stderr
	}

	start := time.Now()
	sum, err := runAndClose(ctx, cfg)
	if err != nil {
		termsafe.Fprintf(stderr, "o2c: %v\n", err)
		return 1
	}
	sum.Elapsed = time.Since(start).Round(time.Millisecond).String()
	if cfg.JSON {
		if err := sum.writeJSON(stdout); err != nil {
			termsafe.Fprintf(stderr, "o2c: %v\n", err)
			return 1
		}
	} else {
		sum.writeText(stdout)
	}
	if len(sum.Incomplete) > 0 {
		// The figures are printed, but a scheduler must see that the day
		// did not do its work: a system stayed unreachable.
		termsafe.Fprintf(stderr, "o2c: the day is incomplete: %s\n", strings.Join(sum.Incomplete, "; "))
		return 1
	}
	return 0
}

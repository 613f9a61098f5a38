package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/internal/termsafe"
	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/orderxml"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/sfcc/sfcctest/ordergen"
	"github.com/o2ckit/o2c/wms"
)

//go:embed tables/*.csv
var shippedTables embed.FS

// dayConfig is one day's settings.
type dayConfig struct {
	// Orders is how many orders to generate (when OrderFiles is empty).
	Orders int
	// Seed makes the generated day repeatable.
	Seed uint64
	// DB names the SQL database of the stores (see db.go); "" is memory.
	DB string
	// OrderFiles are Order XML exports loaded instead of generated orders.
	OrderFiles []string
	// TablesDir holds the mapping tables; "" uses the shipped ones.
	TablesDir string
	// Faults turns on fault injection in the simulator and the fake ERP.
	Faults bool
	// JSON selects the JSON summary (the caller writes it).
	JSON bool
	// ReportHTML, when set, is where the reconciliation page is written.
	ReportHTML string
	// Workers is how many orders are exported in parallel.
	Workers int
	// InventoryList is the SFCC list for stock pushes against a real instance.
	InventoryList string
	// API is the SFCC API for orders and stock; "" means ocapi.
	API sfccAPI
	// Verbose logs every step at debug level to LogTo.
	Verbose bool
	// Env reads the environment (SFCC_*); nil means none is set.
	Env func(string) string
	// Progress receives one line per step while the day runs; nil is quiet.
	Progress io.Writer
	// LogTo receives the components' structured logs; nil discards.
	LogTo io.Writer
	// Day is the trading day; zero means 2026-11-27.
	Day time.Time
	// SimLatency is how long each simulated SFCC API request takes; 0 none.
	SimLatency time.Duration
	// Rate limits the SFCC client's requests per second; 0 is unlimited
	// against the simulator and 20 against a real instance.
	Rate int
}

// day holds the systems of one trading day and what happened in it.
type day struct {
	cfg    dayConfig
	log    *slog.Logger
	srv    *sfcctest.Server // nil against a real instance
	client sfccClient       // *ocapi.Client or *scapi.Client
	erp    *erptest.ERP

	tables     *mapping.Tables
	translator *erp.Translator
	resolver   *dedupe.Resolver
	stores     *stores // the SQL stores of -db, or none
	classifier reconcile.Classifier
	date       time.Time

	mu          sync.Mutex
	sum         daySummary
	placed      map[string]sfcc.Order // orders placed in the simulator, by number
	exported    map[string]sfcc.Order // orders exported, as read from SFCC
	failed      map[string]string     // order → reason it was marked FAILED
	exceptions  []notedException
	report      *reconcile.Report
	stockPusher *wms.Pusher
	levels      []wms.StockLevel // every level change the warehouses sent
	shipments   wms.EventStore   // the fulfilment step's events, for the monitor
	shippedAt   time.Time        // when the WMS shipped the day's packages
}

// runAndClose runs the six steps of a trading day and returns its figures.
func runAndClose(ctx context.Context, cfg dayConfig) (*daySummary, error) {
	d, err := runDay(ctx, cfg)
	if d != nil && d.srv != nil {
		d.srv.Close()
	}
	if d != nil {
		d.stores.Close()
	}
	if err != nil {
		return nil, err
	}
	return &d.sum, nil
}

// runDay runs the day and returns it with its systems still up, so tests can
// inspect the simulator and the fake ERP afterwards. The caller closes d.srv.
func runDay(ctx context.Context, cfg dayConfig) (*day, error) {
	d, err := newDay(ctx, cfg)
	if err != nil {
		return nil, err
	}
	steps := []struct {
		name  string
		run   func(context.Context) error
		meter string // the sfcc_requests_by_step key, "" for none
	}{
		{"orders placed in SFCC", d.placeOrders, ""},
		{"export to the ERP", d.export, meterExport},
		{"fulfilment from the WMS", d.fulfil, meterFulfilment},
		{"fulfilment monitor", d.monitor, meterMonitor},
		{"stock to SFCC", d.stock, meterStock},
		{"settlement reconciliation", d.settle, ""},
		{"exceptions", d.collectExceptions, ""},
	}
	start := time.Now()
	for i, s := range steps {
		t0 := time.Now()
		if err := d.metered(s.meter, s.run)(ctx); err != nil {
			return d, fmt.Errorf("step %d (%s): %w", i+1, s.name, err)
		}
		d.progress("[%d/%d] %-26s done in %s", i+1, len(steps), s.name, time.Since(t0).Round(time.Millisecond))
	}
	elapsed := time.Since(start)
	d.finishSummary(ctx)
	d.finishSpeed(elapsed)
	return d, nil
}

func newDay(ctx context.Context, cfg dayConfig) (*day, error) {
	if cfg.Env == nil {
		cfg.Env = func(string) string { return "" }
	}
	if cfg.Workers < 1 {
		cfg.Workers = 8
	}
	if cfg.Orders < 1 {
		cfg.Orders = 120
	}
	if cfg.Day.IsZero() {
		cfg.Day = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	}
	if err := checkSpeed(cfg); err != nil {
		return nil, err
	}
	d := &day{
		cfg: cfg, date: cfg.Day,
		placed: map[string]sfcc.Order{}, exported: map[string]sfcc.Order{}, failed: map[string]string{},
	}
	d.classifier = reconcile.Classifier{Now: func() time.Time { return d.date.Add(30 * time.Hour) }}
	level := slog.LevelInfo
	if cfg.Verbose {
		level = slog.LevelDebug
	}
	if cfg.LogTo != nil {
		d.log = slog.New(slog.NewTextHandler(cfg.LogTo, &slog.HandlerOptions{Level: level}))
	} else {
		d.log = slog.New(slog.DiscardHandler)
	}

	var tfs fs.FS
	if cfg.TablesDir != "" {
		tfs = os.DirFS(cfg.TablesDir)
	} else {
		sub, err := fs.Sub(shippedTables, "tables")
		if err != nil {
			return nil, err
		}
		tfs = sub
	}
	tables, err := mapping.Load(tfs)
	if err != nil {
		return nil, fmt.Errorf("mapping tables: %w", err)
	}
	d.tables = tables
	d.translator, err = erp.NewTranslator(erp.TranslatorConfig{Tables: tables, RoundingTolerance: decimal.MustParse("0.02")})
	if err != nil {
		return nil, err
	}

	var erpOpts []erptest.Option
	if cfg.Faults {
		// Outages of the ERP, some after the write took effect (a lost
		// response): the export must retry with the same keys and never
		// make a second customer, document or journal.
		erpOpts = append(erpOpts, erptest.WithFaults(
			erptest.Fault{Method: erptest.MethodCreateSalesOrder, Every: 4, AfterEffect: true},
			erptest.Fault{Method: erptest.MethodPostJournal, Every: 5},
			erptest.Fault{Method: erptest.MethodCreateCustomer, Every: 6, AfterEffect: true},
			erptest.Fault{Method: erptest.MethodFindCustomersByEmail, Every: 9},
		))
	}
	d.erp = erptest.New(erpOpts...)
	if d.stores, err = openStores(ctx, cfg.DB); err != nil {
		return nil, err
	}
	d.resolver, err = dedupe.NewResolver(dedupe.Config{Directory: d.erp, Logger: d.log, Claims: d.stores.claims})
	if err != nil {
		return nil, err
	}

	if err := d.connectSFCC(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// connectSFCC starts the simulator, or connects to the real instance named
// by the SFCC_* environment variables.
func (d *day) connectSFCC(_ context.Context) error {
	if d.cfg.API == apiSCAPI {
		return d.connectSCAPI()
	}
	env := d.cfg.Env
	cfg := ocapi.Config{Logger: d.log, RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond, MaxRetries: 6}
	if host := env("SFCC_HOST"); host != "" {
		cfg.Host, cfg.Site, cfg.ClientID = host, env("SFCC_SITE"), env("SFCC_CLIENT_ID")
		cfg.Secret = sfcc.EnvSecret("SFCC_CLIENT_SECRET")
		cfg.TokenURL, cfg.APIVersion = env("SFCC_TOKEN_URL"), env("SFCC_API_VERSION")
		cfg.RequestsPerSecond = 20
		if d.cfg.Rate > 0 {
			cfg.RequestsPerSecond = d.cfg.Rate
		}
		if len(d.cfg.OrderFiles) > 0 {
			return errors.New("-orders loads orders into the simulator; it cannot be combined with SFCC_HOST")
		}
	} else {
		d.srv = sfcctest.NewServer(sfcctest.WithLogger(d.log), sfcctest.WithLatency(d.cfg.SimLatency))
		cfg.RequestsPerSecond = d.cfg.Rate
		cfg.Host, cfg.Site, cfg.TokenURL = d.srv.URL(), d.srv.Site(), d.srv.TokenURL()
		cfg.ClientID, cfg.Secret = d.srv.ClientID(), sfcc.StaticSecret(d.srv.ClientSecret())
	}
	c, err := ocapi.NewClient(cfg)
	if err != nil {
		if d.srv != nil {
			d.srv.Close()
		}
		return err
	}
	d.client = c
	return nil
}

func (d *day) progress(format string, args ...any) {
	if d.cfg.Progress != nil {
		termsafe.Fprintf(d.cfg.Progress, format+"\n", args...)
	}
}

// placeOrders is step 1: orders placed in SFCC, generated or from exports.
func (d *day) placeOrders(_ context.Context) error {
	if d.srv == nil {
		d.progress("      using the orders READY on %s", d.instanceName())
		return nil
	}
	var orders []sfcc.Order
	if len(d.cfg.OrderFiles) > 0 {
		for _, name := range d.cfg.OrderFiles {
			got, err := readOrderFile(name)
			if err != nil {
				return err
			}
			orders = append(orders, got...)
		}
	} else {
		g := ordergen.New(d.cfg.Seed, d.date)
		for i := 0; i < d.cfg.Orders; i++ {
			orders = append(orders, g.Order())
		}
	}
	if d.cfg.Faults {
		d.injectSFCCFaults()
	}
	for _, o := range orders {
		d.placed[o.OrderNo] = o
	}
	d.srv.AddOrders(orders...)
	d.progress("      %d orders placed (%s)", len(orders), describeMix(orders))
	return nil
}

// readOrderFile decodes an Order XML export. An export carries orders in
// whatever export status they had; the day treats them as just placed, so
// each is READY for export. An order that does not decode is reported and
// skipped; the others are loaded.
func readOrderFile(name string) ([]sfcc.Order, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []sfcc.Order
	dec := orderxml.NewDecoder(f, orderxml.SkipInvalid())
	for o, err := range dec.All(context.Background()) {
		if err != nil {
			if orderxml.IsSkippable(err) {
				termsafe.Fprintf(os.Stderr, "o2c: %s: skipped: %v\n", name, err)
				continue
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		o.Status.Export = sfcc.ExportStatusReady
		if o.Status.Shipping == "" {
			o.Status.Shipping = sfcc.ShippingStatusNotShipped
		}
		out = append(out, o)
	}
	return out, nil
}

func describeMix(orders []sfcc.Order) string {
	byCur := map[string]int{}
	split, multi, gift := 0, 0, 0
	for _, o := range orders {
		byCur[o.Currency]++
		if len(o.Payments) > 1 {
			split++
		}
		if len(o.Shipments) > 1 {
			multi++
		}
		for _, s := range o.Shipments {
			if s.GiftMessage != "" {
				gift++
				break
			}
		}
	}
	curs := make([]string, 0, len(byCur))
	for c, n := range byCur {
		curs = append(curs, fmt.Sprintf("%d %s", n, c))
	}
	sort.Strings(curs)
	return fmt.Sprintf("%v; %d split tenders, %d multi-shipment, %d with gift messages", curs, split, multi, gift)
}

// injectSFCCFaults scripts the faults of a bad day at the SFCC end. Every
// one is transient: the day must end in the same state as without them.
func (d *day) injectSFCCFaults() {
	for _, f := range []sfcctest.Fault{
		{Route: "order.status", Status: 503, LoadStatus: "THROTTLE", Every: 7},
		{Route: "order.status", Status: 500, Every: 11},
		{Route: "order.patch", Status: 503, LoadStatus: "WARN", Every: 5},
		{Route: "order.get", Status: 500, Every: 6},
		{Route: "order.search", Status: 500, Times: 1},
		{Route: "order.status", Latency: 2 * time.Millisecond, Every: 3},
		{Route: "batch", Status: 429, RetryAfter: time.Second, Times: 1},
		{Route: "batch", Status: 503, Every: 4, Times: 2},
	} {
		d.srv.InjectFault(d.cfg.API.fault(f))
	}
}

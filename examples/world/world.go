package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/erp/erphttp"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/internal/ctxwait"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
	"github.com/o2ckit/o2c/sfcc/sfcctest/ordergen"
	"github.com/o2ckit/o2c/wms"
	"github.com/o2ckit/o2c/wms/wmshttp"
	"github.com/o2ckit/o2c/wms/wmstest"
)

// Defaults of Config.
const (
	DefaultOrders      = 120
	DefaultSeed        = 20261127
	DefaultShipPerTick = 20
	// DefaultOpeningStock is every SKU's level per warehouse when the world
	// starts.
	DefaultOpeningStock = 500
)

// DefaultDay is the trading day the generated orders are placed on.
var DefaultDay = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// The warehouses and the SFCC inventory lists they feed (as in examples/o2c).
const (
	ukLocation = "LEEDS-DC"
	usLocation = "RENO-DC"
	ukList     = "inventory_uk"
	usList     = "inventory_us"
)

// Config configures a World.
type Config struct {
	// Orders is how many READY orders SFCC holds at the start; default
	// DefaultOrders.
	Orders int
	// Seed makes the orders and packages repeatable; default DefaultSeed.
	Seed uint64
	// Day is the orders' trading day; default DefaultDay.
	Day time.Time
	// Faults injects failures at fixed rates by count (see faults.go).
	Faults bool
	// Latency delays every answer of SFCC, the ERP and the WMS (not
	// /summary), as a network and a busy system would; default none.
	Latency time.Duration
	// ShipPerTick caps how many orders the WMS ships per Ship call;
	// default DefaultShipPerTick.
	ShipPerTick int
	// SettlementsDir is where the payment provider writes its settlement
	// reports (in an adyen folder); empty means it writes none.
	SettlementsDir string
	// Now is the clock of every simulated system; default time.Now.
	Now func() time.Time
	// Logger gets the world's lines; nil discards.
	Logger *slog.Logger
}

// ConfigError names a Config field that is unusable.
type ConfigError struct{ Field, Reason string }

// Error names the field and why it was rejected.
func (e *ConfigError) Error() string { return "world: invalid config: " + e.Field + ": " + e.Reason }

func (c *Config) setDefaults() {
	if c.Orders == 0 {
		c.Orders = DefaultOrders
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	if c.Day.IsZero() {
		c.Day = DefaultDay
	}
	if c.ShipPerTick == 0 {
		c.ShipPerTick = DefaultShipPerTick
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports the first unusable field.
func (c Config) Validate() error {
	switch {
	case c.Orders < 0:
		return &ConfigError{"Orders", "must not be negative"}
	case c.Orders > 1_000_000:
		return &ConfigError{"Orders", "must be at most 1000000"}
	case c.ShipPerTick < 1:
		return &ConfigError{"ShipPerTick", "must be at least 1"}
	case c.Latency < 0:
		return &ConfigError{"Latency", "must not be negative"}
	}
	return nil
}

// World is SFCC (the simulator), the ERP (the strict fake behind erphttp)
// and a WMS (behind wmshttp) in one process, with their state in memory for
// the life of the process, so an o2c service can be killed and restarted
// against it. It is safe for concurrent use.
type World struct {
	cfg     Config
	sfcc    *sfcctest.Server
	erp     *erptest.ERP
	feed    *wmstest.FakeWMS
	handler http.Handler
	faults  *faultPlan

	// shipMu makes shipping rounds one at a time, so an order is never
	// shipped by two rounds at once.
	shipMu sync.Mutex

	mu       sync.Mutex
	shipped  map[string]int // order number → packages emitted
	packages int
	stock    map[string]decimal.Decimal // location + "\x00" + SKU → level
	seq      map[string]int64
	levels   int

	// settleMu makes settlement runs one at a time; settled holds the
	// payments settled (reconcile.Expected keys) and batch numbers files.
	settleMu sync.Mutex
	settled  map[string]bool
	batch    int
}

// New builds a world: SFCC seeded with cfg.Orders READY orders and two
// empty inventory lists, an empty ERP, and a WMS holding the opening stock
// levels of every SKU.
func New(cfg Config) (*World, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	w := &World{
		cfg:     cfg,
		sfcc:    sfcctest.NewServer(sfcctest.WithClock(cfg.Now), sfcctest.WithLogger(cfg.Logger.With("system", "sfcc"))),
		erp:     erptest.New(erptest.WithClock(cfg.Now)),
		feed:    wmstest.NewFakeWMS(cfg.Seed),
		shipped: map[string]int{},
		stock:   map[string]decimal.Decimal{},
		seq:     map[string]int64{},
		settled: map[string]bool{},
	}
	gen := ordergen.New(cfg.Seed, cfg.Day)
	orders := make([]sfcc.Order, cfg.Orders)
	for i := range orders {
		orders[i] = gen.Order()
	}
	w.sfcc.AddOrders(orders...)
	w.sfcc.AddInventoryList(ukList)
	w.sfcc.AddInventoryList(usList)
	opening := cfg.Day.Add(6 * time.Hour)
	for _, s := range []struct {
		site     ordergen.Site
		location string
	}{{ordergen.UKSite(), ukLocation}, {ordergen.USSite(), usLocation}} {
		for _, p := range s.site.Catalog {
			w.setLevelLocked(s.location, p.SKU, decimal.MustNew(DefaultOpeningStock, 0), opening)
		}
	}

	erpAPI, err := erphttp.NewHandler(erphttp.HandlerConfig{ERP: w.erp, Logger: cfg.Logger.With("system", "erp")})
	if err != nil {
		return nil, err
	}
	wmsAPI, err := wmshttp.NewHandler(wmshttp.HandlerConfig{Confirmations: w.feed, Levels: w.feed, Logger: cfg.Logger.With("system", "wms")})
	if err != nil {
		return nil, err
	}
	w.faults = newFaultPlan(cfg.Faults)
	if cfg.Faults {
		for _, f := range sfccFaults() {
			w.sfcc.InjectFault(f)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/erp/", http.StripPrefix("/erp", w.faults.erp.wrap(erpAPI)))
	mux.Handle("/wms/", http.StripPrefix("/wms", w.faults.wms.wrap(wmsAPI)))
	mux.HandleFunc("GET /summary", w.serveSummary)
	mux.HandleFunc("POST /psp/settle", w.serveSettle)
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusNoContent) })
	mux.Handle("/", w.sfcc.Handler()) // /dwsso/... and /s/...: the SFCC routes
	w.handler = withLatency(mux, cfg.Latency)
	cfg.Logger.Info("world ready", slog.Int("orders", cfg.Orders), slog.Uint64("seed", cfg.Seed), slog.Bool("faults", cfg.Faults))
	return w, nil
}

// withLatency delays every request except GET /summary and /healthz by d.
func withLatency(h http.Handler, d time.Duration) http.Handler {
	if d <= 0 {
		return h
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/summary" && r.URL.Path != "/healthz" {
			if ctxwait.Sleep(r.Context(), d) != nil {
				return
			}
		}
		h.ServeHTTP(rw, r)
	})
}

// Handler serves every system under one address: SFCC at its own paths
// (/dwsso/oauth2/access_token, /s/...), the ERP under /erp, the WMS under
// /wms, and GET /summary.
func (w *World) Handler() http.Handler { return w.handler }

// Close releases the simulator.
func (w *World) Close() { w.sfcc.Close() }

// setLevelLocked records and queues an absolute stock level.
func (w *World) setLevelLocked(location, sku string, level decimal.Decimal, at time.Time) {
	key := location + "\x00" + sku
	w.stock[key] = level
	w.seq[key]++
	w.levels++
	w.feed.AddLevels(wms.StockLevel{SKU: sku, Location: location, Available: level, Sequence: w.seq[key], At: at.UTC()})
}

// packagesFor is how many packages an order leaves in (1 to 3): a function
// of the seed and the order number only, so it does not depend on when o2c
// exported the order or in which order.
func (w *World) packagesFor(orderNo string) (int, uint64) {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], w.cfg.Seed)
	h.Write(b[:])
	h.Write([]byte(orderNo))
	sum := h.Sum64()
	return 1 + int(sum%3), sum
}

// Ship is one round of the warehouse: every order that is EXPORTED in SFCC
// and has a sales order in the ERP, and has not left yet, is shipped in 1
// to 3 packages (up to Config.ShipPerTick orders per round, in order
// number order), each package queued as a shipment confirmation, and the
// stock of the shipped SKUs goes down by what left. It returns how many
// orders were shipped.
func (w *World) Ship(ctx context.Context) (int, error) {
	w.shipMu.Lock()
	defer w.shipMu.Unlock()
	now := w.cfg.Now().UTC()
	n := 0
	for _, o := range w.sfcc.Orders() {
		if n >= w.cfg.ShipPerTick {
			break
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if o.Status.Export != sfcc.ExportStatusExported {
			continue
		}
		w.mu.Lock()
		_, done := w.shipped[o.OrderNo]
		w.mu.Unlock()
		if done {
			continue
		}
		if _, err := w.erp.GetSalesOrder(ctx, o.OrderNo); err != nil {
			// Exported in SFCC but not (yet) in the ERP: a warehouse
			// picks from the ERP's order book only.
			continue
		}
		packages, h := w.packagesFor(o.OrderNo)
		// Each order's packages come from a generator seeded for it, so
		// tracking numbers and the split of units are the same whatever
		// the order of shipping.
		cs := wmstest.NewFakeWMS(h).ShipOrder(o, packages, now)
		location := ukLocation
		if o.Currency == "USD" {
			location = usLocation
		}
		w.mu.Lock()
		w.shipped[o.OrderNo] = len(cs)
		w.packages += len(cs)
		for _, c := range cs {
			for _, l := range c.Lines {
				key := location + "\x00" + l.SKU
				left, err := w.stock[key].Sub(l.Quantity)
				if err != nil {
					w.mu.Unlock()
					return n, fmt.Errorf("world: order %s SKU %s: stock arithmetic: %w", o.OrderNo, l.SKU, err)
				}
				w.setLevelLocked(location, l.SKU, left, now)
			}
		}
		w.mu.Unlock()
		w.feed.AddConfirmations(cs...)
		w.cfg.Logger.Info("order shipped", slog.String("order_no", o.OrderNo), slog.Int("packages", len(cs)))
		n++
	}
	return n, nil
}

// Run ships on every tick until ctx ends.
func (w *World) Run(ctx context.Context, ticks <-chan time.Time) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticks:
			if _, err := w.Ship(ctx); err != nil && !errors.Is(err, context.Canceled) {
				w.cfg.Logger.Error("shipping round failed", slog.String("err", err.Error()))
			}
		}
	}
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

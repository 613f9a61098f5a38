// Command world runs the systems around o2c in one process, over real HTTP:
// an SFCC instance (the sfcctest simulator, seeded with -n READY orders), an
// ERP (the strict erptest fake behind the erphttp REST API) and a WMS that
// ships the orders o2c exported and changes stock (behind the wmshttp API).
// Their state lives in memory for the life of the process, so o2c workers
// can be killed and restarted against it.
//
//	go run ./examples/world                        # serve on 127.0.0.1:8700
//	eval "$(go run ./examples/world -env)"        # the variables that point o2c at it
//	curl -s 127.0.0.1:8700/summary                 # what every system holds
//
// Routes: SFCC at its own paths (/dwsso/oauth2/access_token, /s/...), the
// ERP under /erp, the WMS under /wms, GET /summary, GET /healthz. With
// -faults, SFCC, the ERP and the WMS fail at fixed rates by count (see
// faults.go). Logs are JSON lines on stderr. SIGINT or SIGTERM shuts down
// gracefully.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// Defaults of the flags.
const (
	DefaultListen    = "127.0.0.1:8700"
	DefaultShipEvery = time.Second
	shutdownTimeout  = 10 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil)
	stop()
	os.Exit(code)
}

// run parses args and serves the world until ctx ends. ready, when not nil,
// receives the listening address. It returns the exit code: 0 after a
// clean shutdown, 1 when the world could not run, 2 on bad arguments.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(addr string)) int {
	fs := flag.NewFlagSet("world", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	listen := fs.String("listen", DefaultListen, "`ADDR` to serve every system on")
	fs.IntVar(&cfg.Orders, "n", DefaultOrders, "READY orders SFCC holds at the start")
	fs.Uint64Var(&cfg.Seed, "seed", DefaultSeed, "seed of the orders and packages; the same seed gives the same world")
	fs.BoolVar(&cfg.Faults, "faults", false, "inject SFCC 429/503/500, ERP outages and lost answers, WMS outages at fixed rates by count")
	env := fs.Bool("env", false, "print the shell export lines that point o2c at -listen, and exit")
	shipEvery := fs.Duration("ship-every", DefaultShipEvery, "how often the WMS ships the orders exported since its last round")
	fs.IntVar(&cfg.ShipPerTick, "ship-max", DefaultShipPerTick, "orders the WMS ships per round at most")
	fs.DurationVar(&cfg.Latency, "latency", 0, "delay every SFCC, ERP and WMS answer by `D` (a network and a busy system)")
	fs.StringVar(&cfg.SettlementsDir, "settlements", "", "`DIR` where the payment provider writes settlement reports on POST /psp/settle (DIR/adyen); `-env` then exports O2C_SETTLEMENTS_DIR")
	verbose := fs.Bool("v", false, "log every request (debug)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "world: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if _, _, err := net.SplitHostPort(*listen); err != nil {
		fmt.Fprintf(stderr, "world: -listen %q: %v\n", *listen, err)
		return 2
	}
	if cfg.Orders < 1 || *shipEvery <= 0 || cfg.ShipPerTick < 1 || cfg.Latency < 0 {
		fmt.Fprintln(stderr, "world: -n and -ship-max must be at least 1, -ship-every positive, -latency not negative")
		return 2
	}
	if *env {
		writeEnv(stdout, *listen, cfg.SettlementsDir)
		return 0
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	cfg.Logger = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	return serve(ctx, cfg, *listen, *shipEvery, ready)
}

func serve(ctx context.Context, cfg Config, listen string, shipEvery time.Duration, ready func(string)) int {
	log := cfg.Logger
	w, err := New(cfg)
	if err != nil {
		log.Error("world: " + err.Error())
		return 1
	}
	defer w.Close()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		log.Error("world: cannot listen", slog.String("addr", listen), slog.String("err", err.Error()))
		return 1
	}
	srv := &http.Server{Handler: w.Handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	addr := ln.Addr().String()
	log.Info("world listening", slog.String("addr", addr), slog.String("sfcc_host", "http://"+addr),
		slog.String("erp_url", "http://"+addr+"/erp"), slog.String("wms_url", "http://"+addr+"/wms"))
	if ready != nil {
		ready(addr)
	}

	shipCtx, stopShipping := context.WithCancel(ctx)
	ticker := time.NewTicker(shipEvery)
	shipped := make(chan struct{})
	go func() {
		defer close(shipped)
		_ = w.Run(shipCtx, ticker.C)
	}()

	code := 0
	select {
	case <-ctx.Done():
		log.Info("world shutting down")
	case err := <-served:
		log.Error("world: serving stopped", slog.String("err", err.Error()))
		code = 1
	}
	ticker.Stop()
	stopShipping()
	<-shipped
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("world: shutdown did not finish in time", slog.String("err", err.Error()))
	}
	if s, err := w.Summary(sctx); err == nil {
		log.Info("world final state", slog.Int("orders_exported", s.OrdersExported), slog.Int("orders_failed", s.OrdersFailed),
			slog.Int("erp_orders", s.ERPOrders), slog.Int("packages_shipped", s.PackagesShipped),
			slog.Int("notifications_sent", s.NotificationsSent), slog.Int("duplicates", s.Duplicates))
	}
	return code
}

// writeEnv prints the export lines that point o2c (examples/o2c, o2cd) at a
// world listening on addr.
func writeEnv(out io.Writer, addr, settlements string) {
	base := "http://" + addr
	vars := [][2]string{
		{"SFCC_HOST", base},
		{"SFCC_SITE", sfcctest.DefaultSite},
		{"SFCC_CLIENT_ID", sfcctest.DefaultClientID},
		{"SFCC_CLIENT_SECRET", sfcctest.DefaultClientSecret},
		{"SFCC_TOKEN_URL", base + "/dwsso/oauth2/access_token"},
		{"O2C_ERP_URL", base + "/erp"},
		{"O2C_WMS_URL", base + "/wms"},
	}
	if settlements != "" {
		if abs, err := filepath.Abs(settlements); err == nil {
			settlements = abs
		}
		vars = append(vars, [2]string{"O2C_SETTLEMENTS_DIR", settlements})
	}
	for _, kv := range vars {
		fmt.Fprintf(out, "export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

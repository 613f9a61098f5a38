// Command orderexport finds the SFCC orders whose export status is READY,
// prints them, and marks each EXPORTED — the hand-over every order-to-cash
// integration starts with. It then runs a second pass to show that nothing
// is left to export:
//
//	go run ./examples/orderexport
//
// By default it runs against the embedded SFCC simulator (sfcc/sfcctest),
// seeded with a few orders, and needs no network. With SFCC_HOST set it talks
// to a real instance instead, configured by SFCC_HOST, SFCC_SITE,
// SFCC_CLIENT_ID and SFCC_CLIENT_SECRET (and optionally SFCC_TOKEN_URL and
// SFCC_API_VERSION). The secret is read from the environment when a token is
// fetched and never printed. Against a real instance the orders really are
// marked EXPORTED, which takes them out of every other integration's READY
// search and finalises their on-order inventory: use a sandbox.
//
// An order that cannot be marked is reported and left READY for the next
// run; the others still go through. The exit status is 1 when any order
// failed.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/internal/redact"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "orderexport:", err)
		os.Exit(1)
	}
}

// run connects to the simulator or to the instance getenv describes and
// runs two export passes.
func run(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg, closeSim, err := config(getenv)
	if err != nil {
		return err
	}
	defer closeSim()
	cfg.Logger = logger
	client, err := ocapi.NewClient(cfg)
	if err != nil {
		return err
	}
	var failed int
	for pass := 1; pass <= 2; pass++ {
		n, err := exportPass(ctx, client, stdout, pass)
		failed += n
		if err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d order(s) could not be marked EXPORTED; they stay READY for the next run", failed)
	}
	return nil
}

// config reads a real instance's settings, or starts a seeded simulator
// when SFCC_HOST is not set.
func config(getenv func(string) string) (ocapi.Config, func(), error) {
	if getenv("SFCC_HOST") == "" {
		sim := sfcctest.NewServer()
		sim.AddOrders(seedOrders()...)
		return ocapi.Config{
			Host:     sim.URL(),
			Site:     sim.Site(),
			ClientID: sim.ClientID(),
			Secret:   sfcc.StaticSecret(sim.ClientSecret()),
			TokenURL: sim.TokenURL(),
		}, sim.Close, nil
	}
	var missing []string
	for _, name := range []string{"SFCC_SITE", "SFCC_CLIENT_ID", "SFCC_CLIENT_SECRET"} {
		if getenv(name) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return ocapi.Config{}, nil, fmt.Errorf("SFCC_HOST is set but %s %s not", strings.Join(missing, ", "), map[bool]string{true: "is", false: "are"}[len(missing) == 1])
	}
	return ocapi.Config{
		Host:       getenv("SFCC_HOST"),
		Site:       getenv("SFCC_SITE"),
		ClientID:   getenv("SFCC_CLIENT_ID"),
		Secret:     sfcc.EnvSecret("SFCC_CLIENT_SECRET"),
		TokenURL:   getenv("SFCC_TOKEN_URL"),
		APIVersion: getenv("SFCC_API_VERSION"),
	}, func() {}, nil
}

// exportPass prints every READY order and marks it EXPORTED. It returns how
// many orders could not be marked; the error is for the pass as a whole (the
// search failed, the context ended).
func exportPass(ctx context.Context, client *ocapi.Client, out io.Writer, pass int) (int, error) {
	// Collect first: marking orders while paging through a READY search
	// would shift its later pages.
	var ready []sfcc.Order
	for o, err := range client.SearchOrders(ctx, sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady}) {
		if err != nil {
			return 0, fmt.Errorf("pass %d: search READY orders: %w", pass, err)
		}
		ready = append(ready, o)
	}
	if len(ready) == 0 {
		fmt.Fprintf(out, "pass %d: no orders READY for export\n", pass)
		return 0, nil
	}
	fmt.Fprintf(out, "pass %d: %d order(s) READY for export\n", pass, len(ready))
	failed := 0
	for _, o := range ready {
		fmt.Fprintln(out, " ", describe(o))
		err := client.SetExportStatus(ctx, o.OrderNo, sfcc.ExportStatusExported)
		switch {
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return failed, err
		case err != nil:
			failed++
			fmt.Fprintf(out, "    order %s: NOT marked EXPORTED: %v\n", o.OrderNo, err)
		default:
			fmt.Fprintf(out, "    order %s: marked EXPORTED\n", o.OrderNo)
		}
	}
	return failed, nil
}

// describe is one line about an order, without personal data beyond a
// redacted email.
func describe(o sfcc.Order) string {
	items := decimal.Zero
	for _, li := range o.ProductLineItems {
		if sum, err := items.Add(li.Quantity.Value); err == nil {
			items = sum
		}
	}
	var payments []string
	for _, p := range o.Payments {
		payments = append(payments, p.MethodName())
	}
	return fmt.Sprintf("%s  %s  %s %s  %s item(s) in %d line(s)  paid by %s  customer %s",
		o.OrderNo, o.OrderDate.Format("2006-01-02 15:04"), o.Currency, o.Totals.OrderTotal.Gross,
		items, len(o.ProductLineItems), strings.Join(payments, "+"), redact.Email(o.Customer.Email))
}

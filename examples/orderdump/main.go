// Command orderdump prints the orders of SFCC Order XML exports as JSON
// Lines, one object per order, amounts as exact decimal strings:
//
//	go run ./examples/orderdump [-skip-invalid] [-check] FILE...
//
// FILE "-" reads standard input. Errors and, with -check, business problems
// go to standard error, each naming its file and order. The exit status is
// 0 when every order decoded (and passed -check), 1 otherwise, 2 on a
// usage error.
//
// It is a tool for looking at exports, not for moving them: it prints
// sfcc.Order.Redacted, so card and bank data, gift certificate codes,
// names, emails, phones and street addresses are redacted in its output;
// amounts, order numbers and country codes are kept.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/o2ckit/o2c/internal/termsafe"
	"github.com/o2ckit/o2c/sfcc/orderxml"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK      = 0
	exitProblem = 1
	exitUsage   = 2
)

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("orderdump", flag.ContinueOnError)
	fs.SetOutput(stderr)
	skip := fs.Bool("skip-invalid", false, "report an invalid order and go on with the next one")
	check := fs.Bool("check", false, "report business inconsistencies (totals, payments, shipments) of each order")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: orderdump [-skip-invalid] [-check] FILE... (- for standard input)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	files := fs.Args()
	if len(files) == 0 {
		fs.Usage()
		return exitUsage
	}
	var opts []orderxml.Option
	if *skip {
		opts = append(opts, orderxml.SkipInvalid())
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	code := exitOK
	for _, name := range files {
		if !dumpFile(ctx, name, stdin, enc, stderr, *check, opts) {
			code = exitProblem
		}
	}
	if err := out.Flush(); err != nil {
		termsafe.Fprintf(stderr, "orderdump: writing output: %v\n", err)
		return exitProblem
	}
	return code
}

// dumpFile prints the orders of one file, reporting whether all of them
// decoded (and passed the check).
func dumpFile(ctx context.Context, name string, stdin io.Reader, enc *json.Encoder, stderr io.Writer, check bool, opts []orderxml.Option) bool {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			termsafe.Fprintf(stderr, "orderdump: %v\n", err)
			return false
		}
		defer f.Close()
		r = f
	}
	ok := true
	for o, err := range orderxml.NewDecoder(r, opts...).All(ctx) {
		if err != nil {
			termsafe.Fprintf(stderr, "orderdump: %s: %v\n", name, err)
			ok = false
			continue
		}
		if check {
			for _, p := range orderxml.Check(o) {
				termsafe.Fprintf(stderr, "orderdump: %s: check: %s\n", name, p)
				ok = false
			}
		}
		if err := enc.Encode(o.Redacted()); err != nil {
			fmt.Fprintf(stderr, "orderdump: %s: order %q: %v\n", name, o.OrderNo, err)
			return false
		}
	}
	return ok
}

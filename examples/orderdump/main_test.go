package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixture = "../../sfcc/orderxml/testdata/orders.xml"

type result struct {
	code           int
	stdout, stderr string
}

func runDump(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

func lines(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// writeTemp writes a variant of the fixture for one test.
func writeTemp(t *testing.T, from, to string) string {
	t.Helper()
	b, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), from, to, 1)
	if s == string(b) {
		t.Fatalf("fixture has no %q", from)
	}
	p := filepath.Join(t.TempDir(), "export.xml")
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRun_PrintsOneJSONObjectPerOrderWithExactAmounts(t *testing.T) {
	r := runDump(t, "", "-check", fixture)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	ls := lines(r.stdout)
	if len(ls) != 3 {
		t.Fatalf("%d lines, want 3", len(ls))
	}
	var first struct {
		OrderNo string
		Totals  struct {
			OrderTotal struct{ Gross, Net json.RawMessage }
		}
		ProductLineItems []struct {
			TaxRate  json.RawMessage
			Quantity struct{ Value json.RawMessage }
		}
	}
	if err := json.Unmarshal([]byte(ls[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.OrderNo != "00001001" || string(first.Totals.OrderTotal.Gross) != `"112.99"` || string(first.Totals.OrderTotal.Net) != `"97.49"` {
		t.Errorf("first order: %s %s %s", first.OrderNo, first.Totals.OrderTotal.Gross, first.Totals.OrderTotal.Net)
	}
	var second struct {
		ProductLineItems []struct {
			TaxRate  json.RawMessage
			Quantity struct{ Value json.RawMessage }
		}
	}
	if err := json.Unmarshal([]byte(ls[1]), &second); err != nil {
		t.Fatal(err)
	}
	if li := second.ProductLineItems[0]; string(li.TaxRate) != `"0.08875"` || string(li.Quantity.Value) != `"1.0"` {
		t.Errorf("second order line: tax rate %s quantity %s", li.TaxRate, li.Quantity.Value)
	}
}

func TestRun_RedactsCardAndPersonalData(t *testing.T) {
	r := runDump(t, "", fixture)
	for _, secret := range []string{"tok_8f3a2c", "XXXX-XXXX-XXXX-1111", "GCREDEEM9876", "GCBOUGHT0001", "zoe.bronte@example.co.uk",
		"DE89XXXXXXXXXXXXXX3000", "anne@example.org"} {
		if strings.Contains(r.stdout, secret) {
			t.Errorf("output contains %q", secret)
		}
	}
	if !strings.Contains(r.stdout, `"****1111"`) || !strings.Contains(r.stdout, `"z***@example.co.uk"`) {
		t.Error("redacted values should keep the last four digits and the email's domain")
	}
}

func TestRun_ExitStatusAndErrorsNameTheOrder(t *testing.T) {
	bad := writeTemp(t, "<net-price>10.00</net-price>", "<net-price>10,00</net-price>")
	short := writeTemp(t, "<amount>41.54</amount>", "<amount>40.00</amount>")
	tests := []struct {
		name       string
		stdin      string
		args       []string
		code       int
		orders     int
		stderrHas  []string
		stderrNone bool
	}{
		{"valid file", "", []string{fixture}, 0, 3, nil, true},
		{"stdin", mustRead(t, fixture), []string{"-"}, 0, 3, nil, true},
		{"invalid order stops the file", "", []string{bad}, 1, 1, []string{`order "00001002"`, "line", "net-price"}, false},
		{"invalid order skipped", "", []string{"-skip-invalid", bad}, 1, 2, []string{`order "00001002"`}, false},
		{"later files still read", "", []string{bad, fixture}, 1, 4, []string{`order "00001002"`}, false},
		{"check problems", "", []string{"-check", short}, 1, 3, []string{`check: order "00001002": payments/amount is 140.00 but the order-total gross-price is 141.54`}, false},
		{"check passes without -check", "", []string{short}, 0, 3, nil, true},
		{"missing file", "", []string{"/nonexistent/export.xml"}, 1, 0, []string{"nonexistent"}, false},
		{"no files", "", nil, 2, 0, []string{"usage"}, false},
		{"unknown flag", "", []string{"-fast", fixture}, 2, 0, []string{"-fast"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runDump(t, tt.stdin, tt.args...)
			if r.code != tt.code || len(lines(r.stdout)) != tt.orders {
				t.Errorf("exit %d with %d orders, want %d with %d; stderr:\n%s", r.code, len(lines(r.stdout)), tt.code, tt.orders, r.stderr)
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr %q does not contain %q", r.stderr, s)
				}
			}
			if tt.stderrNone && r.stderr != "" {
				t.Errorf("stderr = %q, want nothing", r.stderr)
			}
		})
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/erp"
)

func runMapcheck(t *testing.T, args ...string) (code int, lines []line, audit string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code = run(t.Context(), args, &stdout, &stderr)
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("stdout line is not JSON: %v\n%s", err, sc.Text())
		}
		lines = append(lines, l)
	}
	return code, lines, stderr.String()
}

func TestMapcheck_SampleExportTranslatesCleanlyWithBalancedJournals(t *testing.T) {
	code, lines, audit := runMapcheck(t, "testdata/sample-orders.xml")
	if code != 0 {
		t.Fatalf("exit %d, want 0; audit:\n%s", code, audit)
	}
	if len(lines) != 5 {
		t.Fatalf("%d JSON lines, want 5", len(lines))
	}
	for _, l := range lines {
		if l.Error != "" || l.SalesOrder == nil || l.Journal == nil {
			t.Fatalf("order %s: %+v", l.OrderNo, l)
		}
		if err := l.SalesOrder.Validate(); err != nil {
			t.Errorf("order %s: %v", l.OrderNo, err)
		}
		if err := l.Journal.Validate(); err != nil {
			t.Errorf("order %s journal: %v", l.OrderNo, err)
		}
		if l.Journal.Reference != erp.JournalReference(l.OrderNo) {
			t.Errorf("journal reference %s for order %s", l.Journal.Reference, l.OrderNo)
		}
	}
	for _, want := range []string{"5 orders, 5 translated cleanly", "GBP       3       3           336.18  336.18  0.00", "USD       2       2           176.22  176.22  0.00"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit lacks %q:\n%s", want, audit)
		}
	}
	out, _ := json.Marshal(lines)
	for _, secret := range []string{"sam.taylor@example.com", "GCSAMPLE00042", "GCSOLD00077", "1111"} {
		if bytes.Contains(out, []byte(secret)) {
			t.Errorf("output contains %q", secret)
		}
	}
}

func TestMapcheck_GapsAndBadOrdersAreReportedAndExitOne(t *testing.T) {
	code, lines, audit := runMapcheck(t, "testdata/gaps.xml")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if len(lines) != 5 {
		t.Errorf("%d JSON lines, want one per order (5): nothing dropped", len(lines))
	}
	for _, want := range []string{
		"shipping  shipping_method=UK-DRONE  2       00002001 00002004",
		`00002005: orderxml: order "00002005"`,
		"GBP       3       1           336.18  100.00  236.18",
	} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit lacks %q:\n%s", want, audit)
		}
	}
}

func TestMapcheck_BadTablesAndUsageExitTwo(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"payments", "promotions", "tax", "shipping", "attributes", "accounts"} {
		data, err := os.ReadFile(filepath.Join("tables", name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if name == "tax" {
			data = append(data, "GB,20,*,S20-DUP,2200,,\n"...)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".csv"), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, _, audit := runMapcheck(t, "-tables", dir, "testdata/sample-orders.xml")
	if code != 2 || !strings.Contains(audit, "tax.csv:8:") {
		t.Errorf("exit %d, stderr:\n%s\nwant 2 and an error naming tax.csv:8", code, audit)
	}
	if code, _, _ := runMapcheck(t); code != 2 {
		t.Errorf("no files: exit %d, want 2", code)
	}
}

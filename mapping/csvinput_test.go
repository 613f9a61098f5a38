package mapping_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/mapping"
)

func readAccounts(body string, limits mapping.CSVLimits) (*mapping.Tables, error) {
	return mapping.Read(mapping.Input{Table: mapping.Accounts, Name: "accounts.csv", Format: mapping.CSV, R: strings.NewReader(body), Limits: limits})
}

func TestRead_ByteOrderMarkBeforeAQuotedHeaderIsDropped(t *testing.T) {
	tables, err := readAccounts("\ufeff\"name\",\"account\"\n\"psp_clearing\",\"1100\"\n", mapping.CSVLimits{})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if tables.Len(mapping.Accounts) != 1 {
		t.Fatalf("%d account rows, want 1", tables.Len(mapping.Accounts))
	}
}

func TestRead_UnterminatedQuoteIsReportedAtItsLineAndTheRowsAfterItChecked(t *testing.T) {
	_, err := readAccounts("name,account\n\"broken,1100\nfees,6800\nbank,\"x\"y\n", mapping.CSVLimits{})
	var lines []int
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var te *mapping.TableError
		if errors.As(e, &te) {
			lines = append(lines, te.Line)
		}
	}
	walk(err)
	if len(lines) != 2 || lines[0] != 2 || lines[1] != 4 {
		t.Fatalf("errors at lines %v (%v), want 2 and 4: the rows after a broken quote are still read", lines, err)
	}
}

func TestRead_OversizedCellIsAnErrorNamingItsLine(t *testing.T) {
	_, err := readAccounts("name,account\nfees,"+strings.Repeat("9", 5000)+"\n", mapping.CSVLimits{MaxFieldBytes: 1000})
	var te *mapping.TableError
	if !errors.As(err, &te) || te.Line != 2 || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("error %v, want line 2 too long", err)
	}
}

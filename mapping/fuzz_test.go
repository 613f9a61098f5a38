package mapping_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/mapping"
)

// FuzzRead feeds arbitrary bytes to both loaders: they must never panic, and
// every error must be a *TableError naming the file.
func FuzzRead(f *testing.F) {
	for _, tb := range mapping.AllTables() {
		data, err := os.ReadFile("testdata/good/" + string(tb) + ".csv")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(tb), string(data))
	}
	f.Add("accounts", `[{"name":"rounding","account":"7990"}]`)
	f.Add("tax", "country,rate_percent,tax_class,tax_code,tax_account\nGB,\"20\n\",*,S,1\n")
	f.Fuzz(func(t *testing.T, table, content string) {
		for _, format := range []mapping.Format{mapping.CSV, mapping.JSON} {
			name := table + "." + string(format)
			_, err := mapping.Read(mapping.Input{Table: mapping.Table(table), Name: name, Format: format, R: strings.NewReader(content)})
			if err == nil {
				continue
			}
			var te *mapping.TableError
			if !errors.As(err, &te) {
				t.Fatalf("error is not a *TableError: %v", err)
			}
			if !strings.Contains(err.Error(), name) {
				t.Fatalf("error does not name %s: %v", name, err)
			}
		}
	})
}

package sfcc_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/sfcc"
)

// FuzzInventoryRecordUnmarshalJSON feeds arbitrary documents to the
// inventory record decoder: it must never panic, an error must name the
// product when the document has one, and a record it accepts must write
// and read back to the same record.
func FuzzInventoryRecordUnmarshalJSON(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "inventory-record*.json"))
	if len(files) == 0 {
		f.Fatal("no inventory record testdata")
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"product_id":"P","in_stock_date":"0000-01-01T00:30:00+01:00"}`))
	f.Add([]byte(`{"product_id":"P","allocation":{"amount":"1e3","reset_date":"2026-01-01T00:00:00.123456789+02:00"}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r sfcc.InventoryRecord
		if err := json.Unmarshal(data, &r); err != nil {
			var probe struct {
				ProductID string `json:"product_id"`
			}
			if json.Unmarshal(data, &probe) == nil && probe.ProductID != "" && json.Valid(data) &&
				!strings.Contains(err.Error(), strconv.Quote(probe.ProductID)) {
				t.Fatalf("error %q does not name product %q", err, probe.ProductID)
			}
			return
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("an accepted record does not encode: %v", err)
		}
		var back sfcc.InventoryRecord
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("an accepted record does not read back: %v\n%s", err, b)
		}
		if diff := cmp.Diff(r, back, shopDecimalText); diff != "" {
			t.Fatalf("record changed on a round trip (-read +again):\n%s\n%s", diff, b)
		}
	})
}

package erp_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
	"github.com/o2ckit/o2c/sfcc/orderxml"
)

// FuzzTranslateDecodedOrder runs the stage after the Order XML reader:
// whatever order the decoder accepts, translation and the order journal
// either succeed with a sales order keyed on the order number and a journal
// that posts or fails cleanly, or fail with an error — never a panic.
func FuzzTranslateDecodedOrder(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "sfcc", "orderxml", "testdata", "*.xml"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil && bytes.Contains(data, []byte("<order ")) {
			f.Add(data)
		}
	}
	tr, err := erp.NewTranslator(erp.TranslatorConfig{Tables: erptest.SampleTables()})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := orderxml.NewDecoder(bytes.NewReader(data))
		for range 50 {
			o, err := dec.Next(context.Background())
			if err != nil {
				if errors.Is(err, io.EOF) {
					return
				}
				return // the reader's own errors are fuzzed in sfcc/orderxml
			}
			so, err := tr.Translate(o)
			if err != nil {
				// Whatever went wrong, the message names the order, so
				// the person who reads it knows which one to fix.
				if o.OrderNo != "" && !strings.Contains(err.Error(), o.OrderNo) {
					t.Errorf("error for order %q does not name it: %v", o.OrderNo, err)
				}
				continue
			}
			if so.ExternalRef != o.OrderNo {
				t.Errorf("sales order ref %q for order %q", so.ExternalRef, o.OrderNo)
			}
			if j, err := erp.OrderJournal(so); err == nil && j.Reference == "" {
				t.Errorf("journal of order %q has no reference", o.OrderNo)
			}
		}
	})
}

package orderxml

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

func addFixtureSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		head + `<order order-no="1"><currency>EUR</currency></order></orders>`,
		head + `<order order-no="1"><product-lineitems><product-lineitem><quantity unit="kg">2.5E-1</quantity></product-lineitem></product-lineitems></order>`,
		`<!DOCTYPE orders [<!ENTITY a "b">]><orders/>`,
		head + `<order order-no="2"><totals><order-total><gross-price>1,00</gross-price></order-total></totals></order></orders>`,
	} {
		f.Add([]byte(s))
	}
}

// FuzzDecode feeds arbitrary bytes to the decoder: it must never panic or
// loop, and every order it decodes that the encoder accepts must come back
// unchanged from a decode → encode → decode round trip.
func FuzzDecode(f *testing.F) {
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		d := NewDecoder(bytes.NewReader(data), SkipInvalid(), MaxTokenBytes(1<<16), MaxOrderBytes(1<<20))
		var orders []sfcc.Order
		for i := 0; ; i++ {
			if i > 100000 {
				t.Fatal("decoder does not advance")
			}
			o, err := d.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				if !IsSkippable(err) {
					break
				}
				continue
			}
			orders = append(orders, o)
		}
		for _, o := range orders {
			var buf bytes.Buffer
			e := NewEncoder(&buf)
			if err := e.Encode(ctx, o); err != nil {
				continue // the schema cannot carry it; the encoder said so
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			again, err := NewDecoder(&buf).Next(ctx)
			if err != nil {
				t.Fatalf("re-decoding encoder output of order %q: %v\n%s", o.OrderNo, err, buf.Bytes())
			}
			if diff := cmp.Diff(o, again, decimalsEqual); diff != "" {
				t.Fatalf("round trip changed order %q (-first +again):\n%s\n%s", o.OrderNo, diff, buf.Bytes())
			}
		}
	})
}

// FuzzInventoryReader: arbitrary bytes never panic the inventory reader,
// and records it reads are written back as they were read.
func FuzzInventoryReader(f *testing.F) {
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		r := NewInventoryReader(bytes.NewReader(data), SkipInvalid(), MaxTokenBytes(1<<16))
		for range 10000 {
			rec, err := r.Next(ctx)
			if err == io.EOF || (err != nil && !IsSkippable(err)) {
				return
			}
			if err != nil {
				continue
			}
			var buf bytes.Buffer
			w := NewInventoryWriter(&buf)
			if w.WriteHeader(ctx, InventoryHeader{ListID: "L"}) != nil {
				continue
			}
			rec.InventoryListID = ""
			if w.WriteRecord(ctx, rec) != nil || w.Close() != nil {
				continue
			}
			back, err := NewInventoryReader(&buf).Next(ctx)
			if err != nil {
				t.Fatalf("re-reading record %q: %v\n%s", rec.ProductID, err, buf.Bytes())
			}
			if back.ProductID != rec.ProductID || back.Allocation.String() != rec.Allocation.String() || !back.InStockDate.Equal(rec.InStockDate) {
				t.Fatalf("record changed: %+v -> %+v", rec, back)
			}
		}
		t.Fatal("reader does not advance")
	})
}

// FuzzParseDecimal pins the allocation-free fast path to decimal.Parse.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "-0.00", "+.5", "5.", "12.50", "1.0E0", "8.875E-2", "123456789012345678", "1234567890123456789", "1e-25", "INF", "", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseDecimal([]byte(s))
		want, werr := decimal.Parse(string(trim([]byte(s))))
		if err == nil && werr != nil {
			t.Fatalf("parseDecimal(%q) = %s, decimal.Parse fails: %v", s, got, werr)
		}
		if err == nil && got.String() != want.String() {
			t.Fatalf("parseDecimal(%q) = %s, decimal.Parse = %s", s, got, want)
		}
	})
}

package orderxml

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/sfcc"
)

// Decoded slices share chunks with the other lists of their order; a
// caller appending to one must not overwrite its neighbour.
func TestDecoder_AppendingToADecodedListLeavesTheOthersAlone(t *testing.T) {
	var buf bytes.Buffer
	if _, err := generateExport(&buf, 64<<10); err != nil {
		t.Fatal(err)
	}
	orders := decodeAll(t, buf.Bytes())
	want := decodeAll(t, buf.Bytes())
	checked := 0
	for i := range orders {
		o := &orders[i]
		if len(o.ProductLineItems) < 2 {
			continue
		}
		checked++
		o.ProductLineItems[0].Custom = append(o.ProductLineItems[0].Custom, sfcc.CustomAttribute{ID: "added", Values: []string{"x"}})
		o.ProductLineItems[0].Custom[0].Values = append(o.ProductLineItems[0].Custom[0].Values, "extra")
		o.ProductLineItems = append(o.ProductLineItems, sfcc.ProductLineItem{ProductID: "ADDED"})
		o.Custom = append(o.Custom, sfcc.CustomAttribute{ID: "added"})
		w := want[i]
		if diff := cmp.Diff(w.ProductLineItems[1], o.ProductLineItems[1]); diff != "" {
			t.Fatalf("order %s: appending to line 1 changed line 2 (-want +got):\n%s", o.OrderNo, diff)
		}
		if diff := cmp.Diff(w.Shipments, o.Shipments); diff != "" {
			t.Fatalf("order %s: appending changed the shipments (-want +got):\n%s", o.OrderNo, diff)
		}
		if i+1 < len(orders) {
			if diff := cmp.Diff(want[i+1], orders[i+1]); diff != "" {
				t.Fatalf("order %s: appending changed the next order (-want +got):\n%s", o.OrderNo, diff)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no order with two product lines in the generated export")
	}
}

// Orders decoded one after the other keep their own values: reading the
// next orders does not change one already returned. Each order is encoded
// as soon as it is returned and again at the end; the two must agree.
func TestDecoder_EarlierOrdersSurviveLaterOnes(t *testing.T) {
	var buf bytes.Buffer
	if _, err := generateExport(&buf, 256<<10); err != nil {
		t.Fatal(err)
	}
	encode := func(o sfcc.Order) string {
		var b bytes.Buffer
		e := NewEncoder(&b)
		if err := e.Encode(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	var orders []sfcc.Order
	var first []string
	for o, err := range NewDecoder(bytes.NewReader(buf.Bytes())).All(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		orders = append(orders, o)
		first = append(first, encode(o))
	}
	for i, o := range orders {
		if diff := cmp.Diff(first[i], encode(o)); diff != "" {
			t.Fatalf("order %s changed after later orders were read (-then +now):\n%s", o.OrderNo, diff)
		}
	}
}

func TestIsPlain_AgreesWithTheByteTable(t *testing.T) {
	alphabet := []byte(" \n\t\r&<]>a0Z-.\x1f\x7f\x80\xc3")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			if rng.IntN(4) == 0 {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[i] = ' ' + byte(rng.IntN(3))
			}
		}
		if got, want := isPlain(b), isPlainBytes(b); got != want {
			t.Fatalf("isPlain(%q) = %v, byte by byte %v", b, got, want)
		}
	}
}

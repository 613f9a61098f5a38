package orderxml

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/sfcc"
)

// prefixed rewrites a default-namespace export so every element carries the
// prefix p (CDATA sections are left alone).
func prefixed(doc, p string) string {
	tag := regexp.MustCompile(`<(/?)([a-zA-Z][\w.-]*)`)
	parts := strings.Split(doc, "<![CDATA[")
	for i, part := range parts {
		head, tail := part, ""
		if i > 0 {
			end := strings.Index(part, "]]>") + 3
			head, tail = part[end:], part[:end]
		}
		parts[i] = tail + tag.ReplaceAllString(head, "<${1}"+p+":${2}")
	}
	out := strings.Join(parts, "<![CDATA[")
	return strings.Replace(out, `xmlns="`+Namespace+`"`, `xmlns:`+p+`="`+Namespace+`"`, 1)
}

func TestDecoder_PrefixBoundNamespaceDecodesLikeDefault(t *testing.T) {
	doc := string(readFixture(t, "orders.xml"))
	want := decodeAll(t, []byte(doc))
	for _, p := range []string{"ns", "dw"} {
		alt := prefixed(doc, p)
		if !strings.Contains(alt, "<"+p+":product-lineitem>") || strings.Contains(alt, "<product-lineitem>") {
			t.Fatal("prefix rewrite did not apply")
		}
		got := decodeAll(t, []byte(alt))
		if diff := cmp.Diff(want, got, decimalsEqual); diff != "" {
			t.Errorf("prefix %s: (-default +prefixed):\n%s", p, diff)
		}
	}
}

func TestDecoder_ElementsOfOtherNamespacesAreIgnored(t *testing.T) {
	got := decodeAll(t, readFixture(t, "foreign-namespaces.xml"))
	want := []sfcc.Order{{
		OrderNo:  "00002001",
		Currency: "EUR",
		Customer: sfcc.Customer{Name: "Ana Lima"},
		ProductLineItems: []sfcc.ProductLineItem{{
			LineAmounts: sfcc.LineAmounts{GrossPrice: dec("10.00")},
			ProductID:   "SOCK-1",
			Quantity:    sfcc.Quantity{Value: dec("1"), Unit: "Each"},
			TaxRate:     dec("0.2"),
			ShipmentID:  "me",
			Custom:      sfcc.CustomAttributes{{ID: "colours", Values: []string{"red", "blue"}, Multi: true}},
		}},
		Shipments: []sfcc.Shipment{{ID: "me", ShippingMethod: "STD"}},
	}}
	if diff := cmp.Diff(want, got, decimalsEqual); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDecoder_RootOfAnotherNamespaceIsNotAnOrderExport(t *testing.T) {
	for _, doc := range []string{
		`<orders xmlns="urn:example:other"><order order-no="1"/></orders>`,
		`<orders><order order-no="1"/></orders>`,
		`<inventory xmlns="` + inventoryNamespace + `"/>`,
	} {
		_, err := NewDecoder(strings.NewReader(doc)).Next(t.Context())
		if !errors.Is(err, ErrNotOrderExport) {
			t.Errorf("%s: err = %v, want ErrNotOrderExport", doc, err)
		}
	}
}

func TestDecoder_SingleOrderDocumentWithByteOrderMarkDecodes(t *testing.T) {
	doc := "\xEF\xBB\xBF" + `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<order xmlns="` + Namespace + `" order-no="7"><currency>CHF</currency></order>`
	got := decodeAll(t, []byte(doc))
	if len(got) != 1 || got[0].OrderNo != "7" || got[0].Currency != "CHF" {
		t.Fatalf("got %+v", got)
	}
}

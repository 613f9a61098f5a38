package orderxml

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/sfcc"
)

type listedRecord struct {
	Header InventoryHeader
	Record sfcc.InventoryRecord
}

func readInventory(t *testing.T, data []byte, opts ...Option) ([]listedRecord, []error) {
	t.Helper()
	r := NewInventoryReader(bytes.NewReader(data), opts...)
	var out []listedRecord
	var errs []error
	for rec, err := range r.All(context.Background()) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, listedRecord{r.Header(), rec})
	}
	return out, errs
}

func expectedInventory() []listedRecord {
	uk := InventoryHeader{ListID: "uk-warehouse", Description: "UK warehouse — Leeds", OnOrder: true,
		Custom: sfcc.CustomAttributes{custom("wmsSite", "LDS1")}}
	us := InventoryHeader{ListID: "us-warehouse"}
	return []listedRecord{
		{uk, sfcc.InventoryRecord{ProductID: "SHIRT-BLU-M", InventoryListID: "uk-warehouse", Allocation: dec("120"),
			AllocationResetDate: ts("2026-03-14T06:00:00Z"), PreOrderBackOrderHandling: sfcc.HandlingBackorder,
			PreOrderBackOrderAllocation: dec("25.5"), InStockDate: ts("2026-04-01T00:00:00Z"),
			ATS: dec("140.5"), OnOrder: dec("2"), Turnover: dec("-3")}},
		{uk, sfcc.InventoryRecord{ProductID: "GIFTCARD", InventoryListID: "uk-warehouse", Allocation: dec("0"), Perpetual: true}},
		{uk, sfcc.InventoryRecord{ProductID: "TEA-EARLGREY", InventoryListID: "uk-warehouse", Allocation: dec("1000"),
			PreOrderBackOrderHandling: sfcc.HandlingPreorder, InStockDate: ts("2026-05-02T00:00:00Z")}},
		{us, sfcc.InventoryRecord{ProductID: "SHOE-RUN-42", InventoryListID: "us-warehouse", Allocation: dec("7"),
			PreOrderBackOrderHandling: sfcc.HandlingNone}},
	}
}

func TestInventoryReader_FixtureReadsRecordByRecord(t *testing.T) {
	got, errs := readInventory(t, readFixture(t, "inventory.xml"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if diff := cmp.Diff(expectedInventory(), got, decimalsEqual); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func writeInventory(t *testing.T, recs []listedRecord) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewInventoryWriter(&buf)
	ctx := context.Background()
	list := "\x00"
	for _, r := range recs {
		if r.Header.ListID != list {
			if err := w.WriteHeader(ctx, r.Header); err != nil {
				t.Fatal(err)
			}
			list = r.Header.ListID
		}
		if err := w.WriteRecord(ctx, r.Record); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestInventoryWriter_OutputIsValidAndReadsBackWithoutComputedFields(t *testing.T) {
	want := expectedInventory()
	data := writeInventory(t, want)
	validate(t, "inventory.xsd", data)
	got, errs := readInventory(t, data)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for i := range want {
		// ATS, on-order and turnover are SFCC's to compute; an import file
		// does not carry them.
		want[i].Record.ATS, want[i].Record.OnOrder, want[i].Record.Turnover = dec("0"), dec("0"), dec("0")
	}
	if diff := cmp.Diff(want, got, decimalsEqual, cmp.Comparer(func(a, b InventoryHeader) bool { return a.ListID == b.ListID })); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !strings.Contains(string(data), "<allocation>0</allocation>") {
		t.Error("a zero allocation must be written: a full resync sets it")
	}
	empty := writeInventory(t, nil)
	validate(t, "inventory.xsd", empty)
}

func TestInventoryWriter_RefusesRecordsTheSchemaCannotCarry(t *testing.T) {
	ctx := context.Background()
	for _, rec := range []sfcc.InventoryRecord{
		{ProductID: ""},
		{ProductID: "P", Allocation: dec("-1")},
		{ProductID: "P", PreOrderBackOrderHandling: "maybe"},
		{ProductID: "P", InventoryListID: "other-list"},
	} {
		var buf bytes.Buffer
		w := NewInventoryWriter(&buf)
		if err := w.WriteHeader(ctx, InventoryHeader{ListID: "L"}); err != nil {
			t.Fatal(err)
		}
		err := w.WriteRecord(ctx, rec)
		var ee *EncodeError
		if !errors.As(err, &ee) || ee.OrderNo != "L" {
			t.Errorf("%+v: err = %v, want an EncodeError naming list L", rec, err)
		}
		if err := w.WriteRecord(ctx, sfcc.InventoryRecord{ProductID: "OK", Allocation: dec("1")}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		validate(t, "inventory.xsd", buf.Bytes())
	}
}

func TestInventoryReader_BadAllocationSkippedOrFatal(t *testing.T) {
	data := []byte(strings.Replace(string(readFixture(t, "inventory.xml")), "<allocation>0</allocation>", "<allocation>lots</allocation>", 1))
	got, errs := readInventory(t, data, SkipInvalid())
	var de *DecodeError
	if len(got) != 3 || len(errs) != 1 || !errors.As(errs[0], &de) || de.ProductID != "GIFTCARD" || de.OrderNo != "uk-warehouse" {
		t.Fatalf("got %d records and errors %v; want 3 records and one error naming GIFTCARD in uk-warehouse", len(got), errs)
	}
	if !strings.Contains(errs[0].Error(), `product "GIFTCARD"`) {
		t.Errorf("message %q does not name the product", errs[0])
	}
	got, errs = readInventory(t, data)
	if len(got) != 1 || len(errs) != 1 {
		t.Fatalf("without SkipInvalid: %d records, errors %v; want 1 and one error", len(got), errs)
	}
}

func TestInventoryReader_RefusesOtherDocumentsAndDTDs(t *testing.T) {
	for doc, want := range map[string]error{
		`<orders xmlns="` + Namespace + `"/>`:                                           ErrNotInventory,
		`<!DOCTYPE x [<!ENTITY a "b">]><inventory xmlns="` + inventoryNamespace + `"/>`: ErrDTD,
		`<inventory xmlns="` + inventoryNamespace + `"><inventory-list>`:                ErrTruncated,
	} {
		_, errs := readInventory(t, []byte(doc))
		if len(errs) != 1 || !errors.Is(errs[0], want) {
			t.Errorf("%s: errors %v, want %v", doc, errs, want)
		}
	}
}

func TestInventoryReader_InvalidHeaderSkipsItsWholeList(t *testing.T) {
	data := []byte(strings.Replace(string(readFixture(t, "inventory.xml")), "<default-instock>false</default-instock>", "<default-instock>maybe</default-instock>", 1))
	got, errs := readInventory(t, data, SkipInvalid())
	var de *DecodeError
	if len(errs) != 1 || !errors.As(errs[0], &de) || de.OrderNo != "uk-warehouse" || !errors.Is(errs[0], ErrInvalidValue) {
		t.Fatalf("errors %v, want one naming uk-warehouse", errs)
	}
	if !strings.Contains(errs[0].Error(), `inventory list "uk-warehouse"`) {
		t.Errorf("message %q does not name the list", errs[0])
	}
	if len(got) != 1 || got[0].Record.ProductID != "SHOE-RUN-42" {
		t.Fatalf("records %+v, want only the us-warehouse record", got)
	}
}

func TestInventoryReader_HugeHeaderFailsAtTheOrderSizeCap(t *testing.T) {
	// Text split by comments passes the token cap piece by piece; the
	// header as a whole must still be bounded.
	e := &endless{unit: []byte("aaaaaaaaaaaaaa<!---->")}
	r := io.MultiReader(strings.NewReader(`<inventory xmlns="`+inventoryNamespace+`"><inventory-list><header list-id="L"><description>`), e)
	_, err := NewInventoryReader(r, MaxTokenBytes(4<<10), MaxOrderBytes(1<<20)).Next(context.Background())
	var le *LimitError
	var de *DecodeError
	if !errors.As(err, &le) || le.Limit != LimitOrderBytes || !errors.As(err, &de) || de.OrderNo != "L" {
		t.Fatalf("err = %v, want the %s limit in list L", err, LimitOrderBytes)
	}
	if e.read > 2<<20 {
		t.Errorf("read %d bytes of endless input before failing, want at most %d", e.read, 2<<20)
	}
}

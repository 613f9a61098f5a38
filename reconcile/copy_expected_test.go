package reconcile

import (
	"reflect"
	"testing"
	"time"

	"github.com/govalues/decimal"
)

// TestSetExpectedCopiesEveryField sets every field of an Expected to a
// value other than its zero and checks that setExpected and cloneExpected
// carry all of them: a field added to Expected and not to setExpected
// would otherwise vanish from the run's copy of the items.
func TestSetExpectedCopiesEveryField(t *testing.T) {
	var e Expected
	v := reflect.ValueOf(&e).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Interface().(type) {
		case ExpectedKind:
			f.SetString(string(ExpectedRefund))
		case string:
			f.SetString("v" + v.Type().Field(i).Name)
		case int:
			f.SetInt(7)
		case decimal.Decimal:
			f.Set(reflect.ValueOf(decimal.MustParse("-12.34")))
		case time.Time:
			f.Set(reflect.ValueOf(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)))
		default:
			t.Fatalf("Expected.%s has type %s: teach this test (and setExpected) about it", v.Type().Field(i).Name, f.Type())
		}
		if f.IsZero() {
			t.Fatalf("Expected.%s still zero", v.Type().Field(i).Name)
		}
	}
	var d Expected
	setExpected(&d, &e)
	if d != e {
		t.Fatalf("setExpected copied %+v, want %+v", d, e)
	}
	src := []Expected{e, {OrderNo: "2"}}
	out := cloneExpected(src)
	if len(out) != 2 || out[0] != e || out[1] != src[1] {
		t.Fatalf("cloneExpected = %+v, want %+v", out, src)
	}
	out[0].OrderNo = "changed"
	if src[0].OrderNo != "vOrderNo" {
		t.Fatal("cloneExpected shares memory with its input")
	}
}

// TestSetLineCopiesEveryField is TestSetExpectedCopiesEveryField for
// setLine, which copies each line read into its chunk.
func TestSetLineCopiesEveryField(t *testing.T) {
	var l SettlementLine
	v := reflect.ValueOf(&l).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Interface().(type) {
		case LineType:
			f.SetString(string(TypeRefund))
		case string:
			f.SetString("v" + v.Type().Field(i).Name)
		case decimal.Decimal:
			f.Set(reflect.ValueOf(decimal.MustParse("-12.34")))
		case time.Time:
			f.Set(reflect.ValueOf(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)))
		case []Fee:
			f.Set(reflect.ValueOf([]Fee{{Component: "commission", Amount: decimal.MustParse("0.12")}}))
		case Position:
			f.Set(reflect.ValueOf(Position{File: "f.csv", Line: 3}))
		default:
			t.Fatalf("SettlementLine.%s has type %s: teach this test (and setLine) about it", v.Type().Field(i).Name, f.Type())
		}
		if f.IsZero() {
			t.Fatalf("SettlementLine.%s still zero", v.Type().Field(i).Name)
		}
	}
	var d SettlementLine
	setLine(&d, &l)
	if !reflect.DeepEqual(d, l) || &d.Fees[0] != &l.Fees[0] {
		t.Fatalf("setLine copied %+v, want %+v", d, l)
	}
	var c lineChunks
	c.add(l)
	if parts := c.parts(); len(parts) != 1 || len(parts[0]) != 1 || !reflect.DeepEqual(parts[0][0], l) {
		t.Fatalf("lineChunks kept %+v, want [[%+v]]", parts, l)
	}
}

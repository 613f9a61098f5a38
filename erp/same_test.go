package erp_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
)

// deepCopy copies v through JSON, as an ERP stores and returns it.
func deepCopy[T any](t *testing.T, v T) T {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// mutations calls fn once per leaf field of v (the first element of each
// slice), after changing that field in a fresh copy.
func mutations[T any](t *testing.T, v T, fn func(path string, changed T)) {
	t.Helper()
	var paths []string
	var collect func(path string, rv reflect.Value)
	collect = func(path string, rv reflect.Value) {
		switch {
		case rv.Kind() == reflect.Pointer:
			if !rv.IsNil() {
				collect(path, rv.Elem())
			}
		case rv.Kind() == reflect.Slice:
			if rv.Len() > 0 {
				collect(path+"[0]", rv.Index(0))
			}
		case rv.Kind() == reflect.Struct && rv.Type() != reflect.TypeFor[time.Time]() && rv.Type() != reflect.TypeFor[decimal.Decimal]():
			for i := range rv.NumField() {
				if rv.Type().Field(i).IsExported() {
					collect(path+"."+rv.Type().Field(i).Name, rv.Field(i))
				}
			}
		default:
			paths = append(paths, path)
		}
	}
	collect("", reflect.ValueOf(v))
	for _, p := range paths {
		c := deepCopy(t, v)
		change(t, reflect.ValueOf(&c).Elem(), p)
		fn(p, c)
	}
}

// change alters the field at path (".A[0].B") of rv.
func change(t *testing.T, rv reflect.Value, path string) {
	t.Helper()
	for path != "" {
		switch {
		case path[0] == '.':
			end := 1
			for end < len(path) && path[end] != '.' && path[end] != '[' {
				end++
			}
			rv = rv.FieldByName(path[1:end])
			path = path[end:]
		case len(path) >= 3 && path[:3] == "[0]":
			rv = rv.Index(0)
			path = path[3:]
		}
		if rv.Kind() == reflect.Pointer {
			rv = rv.Elem()
		}
	}
	switch x := rv.Addr().Interface().(type) {
	case *decimal.Decimal:
		d, err := x.Add(decimal.One)
		if err != nil {
			t.Fatal(err)
		}
		*x = d
		return
	case *time.Time:
		*x = x.Add(time.Hour)
		return
	}
	switch rv.Kind() {
	case reflect.String:
		rv.SetString(rv.String() + "x")
	case reflect.Bool:
		rv.SetBool(!rv.Bool())
	case reflect.Int:
		rv.SetInt(rv.Int() + 1)
	default:
		t.Fatalf("no change for a %s", rv.Type())
	}
}

func TestSameSalesOrder_EveryFieldButTheERPsOwnCounts(t *testing.T) {
	so := erptest.SampleFullSalesOrder("00001001")
	if !erp.SameSalesOrder(so, deepCopy(t, so)) {
		t.Fatal("a document and its stored copy are not the same")
	}
	mutations(t, so, func(path string, changed erp.SalesOrder) {
		want := path == ".DocumentNo" || path == ".Created"
		if got := erp.SameSalesOrder(so, changed); got != want {
			t.Errorf("changing %s: SameSalesOrder = %v, want %v", path, got, want)
		}
	})
}

func TestSameJournal_EveryFieldButTheEntryNo(t *testing.T) {
	j, err := erp.OrderJournal(erptest.SampleFullSalesOrder("00001001"))
	if err != nil {
		t.Fatal(err)
	}
	j.EntryNo = "JE1"
	j.Lines[0].Memo = "card"
	mutations(t, j, func(path string, changed erp.JournalEntry) {
		want := path == ".EntryNo"
		if got := erp.SameJournal(j, changed); got != want {
			t.Errorf("changing %s: SameJournal = %v, want %v", path, got, want)
		}
	})
}

func TestSameSalesOrder_AmountsByValueNilEqualsEmpty(t *testing.T) {
	a := erptest.SampleSalesOrder("00001001")
	b := erptest.SampleSalesOrder("00001001")
	b.Items[0].UnitPrice = decimal.MustParse("24")
	b.Totals.Gross = decimal.MustParse("36.9000")
	b.OrderDate = a.OrderDate.In(time.FixedZone("CET", 3600))
	b.CustomFields = []erp.CustomField{}
	if !erp.SameSalesOrder(a, b) {
		t.Error(`"24" and "24.00", the same instant in another zone, nil and empty: want the same document`)
	}
	b.Discounts = b.Discounts[:1]
	if erp.SameSalesOrder(a, b) {
		t.Error("a document missing a discount line is the same")
	}
}

func ExampleSameSalesOrder() {
	sent := erptest.SampleSalesOrder("00001001")
	stored := erptest.SampleSalesOrder("00001001")
	stored.DocumentNo = "SO000042"                      // assigned by the ERP: not content
	stored.Totals.Gross = decimal.MustParse("36.90000") // the ERP keeps five places
	fmt.Println(erp.SameSalesOrder(sent, stored))
	stored.Items[0].SKU = "TEAPOT-BLUE"
	fmt.Println(erp.SameSalesOrder(sent, stored))
	// Output:
	// true
	// false
}

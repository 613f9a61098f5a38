package reconcile

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/mapping"
	"github.com/o2ckit/o2c/sfcc"
)

type orderFault struct{ no string }

func (e orderFault) Error() string   { return "custom step failed for " + e.no }
func (e orderFault) OrderNo() string { return e.no }

func TestClassifier_TypedErrorsBecomeOwnedExceptions(t *testing.T) {
	at := time.Date(2026, 11, 6, 9, 0, 0, 0, time.UTC)
	c := Classifier{Now: func() time.Time { return at }}
	sfccErr := &sfcc.Error{StatusCode: 409, FaultType: "OrderStatusTransitionException", Message: "cannot ship",
		Arguments: map[string]string{"orderNo": "00001001"}, Method: "PATCH", Path: "/orders/00001001"}
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"sfcc fault names the order", fmt.Errorf("export: %w", sfccErr),
			[]string{"sfcc-sync-failure ecommerce 00001001"}},
		{"sfcc fault without arguments falls back to the path", &sfcc.Error{StatusCode: 500, Method: "GET", Path: "/inventory_lists/main/product_inventory_records/SKU-1"},
			[]string{"sfcc-sync-failure ecommerce /inventory_lists/main/product_inventory_records/SKU-1"}},
		{"sfcc order error", &sfcc.OrderError{OrderNo: "00001002", Op: "get", Err: errors.New("bad json")},
			[]string{"sfcc-sync-failure ecommerce 00001002"}},
		{"inventory error is an inventory push failure", &sfcc.InventoryError{List: "main", SKU: "SKU-9", Op: "put", Err: sfcc.ErrInvalidArgument},
			[]string{"inventory-push-failure operations SKU-9"}},
		{"missing mapping names table and key", &mapping.MissingError{Table: "payments", Key: "kind=credit-card method=Visa processor=X"},
			[]string{"mapping-missing finance payments: kind=credit-card method=Visa processor=X"}},
		{"joined errors give one exception each", errors.Join(&mapping.MissingError{Table: "tax", Key: "country=DE"}, sfccErr),
			[]string{"mapping-missing finance tax: country=DE", "sfcc-sync-failure ecommerce 00001001"}},
		{"settlement row", &LineError{File: "a.csv", Line: 7, Err: ErrUnknownType},
			[]string{"settlement-unreadable finance a.csv:7"}},
		{"unknown error with an OrderNo method keeps its key", fmt.Errorf("wrap: %w", orderFault{"00009"}),
			[]string{"unclassified operations 00009"}},
		{"unknown error", errors.New("boom"), []string{"unclassified operations "}},
		{"nil", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, x := range c.Classify(tt.err) {
				if !x.FirstSeen.Equal(at) || x.Owner != x.Kind.Owner() || x.Detail == "" {
					t.Errorf("exception %+v: first seen, owner or detail wrong", x)
				}
				got = append(got, fmt.Sprintf("%s %s %s", x.Kind, x.Owner, x.Key))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("exceptions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClassifier_EveryKindHasAnOwner(t *testing.T) {
	for _, k := range Kinds() {
		if _, ok := owners[k]; !ok {
			t.Errorf("kind %s has no owner", k)
		}
	}
	if len(owners) != len(Kinds()) {
		t.Errorf("%d owners for %d kinds", len(owners), len(Kinds()))
	}
}

func TestClassifier_DetailNeverCarriesCardData(t *testing.T) {
	rep := fixtureRun(t)
	for _, x := range rep.Exceptions {
		if strings.Contains(x.Detail, "1111") || strings.Contains(x.Detail, "@") {
			t.Errorf("exception detail leaks data: %s", x.Detail)
		}
	}
}

func TestOperationsManual_DocumentsEveryKindWithItsOwner(t *testing.T) {
	b, err := os.ReadFile("../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	manual := string(b)
	for _, k := range Kinds() {
		heading := fmt.Sprintf("### %s — %s", k, k.Owner())
		if !strings.Contains(manual, heading) {
			t.Errorf("docs/operations.md lacks the section %q", heading)
		}
		if row := fmt.Sprintf("| %s | %s |", k, k.Owner()); !strings.Contains(manual, row) {
			t.Errorf("docs/operations.md owner table lacks %q", row)
		}
	}
}

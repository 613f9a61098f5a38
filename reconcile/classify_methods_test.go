package reconcile

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/mapping"
)

// carrierError is an error of a package reconcile has never heard of: a
// host's carrier adapter. It says its exception through the methods.
type carrierError struct{ shipment, reason string }

func (e *carrierError) Error() string         { return "carrier: shipment " + e.shipment + ": " + e.reason }
func (e *carrierError) ExceptionKind() string { return "shipment-rejected" }
func (e *carrierError) Owner() string         { return "operations" }
func (e *carrierError) ExceptionKey() string  { return e.shipment }

// orderWrap wraps a cause with the order it concerns, the way an adapter
// adds context without saying an exception of its own.
type orderWrap struct {
	orderNo string
	err     error
}

func (e *orderWrap) Error() string { return "order " + e.orderNo + ": " + e.err.Error() }
func (e *orderWrap) Unwrap() error { return e.err }

// labelFault matches an exceptional target through an As method only.
type labelFault struct{ label string }

func (e labelFault) Error() string { return "label printer refused " + e.label }
func (e labelFault) As(target any) bool {
	if p, ok := target.(*Exceptional); ok {
		*p = &carrierError{shipment: e.label, reason: "label refused"}
		return true
	}
	return false
}

func TestClassifier_ClassifiesByMethodsWhateverThePackage(t *testing.T) {
	at := time.Date(2026, 11, 6, 9, 0, 0, 0, time.UTC)
	c := Classifier{Now: func() time.Time { return at }}
	missing := &mapping.MissingError{Table: "payments", Key: "kind=credit-card method=Amex"}
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"a host's own error type", &carrierError{"SHP-7", "address rejected"},
			[]string{"shipment-rejected operations SHP-7 | carrier: shipment SHP-7: address rejected"}},
		{"wrapped with %w", fmt.Errorf("fulfil: %w", &carrierError{"SHP-8", "no service"}),
			[]string{"shipment-rejected operations SHP-8 | carrier: shipment SHP-8: no service"}},
		{"a mapping miss inside a wrapper with Unwrap", &orderWrap{"00002001", missing},
			[]string{"mapping-missing finance payments: kind=credit-card method=Amex | " + missing.Error()}},
		{"wrapped twice, inside an export error", &erp.ExportError{Order: "00002002", Step: erp.StepTranslate,
			Err: &orderWrap{"00002002", fmt.Errorf("translate: %w", &erp.OrderError{OrderNo: "00002002", Reason: "taxed gift certificate"})}},
			[]string{"erp-order-rejected finance 00002002 | erp: order 00002002: taxed gift certificate"}},
		{"an error that converts itself with As", fmt.Errorf("print: %w", labelFault{"LBL-1"}),
			[]string{"shipment-rejected operations LBL-1 | carrier: shipment LBL-1: label refused"}},
		{"a join below a wrap gives one exception per joined error",
			fmt.Errorf("day: %w", errors.Join(&carrierError{"SHP-9", "lost"}, &orderWrap{"00002003", missing}, errors.New("disk full"))),
			[]string{"shipment-rejected operations SHP-9 | carrier: shipment SHP-9: lost",
				"mapping-missing finance payments: kind=credit-card method=Amex | " + missing.Error(),
				"unclassified operations  | disk full"}},
		{"a kind reconcile has no rule for keeps the error's owner", &kindOnly{"parcel-lost", "ecommerce", "P-1"},
			[]string{"parcel-lost ecommerce P-1 | parcel P-1 lost"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, x := range c.Classify(tt.err) {
				if !x.FirstSeen.Equal(at) {
					t.Errorf("first seen %v", x.FirstSeen)
				}
				got = append(got, fmt.Sprintf("%s %s %s | %s", x.Kind, x.Owner, x.Key, x.Detail))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("exceptions (-want +got):\n%s", diff)
			}
		})
	}
}

type kindOnly struct{ kind, owner, key string }

func (e *kindOnly) Error() string         { return "parcel " + e.key + " lost" }
func (e *kindOnly) ExceptionKind() string { return e.kind }
func (e *kindOnly) Owner() string         { return e.owner }
func (e *kindOnly) ExceptionKey() string  { return e.key }

// plainFinding is a finding without the methods.
type plainFinding struct{}

func (plainFinding) Kind() string   { return "odd_thing" }
func (plainFinding) String() string { return "something odd" }

func TestClassifier_FindingWithoutMethodsIsUnclassified(t *testing.T) {
	c := Classifier{Now: func() time.Time { return time.Date(2026, 11, 6, 9, 0, 0, 0, time.UTC) }}
	x := c.ClassifyFinding(plainFinding{})
	if got := x.String(); got != "unclassified [operations] : odd_thing: something odd" {
		t.Errorf("got %q", got)
	}
}

package ocapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/o2ckit/o2c/sfcc"

	"github.com/google/go-cmp/cmp"
	"github.com/govalues/decimal"
)

func TestClient_StatusSettersPutLowerCaseValuesOnTheirRoute(t *testing.T) {
	for _, tc := range []struct {
		kind string
		set  func(c *Client) error
		want string
	}{
		{"status", func(c *Client) error {
			return c.SetOrderStatus(context.Background(), "00042", sfcc.OrderStatusCancelled)
		}, "cancelled"},
		{"export_status", func(c *Client) error {
			return c.SetExportStatus(context.Background(), "00042", sfcc.ExportStatusExported)
		}, "exported"},
		{"shipping_status", func(c *Client) error {
			return c.SetShippingStatus(context.Background(), "00042", sfcc.ShippingStatusPartShipped)
		}, "part_shipped"},
		{"payment_status", func(c *Client) error {
			return c.SetPaymentStatus(context.Background(), "00042", sfcc.PaymentStatusPaid)
		}, "paid"},
		{"confirmation_status", func(c *Client) error {
			return c.SetConfirmationStatus(context.Background(), "00042", sfcc.ConfirmationStatusConfirmed)
		}, "confirmed"},
		{"external_status", func(c *Client) error { return c.SetExternalStatus(context.Background(), "00042", "ERP: Booked") }, "ERP: Booked"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			f := setup(t)
			var calls counter
			f.mux.HandleFunc("/s/-/dw/data/v25_6/sites/RefArch/orders/00042/"+tc.kind, calls.wrap(func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodPut)
				if !f.authorized(w, r) {
					return
				}
				if got := readBody(t, r)["status"]; got != tc.want {
					t.Errorf("status sent = %v, want %q", got, tc.want)
				}
				w.WriteHeader(http.StatusNoContent)
			}))
			if err := tc.set(f.client); err != nil {
				t.Fatal(err)
			}
			if calls.n.Load() != 1 {
				t.Errorf("calls = %d", calls.n.Load())
			}
		})
	}
}

func TestClient_StatusSetterRefusedTransitionIsConflict(t *testing.T) {
	f := setup(t)
	f.mux.HandleFunc("PUT /s/-/dw/data/v25_6/sites/RefArch/orders/00042/status", func(w http.ResponseWriter, r *http.Request) {
		fault(w, http.StatusConflict, "OrderStatusTransitionException", "A cancelled order cannot be opened.", map[string]string{"orderNo": "00042"})
	})
	err := f.client.SetOrderStatus(context.Background(), "00042", sfcc.OrderStatusOpen)
	var e *sfcc.Error
	if !errors.Is(err, sfcc.ErrConflict) || !errors.As(err, &e) || e.Arguments["orderNo"] != "00042" {
		t.Fatalf("err = %v", err)
	}
}

func TestClient_OrderNumbersAreEscapedInPaths(t *testing.T) {
	f := setup(t)
	var got string
	f.mux.HandleFunc("PUT /s/-/dw/data/v25_6/sites/RefArch/orders/{no}/export_status", func(w http.ResponseWriter, r *http.Request) {
		got = r.PathValue("no")
		w.WriteHeader(http.StatusNoContent)
	})
	if err := f.client.SetExportStatus(context.Background(), "UK/00042 ?", sfcc.ExportStatusExported); err != nil {
		t.Fatal(err)
	}
	if got != "UK/00042 ?" {
		t.Errorf("order number at the server = %q", got)
	}
}

func TestClient_PatchOrderCustomSendsPrefixedExactValues(t *testing.T) {
	f := setup(t)
	var got map[string]any
	f.mux.HandleFunc("PATCH /s/-/dw/data/v25_6/sites/RefArch/orders/00042", func(w http.ResponseWriter, r *http.Request) {
		got = readBody(t, r)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"order_no":"00042"}`))
	})
	err := f.client.PatchOrderCustom(context.Background(), "00042", map[string]any{
		"trackingNumbers": []string{"1Z999", "1Z998"},
		"notified":        true,
		"c_erpOrderNo":    "SO-77",
		"weightKg":        decimal.MustParse("12.50"),
		"parcels":         3,
		"legacyFlag":      nil,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"c_trackingNumbers": []any{"1Z999", "1Z998"},
		"c_notified":        true,
		"c_erpOrderNo":      "SO-77",
		"c_weightKg":        json.Number("12.50"),
		"c_parcels":         json.Number("3"),
		"c_legacyFlag":      nil,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}

func TestClient_PatchOrderCustomRejectsUnsupportedValueAndSendsNothing(t *testing.T) {
	f := setup(t)
	var calls counter
	f.mux.HandleFunc("/s/-/dw/data/v25_6/sites/RefArch/orders/00042", calls.wrap(func(w http.ResponseWriter, r *http.Request) {}))
	err := f.client.PatchOrderCustom(context.Background(), "00042", map[string]any{"ok": "x", "bad": struct{}{}})
	var oe *sfcc.OrderError
	if !errors.Is(err, sfcc.ErrInvalidArgument) || !errors.As(err, &oe) || oe.OrderNo != "00042" {
		t.Fatalf("err = %v", err)
	}
	if calls.n.Load() != 0 {
		t.Error("a request was sent")
	}
	if err := f.client.SetExportStatus(context.Background(), "", sfcc.ExportStatusExported); !errors.Is(err, sfcc.ErrInvalidArgument) {
		t.Errorf("empty order number: %v", err)
	}
}

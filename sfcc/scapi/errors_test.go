package scapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/sfcc/scapi"
	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

var sentinels = map[string]error{
	"ErrNotFound": sfcc.ErrNotFound, "ErrConflict": sfcc.ErrConflict, "ErrPreconditionFailed": sfcc.ErrPreconditionFailed,
	"ErrRateLimited": sfcc.ErrRateLimited, "ErrUnauthorized": sfcc.ErrUnauthorized, "ErrBadRequest": sfcc.ErrBadRequest,
	"ErrInvalidArgument": sfcc.ErrInvalidArgument,
}

// matched lists the sfcc sentinels err matches, and whether it is a
// temporary *sfcc.Error.
func matched(err error) string {
	out := ""
	for _, name := range []string{"ErrNotFound", "ErrConflict", "ErrPreconditionFailed", "ErrRateLimited", "ErrUnauthorized", "ErrBadRequest", "ErrInvalidArgument"} {
		if errors.Is(err, sentinels[name]) {
			out += name + " "
		}
	}
	var se *sfcc.Error
	if errors.As(err, &se) {
		out += fmt.Sprintf("*sfcc.Error(%d temporary=%v)", se.StatusCode, se.Temporary())
	}
	return out
}

// The same fault reaches a host as the same sfcc sentinel through either
// client, so a flow's error handling does not depend on the API.
func TestErrors_MatchTheSameSentinelsAsOCAPI(t *testing.T) {
	srv := sfcctest.NewTestServer(t)
	srv.AddOrders(order("00001", 1, sfcc.ExportStatusReady))
	scfg := srv.SCAPIClientConfig()
	scfg.MaxRetries = -1
	sc, err := scapi.NewClient(scfg)
	if err != nil {
		t.Fatal(err)
	}
	oc, err := ocapi.NewClient(ocapi.Config{Host: srv.URL(), Site: srv.Site(), ClientID: srv.ClientID(),
		Secret: sfcc.StaticSecret(srv.ClientSecret()), TokenURL: srv.TokenURL(), HTTPClient: srv.HTTPClient(), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, status := range []int{http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusConflict,
		http.StatusPreconditionFailed, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable} {
		srv.InjectFault(sfcctest.Fault{Route: "order.status", Status: status, Times: 1})
		srv.InjectFault(sfcctest.Fault{Route: sfcctest.RouteSCAPIOrderStatus, Status: status, Times: 1})
		errOC := oc.SetExportStatus(ctx, "00001", sfcc.ExportStatusExported)
		errSC := sc.SetExportStatus(ctx, "00001", sfcc.ExportStatusExported)
		srv.ClearFaults()
		if errSC == nil || matched(errSC) != matched(errOC) {
			t.Errorf("status %d: scapi matches %q, ocapi %q (%v / %v)", status, matched(errSC), matched(errOC), errSC, errOC)
		}
	}
	// Faults the APIs answer themselves.
	for name, pair := range map[string][2]error{
		"unknown order": {
			oc.SetExportStatus(ctx, "00404", sfcc.ExportStatusExported),
			sc.SetExportStatus(ctx, "00404", sfcc.ExportStatusExported)},
		"dot segment": {
			oc.SetExportStatus(ctx, "..", sfcc.ExportStatusExported),
			sc.SetExportStatus(ctx, "..", sfcc.ExportStatusExported)},
		"empty order number": {
			oc.SetShippingStatus(ctx, "", sfcc.ShippingStatusShipped),
			sc.SetShippingStatus(ctx, "", sfcc.ShippingStatusShipped)},
	} {
		if pair[1] == nil || matched(pair[0]) != matched(pair[1]) {
			t.Errorf("%s: scapi matches %q, ocapi %q (%v / %v)", name, matched(pair[1]), matched(pair[0]), pair[1], pair[0])
		}
	}
	var oe *sfcc.OrderError
	if err := sc.SetExportStatus(ctx, "..", sfcc.ExportStatusExported); !errors.As(err, &oe) || oe.OrderNo != ".." {
		t.Errorf("dot segment: %v, want an *sfcc.OrderError naming the order", err)
	}
}

package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/o2ckit/o2c/internal/webhook"
	"github.com/o2ckit/o2c/reconcile"
	"github.com/o2ckit/o2c/reconcile/reconcileapi"
	"github.com/o2ckit/o2c/wms"
)

// Outbound events. The flows tell the configured webhook URLs (-webhooks,
// default $O2C_WEBHOOK_URLS; a Patchworks webhook trigger URL works as is)
// what happened, signed per Standard Webhooks with $O2C_WEBHOOK_SECRET when
// it is set:
//
//	order.exported      {order_no, document_no}
//	order.failed        {order_no, owner, reason}
//	shipment.applied    {order_no, event_id, shipping_status, notified}
//	exception.raised    {id, kind, owner, key, detail, first_seen}
//	exception.resolved  {id, kind, owner, key, resolved_by, note}
//
// Delivery is webhook.Dispatcher's: queued per endpoint, retried with
// backoff in the background, never blocking a flow. An event's id is the
// same for the same happening (a job that runs again sends the same id),
// so receivers de-duplicate on webhook-id. A process that stops drops what
// it had not delivered; an event given up after its last attempt becomes a
// system-unavailable exception keyed by the endpoint's host.

// Event types.
const (
	eventOrderExported     = "order.exported"
	eventOrderFailed       = "order.failed"
	eventShipmentApplied   = "shipment.applied"
	eventExceptionRaised   = "exception.raised"
	eventExceptionResolved = "exception.resolved"
)

// events sends the flows' events; the zero value (no endpoints) sends none.
type events struct {
	d   *webhook.Dispatcher
	log *slog.Logger
	now func() time.Time
}

// newEvents starts a dispatcher for the endpoints; none gives the zero
// events. giveUp is told about each event dropped after its last attempt.
func newEvents(urls []string, secret string, log *slog.Logger, giveUp func(ep webhook.Endpoint, ev webhook.Event, err error)) (*events, error) {
	e := &events{log: log, now: time.Now}
	if len(urls) == 0 {
		return e, nil
	}
	eps := make([]webhook.Endpoint, len(urls))
	for i, u := range urls {
		eps[i] = webhook.Endpoint{URL: u, Secret: secret}
	}
	d, err := webhook.NewDispatcher(webhook.DispatcherConfig{Endpoints: eps, OnGiveUp: giveUp, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("-webhooks: %w", err)
	}
	e.d = d
	return e, nil
}

// parseURLs splits a comma-separated list of URLs.
func parseURLs(s string) []string {
	var out []string
	for _, u := range strings.Split(s, ",") {
		if u = strings.TrimSpace(u); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// send queues one event; a full queue is logged, never waited for.
func (e *events) send(ctx context.Context, typ, id string, data any) {
	if e == nil || e.d == nil {
		return
	}
	ev := webhook.Event{ID: typ + ":" + id, Type: typ, Timestamp: e.now().UTC(), Data: data}
	if err := e.d.Send(ev); err != nil {
		e.log.WarnContext(ctx, "webhook event not queued", slog.String("type", typ), slog.String("err", err.Error()))
	}
}

func (e *events) orderExported(ctx context.Context, orderNo, documentNo string) {
	e.send(ctx, eventOrderExported, orderNo, map[string]string{"order_no": orderNo, "document_no": documentNo})
}

func (e *events) orderFailed(ctx context.Context, orderNo, owner, reason string) {
	e.send(ctx, eventOrderFailed, orderNo, map[string]string{"order_no": orderNo, "owner": owner, "reason": redactEmails(reason)})
}

func (e *events) shipmentApplied(ctx context.Context, r wms.Result) {
	e.send(ctx, eventShipmentApplied, r.OrderNo+"/"+r.EventID, map[string]any{
		"order_no": r.OrderNo, "event_id": r.EventID, "shipping_status": string(r.ShippingStatus), "notified": r.Notified,
	})
}

func (e *events) exceptionRaised(ctx context.Context, x reconcile.Exception) {
	id := reconcileapi.ID(x.ID())
	e.send(ctx, eventExceptionRaised, id, map[string]any{
		"id": id, "kind": string(x.Kind), "owner": string(x.Owner), "key": x.Key, "detail": x.Detail, "first_seen": x.FirstSeen,
	})
}

func (e *events) exceptionResolved(ctx context.Context, r reconcile.ExceptionRecord) {
	id := reconcileapi.ID(r.ID())
	e.send(ctx, eventExceptionResolved, id+"@"+fmt.Sprint(r.ResolvedAt.UnixNano()), map[string]any{
		"id": id, "kind": string(r.Kind), "owner": string(r.Owner), "key": r.Key, "resolved_by": r.ResolvedBy, "note": r.Note,
	})
}

// close delivers what is queued within ctx.
func (e *events) close(ctx context.Context) error {
	if e == nil || e.d == nil {
		return nil
	}
	return e.d.Close(ctx)
}

// endpointHost names an endpoint without its path or query (which may
// carry a token, as trigger URLs do).
func endpointHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "webhook"
	}
	return u.Host
}

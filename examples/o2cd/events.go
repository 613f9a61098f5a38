package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"

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
// Each event is one deliver_event job per endpoint, unique by the event's
// id and the endpoint: the event survives a crash of the process that
// raised it, any worker delivers it, and River retries a refused or failed
// delivery with backoff — the flow that raised it only inserts a row. An
// event's id is the same for the same happening (a job that runs again
// raises the same id, which River's uniqueness drops, and receivers can
// de-duplicate on webhook-id). A delivery refused for good (4xx), or
// failed on its last attempt, is a system-unavailable exception keyed by
// the receiver's host. The job holds the endpoint's hash, never its URL
// (a trigger URL may carry a token) or the secret.

// Event types.
const (
	eventOrderExported     = "order.exported"
	eventOrderFailed       = "order.failed"
	eventShipmentApplied   = "shipment.applied"
	eventExceptionRaised   = "exception.raised"
	eventExceptionResolved = "exception.resolved"
)

const kindDeliverEvent = "deliver_event"

// deliverEventArgs is one event for one endpoint.
type deliverEventArgs struct {
	EventID  string `json:"event_id" river:"unique"`
	Endpoint string `json:"endpoint" river:"unique"` // endpointID
	// EndpointHost names the receiver in exceptions and logs.
	EndpointHost string          `json:"endpoint_host"`
	Type         string          `json:"type"`
	Timestamp    time.Time       `json:"timestamp"`
	Data         json.RawMessage `json:"data"`
}

func (deliverEventArgs) Kind() string { return kindDeliverEvent }
func (deliverEventArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: policies[kindDeliverEvent].attempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// endpointID identifies an endpoint in a job without its URL.
func endpointID(u string) string {
	sum := sha256.Sum256([]byte(u))
	return hex.EncodeToString(sum[:8])
}

// events inserts the flows' events as jobs; with no endpoints it does
// nothing. A nil *events sends nothing either.
type events struct {
	endpoints []webhook.Endpoint
	insert    func(ctx context.Context, params []river.InsertManyParams) error
	log       *slog.Logger
	now       func() time.Time
}

// newEvents validates the endpoints; insert queues the jobs.
func newEvents(urls []string, secret string, log *slog.Logger, insert func(context.Context, []river.InsertManyParams) error) (*events, error) {
	e := &events{insert: insert, log: log, now: time.Now}
	for _, u := range urls {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return nil, fmt.Errorf("-webhooks: entry %d is not an http(s) URL", len(e.endpoints)+1)
		}
		e.endpoints = append(e.endpoints, webhook.Endpoint{URL: u, Secret: secret})
	}
	return e, nil
}

// parseURLs splits a comma-separated list.
func parseURLs(s string) []string {
	var out []string
	for _, u := range strings.Split(s, ",") {
		if u = strings.TrimSpace(u); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// send queues one event for every endpoint. It never fails the flow: an
// event that cannot be queued is logged.
func (e *events) send(ctx context.Context, typ, id string, data any) {
	if e == nil || len(e.endpoints) == 0 {
		return
	}
	body, err := json.Marshal(data)
	if err != nil {
		e.log.ErrorContext(ctx, "webhook event not encoded", slog.String("type", typ), slog.String("err", err.Error()))
		return
	}
	ts := e.now().UTC()
	params := make([]river.InsertManyParams, len(e.endpoints))
	for i, ep := range e.endpoints {
		params[i] = river.InsertManyParams{Args: deliverEventArgs{
			EventID: typ + ":" + id, Endpoint: endpointID(ep.URL), EndpointHost: endpointHost(ep.URL),
			Type: typ, Timestamp: ts, Data: body,
		}}
	}
	if err := e.insert(context.WithoutCancel(ctx), params); err != nil {
		e.log.WarnContext(ctx, "webhook event not queued", slog.String("type", typ), slog.String("event", typ+":"+id), slog.String("err", err.Error()))
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
	e.send(ctx, eventExceptionRaised, id+"@"+fmt.Sprint(x.FirstSeen.UnixNano()), map[string]any{
		"id": id, "kind": string(x.Kind), "owner": string(x.Owner), "key": x.Key, "detail": x.Detail, "first_seen": x.FirstSeen,
	})
}

func (e *events) exceptionResolved(ctx context.Context, r reconcile.ExceptionRecord) {
	id := reconcileapi.ID(r.ID())
	e.send(ctx, eventExceptionResolved, id+"@"+fmt.Sprint(r.ResolvedAt.UnixNano()), map[string]any{
		"id": id, "kind": string(r.Kind), "owner": string(r.Owner), "key": r.Key, "resolved_by": r.ResolvedBy, "note": r.Note,
	})
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

type deliverEventWorker struct {
	policy[deliverEventArgs]
	client *http.Client
}

// Work makes one delivery attempt. A receiver that may take it later (no
// answer, 408, 429, 5xx) is retried by River; one that refuses it for
// good raises an exception and the job is cancelled.
func (w *deliverEventWorker) Work(ctx context.Context, job *river.Job[deliverEventArgs]) error {
	s, a := w.s, job.Args
	var ep *webhook.Endpoint
	if s.events != nil {
		for i := range s.events.endpoints {
			if endpointID(s.events.endpoints[i].URL) == a.Endpoint {
				ep = &s.events.endpoints[i]
			}
		}
	}
	if ep == nil {
		// The endpoint is no longer configured (here): nothing to do.
		s.log.WarnContext(ctx, "webhook event for an endpoint no longer configured; dropped", slog.String("event", a.EventID), slog.String("endpoint", a.EndpointHost))
		return nil
	}
	ev := webhook.Event{ID: a.EventID, Type: a.Type, Timestamp: a.Timestamp, Data: a.Data}
	err := webhook.Deliver(ctx, w.client, *ep, ev, time.Now())
	if err == nil {
		return nil
	}
	var de *webhook.DeliveryError
	if errors.As(err, &de) && de.Retryable {
		return err
	}
	x := reconcile.Exception{Kind: reconcile.KindSystemUnavailable, Key: "webhook:" + a.EndpointHost,
		Detail: fmt.Sprintf("event %s (%s) refused: %v", a.EventID, a.Type, err)}
	if rerr := s.raise(ctx, x); rerr != nil {
		return rerr
	}
	return river.JobCancel(err)
}

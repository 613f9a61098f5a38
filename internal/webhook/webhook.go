// Package webhook sends o2c's outbound events (an order exported or
// failed, an exception raised or resolved, a shipment applied) to
// configured URLs, signed as the Standard Webhooks specification
// (https://www.standardwebhooks.com) describes, so a receiver that verifies
// can and one that does not — a Patchworks webhook trigger URL — works as
// is.
//
// Each delivery is a POST of the event as JSON with three headers:
// webhook-id (the event's id, the same on every retry, so receivers can
// de-duplicate), webhook-timestamp (Unix seconds) and webhook-signature
// ("v1," and the base64 HMAC-SHA256 of "id.timestamp.body" under the
// endpoint's secret). Deliver makes one attempt and says whether another
// may succeed; Dispatcher queues events, delivers them in the background
// with backoff and never blocks the flow that raised them: when its queue
// is full, Send fails at once and the caller records that.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SecretPrefix starts a Standard Webhooks secret; the rest is the key in
// base64.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a signature's timestamp may be from the
// receiver's clock in Verify.
const DefaultTolerance = 5 * time.Minute

// Event is one outbound event.
type Event struct {
	// ID identifies the event; every retry carries the same one.
	ID string `json:"-"`
	// Type is e.g. "order.exported", "exception.raised".
	Type string `json:"type"`
	// Timestamp is when it happened.
	Timestamp time.Time `json:"timestamp"`
	// Data is the event's payload, marshalled as JSON.
	Data any `json:"data"`
}

// Endpoint is a receiver of events.
type Endpoint struct {
	// URL is where events are POSTed; https, or http for a local receiver.
	URL string
	// Secret signs the events: "whsec_" + base64 key, or raw text used as
	// the key as is. Empty sends events unsigned (a plain trigger URL).
	Secret string
	// Types limits the endpoint to these event types; empty means all.
	Types []string
}

// String names the endpoint by host, without its secret or query.
func (e Endpoint) String() string {
	u, err := url.Parse(e.URL)
	if err != nil {
		return "webhook endpoint (unparsable URL)"
	}
	return "webhook endpoint " + u.Scheme + "://" + u.Host + u.Path
}

func (e Endpoint) wants(typ string) bool {
	if len(e.Types) == 0 {
		return true
	}
	for _, t := range e.Types {
		if t == typ {
			return true
		}
	}
	return false
}

func key(secret string) ([]byte, error) {
	if rest, ok := strings.CutPrefix(secret, SecretPrefix); ok {
		k, err := base64.StdEncoding.DecodeString(rest)
		if err != nil {
			return nil, errors.New("webhook: secret after whsec_ is not base64")
		}
		return k, nil
	}
	return []byte(secret), nil
}

// Sign returns the webhook-signature value for a message.
func Sign(secret, id string, timestamp time.Time, body []byte) (string, error) {
	k, err := key(secret)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, k)
	fmt.Fprintf(m, "%s.%d.", id, timestamp.Unix())
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// ErrBadSignature is what Verify returns for a message that was not signed
// with the secret, or was altered.
var ErrBadSignature = errors.New("webhook: no valid signature")

// Verify checks a received message's headers and body against secret, as
// a receiver does: one of the space-separated v1 signatures must match and
// the timestamp must be within DefaultTolerance of now.
func Verify(secret string, h http.Header, body []byte, now time.Time) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("%w: missing webhook-id, webhook-timestamp or webhook-signature", ErrBadSignature)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrBadSignature, ts)
	}
	at := time.Unix(sec, 0)
	if d := now.Sub(at); d > DefaultTolerance || d < -DefaultTolerance {
		return fmt.Errorf("%w: timestamp %s is outside the tolerance", ErrBadSignature, at.UTC().Format(time.RFC3339))
	}
	want, err := Sign(secret, id, at, body)
	if err != nil {
		return err
	}
	for _, s := range strings.Fields(sigs) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return ErrBadSignature
}

// DeliveryError is a failed delivery attempt.
type DeliveryError struct {
	// Endpoint names the receiver (no secret, no query).
	Endpoint string
	EventID  string
	// StatusCode is the receiver's answer; 0 when none came.
	StatusCode int
	// Retryable says whether another attempt may succeed (no answer, 408,
	// 409, 425, 429, 5xx).
	Retryable bool
	// RetryAfter is the receiver's Retry-After, when it sent one.
	RetryAfter time.Duration
	Err        error
}

// Error names the endpoint, the event and what happened.
func (e *DeliveryError) Error() string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("webhook: %s: event %s: answered %d", e.Endpoint, e.EventID, e.StatusCode)
	}
	return fmt.Sprintf("webhook: %s: event %s: %v", e.Endpoint, e.EventID, e.Err)
}

// Unwrap returns the transport error, if any.
func (e *DeliveryError) Unwrap() error { return e.Err }

// Deliver POSTs ev to ep once, signed, and returns nil for a 2xx answer or
// a *DeliveryError.
func Deliver(ctx context.Context, client *http.Client, ep Endpoint, ev Event, now time.Time) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return &DeliveryError{Endpoint: ep.String(), EventID: ev.ID, Err: fmt.Errorf("encoding the event: %w", err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return &DeliveryError{Endpoint: ep.String(), EventID: ev.ID, Err: errors.New("invalid endpoint URL")}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "o2c-webhooks")
	req.Header.Set("webhook-id", ev.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	if ep.Secret != "" {
		sig, err := Sign(ep.Secret, ev.ID, now, body)
		if err != nil {
			return &DeliveryError{Endpoint: ep.String(), EventID: ev.ID, Err: err}
		}
		req.Header.Set("webhook-signature", sig)
	}
	resp, err := client.Do(req)
	if err != nil {
		// The URL (and any token in its query) stays out of the error.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return &DeliveryError{Endpoint: ep.String(), EventID: ev.ID, Retryable: ctx.Err() == nil, Err: err}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	de := &DeliveryError{Endpoint: ep.String(), EventID: ev.ID, StatusCode: resp.StatusCode}
	switch {
	case resp.StatusCode >= 500, resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusConflict,
		resp.StatusCode == http.StatusTooEarly, resp.StatusCode == http.StatusTooManyRequests:
		de.Retryable = true
	}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			de.RetryAfter = time.Duration(n) * time.Second
		} else if t, err := http.ParseTime(s); err == nil {
			de.RetryAfter = max(t.Sub(now), 0)
		}
	}
	return de
}

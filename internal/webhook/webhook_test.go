package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/internal/webhook"
)

// The example of the Standard Webhooks specification's reference
// libraries: the same secret, id, timestamp and body give this signature.
func TestSign_MatchesTheStandardWebhooksExample(t *testing.T) {
	got, err := webhook.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	at := time.Unix(1614265330, 0)
	body := []byte(`{"test": 2432232314}`)
	sig, _ := webhook.Sign(secret, "msg_1", at, body)
	h := http.Header{}
	h.Set("webhook-id", "msg_1")
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", "v1,bm90IGl0 "+sig) // a rotated-out signature first
	if err := webhook.Verify(secret, h, body, at.Add(time.Minute)); err != nil {
		t.Errorf("valid message refused: %v", err)
	}
	if err := webhook.Verify(secret, h, []byte(`{"test": 2432232315}`), at); !errors.Is(err, webhook.ErrBadSignature) {
		t.Errorf("altered body accepted: %v", err)
	}
	if err := webhook.Verify(secret, h, body, at.Add(10*time.Minute)); !errors.Is(err, webhook.ErrBadSignature) {
		t.Errorf("replayed old message accepted: %v", err)
	}
	if err := webhook.Verify("whsec_"+strings.Repeat("A", 32), h, body, at); !errors.Is(err, webhook.ErrBadSignature) {
		t.Errorf("message accepted under another secret: %v", err)
	}
}

// receiver verifies what it gets and answers from a script of statuses.
type receiver struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	script []int
	got    []string // "id type" of each verified delivery
	srv    *httptest.Server
}

func newReceiver(t *testing.T, secret string, script ...int) *receiver {
	r := &receiver{t: t, secret: secret, script: script}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if r.secret != "" {
			if err := webhook.Verify(r.secret, req.Header, body, time.Now()); err != nil {
				t.Errorf("receiver: %v", err)
			}
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		status := 204
		if len(r.script) > 0 {
			status, r.script = r.script[0], r.script[1:]
		}
		if status == 429 {
			w.Header().Set("Retry-After", "7")
		}
		if status < 300 {
			r.got = append(r.got, req.Header.Get("webhook-id")+" "+strings.SplitN(strings.TrimPrefix(string(body), `{"type":"`), `"`, 2)[0])
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

func TestDeliver_ClassifiesAnswers(t *testing.T) {
	for _, tc := range []struct {
		status    int
		retryable bool
		after     time.Duration
	}{{500, true, 0}, {503, true, 0}, {429, true, 7 * time.Second}, {408, true, 0}, {400, false, 0}, {401, false, 0}, {410, false, 0}} {
		r := newReceiver(t, "", tc.status)
		err := webhook.Deliver(context.Background(), http.DefaultClient, webhook.Endpoint{URL: r.srv.URL + "/hook?token=sekret"},
			webhook.Event{ID: "msg_x", Type: "order.exported"}, time.Now())
		var de *webhook.DeliveryError
		if !errors.As(err, &de) || de.StatusCode != tc.status || de.Retryable != tc.retryable || de.RetryAfter != tc.after {
			t.Errorf("%d: %#v", tc.status, err)
		}
		if err != nil && strings.Contains(err.Error(), "sekret") {
			t.Errorf("%d: the URL's query reached the error: %v", tc.status, err)
		}
	}
	err := webhook.Deliver(context.Background(), http.DefaultClient, webhook.Endpoint{URL: "http://127.0.0.1:1/hook?token=sekret"},
		webhook.Event{ID: "msg_y", Type: "order.exported"}, time.Now())
	var de *webhook.DeliveryError
	if !errors.As(err, &de) || !de.Retryable || strings.Contains(err.Error(), "sekret") {
		t.Errorf("refused connection: %v", err)
	}
}

func TestDispatcher_RetriesWithBackoffAndHonoursRetryAfter(t *testing.T) {
	r := newReceiver(t, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 503, 429, 200)
	var mu sync.Mutex
	var waits []time.Duration
	d, err := webhook.NewDispatcher(webhook.DispatcherConfig{
		Endpoints: []webhook.Endpoint{{URL: r.srv.URL, Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}},
		Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Send(webhook.Event{ID: "msg_1", Type: "order.exported", Data: map[string]string{"order_no": "00012"}}); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := r.received(); fmt.Sprint(got) != "[msg_1 order.exported]" {
		t.Errorf("received %v, want the event once", got)
	}
	if fmt.Sprint(waits) != "[1s 7s]" {
		t.Errorf("waits %v, want the first backoff then the receiver's Retry-After", waits)
	}
}

func TestDispatcher_GivesUpAndSaysSo_WithoutDelayingOtherEndpoints(t *testing.T) {
	dead := newReceiver(t, "", 500, 500, 500, 500, 500, 500, 500)
	refusing := newReceiver(t, "", 400)
	good := newReceiver(t, "")
	var mu sync.Mutex
	var gaveUp []string
	d, err := webhook.NewDispatcher(webhook.DispatcherConfig{
		Endpoints: []webhook.Endpoint{{URL: dead.srv.URL}, {URL: refusing.srv.URL}, {URL: good.srv.URL, Types: []string{"order.exported"}}},
		Backoff:   []time.Duration{time.Millisecond, time.Millisecond},
		Sleep:     func(context.Context, time.Duration) error { return nil },
		OnGiveUp: func(ep webhook.Endpoint, ev webhook.Event, err error) {
			mu.Lock()
			defer mu.Unlock()
			gaveUp = append(gaveUp, ev.ID)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	d.Send(webhook.Event{ID: "msg_a", Type: "order.exported"})
	d.Send(webhook.Event{ID: "msg_b", Type: "exception.raised"})
	d.Close(context.Background())
	if got := good.received(); fmt.Sprint(got) != "[msg_a order.exported]" {
		t.Errorf("the good endpoint got %v, want only the type it asked for", got)
	}
	// dead: msg_a after 3 attempts, msg_b after 3; refusing: msg_a at once
	// (a 400 is final), msg_b delivered.
	mu.Lock()
	defer mu.Unlock()
	if len(gaveUp) != 3 {
		t.Errorf("gave up on %v, want msg_a and msg_b at the dead endpoint and msg_a at the refusing one", gaveUp)
	}
	if got := refusing.received(); fmt.Sprint(got) != "[msg_b exception.raised]" {
		t.Errorf("refusing endpoint got %v", got)
	}
}

func TestDispatcher_SendNeverBlocks(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	d, err := webhook.NewDispatcher(webhook.DispatcherConfig{Endpoints: []webhook.Endpoint{{URL: srv.URL}}, QueueSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	full := 0
	for i := range 10 {
		if err := d.Send(webhook.Event{ID: fmt.Sprint("msg_", i), Type: "order.exported"}); errors.Is(err, webhook.ErrQueueFull) {
			full++
		}
	}
	// One in flight, two queued: the rest are refused at once.
	if full < 7 {
		t.Errorf("%d sends refused, want at least 7 with a queue of 2 and a stuck receiver", full)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Close(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Close with a done context: %v", err)
	}
	if err := d.Send(webhook.Event{Type: "order.exported"}); !errors.Is(err, webhook.ErrClosed) {
		t.Errorf("Send after Close: %v", err)
	}
}

func TestNewDispatcher_RejectsUnusableEndpoints(t *testing.T) {
	for _, tc := range []struct {
		ep    webhook.Endpoint
		field string
	}{
		{webhook.Endpoint{URL: "ftp://x/hook"}, "Endpoints[0].URL"},
		{webhook.Endpoint{URL: "https://user:pass@x/hook"}, "Endpoints[0].URL"},
		{webhook.Endpoint{URL: "https://x/hook", Secret: "whsec_***"}, "Endpoints[0].Secret"},
	} {
		_, err := webhook.NewDispatcher(webhook.DispatcherConfig{Endpoints: []webhook.Endpoint{tc.ep}})
		var ce *webhook.ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("%v: %v, want a *ConfigError for %s", tc.ep.URL, err, tc.field)
		}
		if err != nil && strings.Contains(err.Error(), "pass") {
			t.Errorf("error quotes the URL's password: %v", err)
		}
	}
}

func ExampleSign() {
	sig, _ := webhook.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	fmt.Println(sig)
	// Output: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
}

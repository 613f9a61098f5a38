package webhook_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/o2ckit/o2c/internal/webhook"
)

// FuzzVerify feeds arbitrary headers and bodies to Verify: it never panics
// and accepts only what Sign produced for that body.
func FuzzVerify(f *testing.F) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	at := time.Unix(1614265330, 0)
	good, _ := webhook.Sign(secret, "msg_1", at, []byte(`{"a":1}`))
	f.Add("msg_1", "1614265330", good, []byte(`{"a":1}`))
	f.Add("msg_1", "x", "v1,", []byte(``))
	f.Add("", "", "", []byte(`{}`))
	f.Fuzz(func(t *testing.T, id, ts, sigs string, body []byte) {
		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", ts)
		h.Set("webhook-signature", sigs)
		if err := webhook.Verify(secret, h, body, at); err != nil {
			return
		}
		want, _ := webhook.Sign(secret, h.Get("webhook-id"), at, body)
		if ts != "1614265330" && ts != "+1614265330" && ts != "01614265330" {
			// Within the tolerance other timestamps can be valid; the
			// signature must then be over that timestamp.
			return
		}
		found := false
		for _, s := range strings.Fields(h.Get("webhook-signature")) {
			if s == want {
				found = true
			}
		}
		if !found {
			t.Fatalf("accepted %q for id %q body %q", sigs, id, body)
		}
	})
}

package wmshttp_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/o2ckit/o2c/wms/wmshttp"
	"github.com/o2ckit/o2c/wms/wmstest"
)

// FuzzHandler_Acks sends arbitrary acknowledgement bodies and max values:
// the handler never panics and answers 2xx or a 4xx error body.
func FuzzHandler_Acks(f *testing.F) {
	for _, seed := range []string{`{"confirmations":[{"order_no":"1","event_id":"E"}]}`, `{"levels":[{"sku":"A","available":"1","at":"2026-01-01T00:00:00Z"}]}`,
		`{`, `null`, `{"levels":[{"sku":"A","available":"x"}]}`, `{"levels":[{"sku":"A","at":"yesterday"}]}`} {
		f.Add(seed, "5")
	}
	feed := wmstest.NewFakeWMSWith(wmstest.SampleConfirmations(3))
	feed.AddLevels(wmstest.SampleLevels(3)...)
	h, err := wmshttp.NewHandler(wmshttp.HandlerConfig{Confirmations: feed, Levels: feed})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body, max string) {
		for _, r := range []struct{ method, path, body string }{
			{"POST", "/v1/confirmations/ack", body}, {"POST", "/v1/levels/ack", body},
			{"GET", "/v1/levels?max=" + max, ""}, {"GET", "/v1/confirmations?max=" + max, ""},
		} {
			req := httptest.NewRequest(r.method, "/", strings.NewReader(r.body))
			req.URL.RawQuery = strings.SplitN(r.path+"?", "?", 2)[1]
			req.URL.Path = strings.SplitN(r.path, "?", 2)[0]
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code < 300 {
				continue
			}
			var e struct{ Error struct{ Code string } }
			if rec.Code >= 500 || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error.Code == "" {
				t.Fatalf("%s %s %q: %d %s", r.method, r.path, r.body, rec.Code, rec.Body)
			}
		}
	})
}

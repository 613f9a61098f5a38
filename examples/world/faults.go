package main

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/o2ckit/o2c/sfcc/sfcctest"
)

// With -faults the world fails at fixed rates by count, never by chance, so
// the same requests meet the same failures. Every failure is transient: a
// client that retries as its contract says ends in the same state as
// without faults.
//
//   - SFCC (sfcctest faults): every 7th status change 503 THROTTLE and every
//     11th 500; every 5th custom-attribute patch 503 WARN; every 6th order
//     read 500; every 10th order search 500; every 15th batch 429 with
//     Retry-After 1 s.
//   - ERP: every 9th request answers 503 (an outage, before any effect);
//     every 7th write (POST, PUT) takes effect and then loses its answer:
//     the connection closes without a response.
//   - WMS: every 10th request answers 503.
func sfccFaults() []sfcctest.Fault {
	return []sfcctest.Fault{
		{Route: "order.status", Status: http.StatusServiceUnavailable, LoadStatus: "THROTTLE", Every: 7},
		{Route: "order.status", Status: http.StatusInternalServerError, Every: 11},
		{Route: "order.patch", Status: http.StatusServiceUnavailable, LoadStatus: "WARN", Every: 5},
		{Route: "order.get", Status: http.StatusInternalServerError, Every: 6},
		{Route: "order.search", Status: http.StatusInternalServerError, Every: 10},
		{Route: "batch", Status: http.StatusTooManyRequests, RetryAfter: time.Second, Every: 15},
	}
}

// faultPlan holds the HTTP-level faults of the ERP and WMS APIs. They sit
// in front of the handlers, not in the fake systems, so the world's own
// reads (the WMS checking the ERP's order book, /summary) never meet them
// and never shift their counts.
type faultPlan struct {
	erp, wms *faultRoute
}

func newFaultPlan(on bool) *faultPlan {
	if !on {
		return &faultPlan{erp: &faultRoute{}, wms: &faultRoute{}}
	}
	return &faultPlan{
		erp: &faultRoute{outageEvery: 9, lostEvery: 7},
		wms: &faultRoute{outageEvery: 10},
	}
}

// faultRoute counts the requests of one API and fails some of them.
type faultRoute struct {
	outageEvery, lostEvery int

	mu       sync.Mutex
	requests int
	writes   int
	outages  int
	lost     int
}

// fired returns how many outages and lost answers were injected.
func (f *faultRoute) fired() (outages, lost int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.outages, f.lost
}

// decide counts r and says what happens to it.
func (f *faultRoute) decide(r *http.Request) (outage, lose bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	if f.outageEvery > 0 && f.requests%f.outageEvery == 0 {
		f.outages++
		return true, false
	}
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		f.writes++
		if f.lostEvery > 0 && f.writes%f.lostEvery == 0 {
			f.lost++
			return false, true
		}
	}
	return false, false
}

func (f *faultRoute) wrap(h http.Handler) http.Handler {
	if f.outageEvery == 0 && f.lostEvery == 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		outage, lose := f.decide(r)
		switch {
		case outage:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":{"code":"unavailable","message":"injected outage"}}` + "\n"))
		case lose:
			// The request takes effect; its answer never arrives.
			h.ServeHTTP(httptest.NewRecorder(), r)
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
				return
			}
			w.WriteHeader(http.StatusBadGateway)
		default:
			h.ServeHTTP(w, r)
		}
	})
}

package sfcctest

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/o2ckit/o2c/internal/ctxwait"
)

// Fault is a scripted failure for one route, or for every route but the
// token endpoint. Faults are deterministic: they fire by count, never by
// chance.
//
// Route names, used in the request log and here: "token", "order.get",
// "order.search", "order.status" (any of the six PUT .../{kind}),
// "order.patch", "inventory.get", "inventory.put", "inventory.patch",
// "inventory.delete", "inventory.list", "batch"; for SCAPI and OCI (answered
// with problem documents) "scapi.order.search", "scapi.order.get",
// "scapi.order.status", "scapi.order.patch", "oci.batch", "oci.import",
// "oci.upload", "oci.import.status", "oci.import.results".
//
// A fault that names a Data API route also applies to the sub-requests of a
// batch for that route (Status and Latency; a Drop there answers the
// sub-request 500), so a test can make one item of a batch fail. A fault with
// Route "" applies to top-level requests only.
type Fault struct {
	// Route is the route name; "" means every route except "token".
	Route string
	// Status is the status answered: 429 (QuotaExceededException, with
	// Retry-After), 500 (InternalServerError), 503
	// (ServiceUnavailableException, with sfdc_load headers), or any other
	// status with a fault type chosen to match it. 0 with Latency only
	// delays the normal answer.
	Status int
	// RetryAfter is sent as Retry-After whole seconds (rounded up) on 429 and
	// 503; a 429 without it says 1.
	RetryAfter time.Duration
	// LoadStatus is "WARN" or "THROTTLE": the sfdc_load_status header on a
	// 503 (default THROTTLE), with sfdc_load 85 or 95.
	LoadStatus string
	// Latency delays the answer with a real timer (keep it tiny in tests);
	// the delay ends early when the client goes away.
	Latency time.Duration
	// Drop closes the connection without answering.
	Drop bool
	// Times limits the fault to the next N matching requests; 0 means until
	// ClearFaults. With Every, it limits how often the fault fires.
	Times int
	// Every, when > 0, fires the fault on every Nth matching request only
	// (the Nth, 2Nth, ...).
	Every int
}

// routeNames are the route names faults and the request log use.
var routeNames = []string{"token", "order.get", "order.search", "order.status", "order.patch", "inventory.get",
	"inventory.put", "inventory.patch", "inventory.delete", "inventory.list", "batch",
	RouteSCAPIOrderSearch, RouteSCAPIOrderGet, RouteSCAPIOrderStatus, RouteSCAPIOrderPatch,
	RouteOCIBatch, RouteOCIImport, RouteOCIUpload, RouteOCIImportStatus, RouteOCIImportResults}

type faultState struct {
	Fault
	seen  int // matching requests so far
	fired int // times the fault fired
}

// InjectFault adds a fault. Faults are checked in the order injected; every
// matching fault counts the request, and the first that fires is applied.
func (s *Server) InjectFault(f Fault) {
	if f.Route != "" && !contains(routeNames, f.Route) {
		s.cfg.logger.Warn("sfcctest: fault for an unknown route never fires", slog.String("route", f.Route))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f})
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// FaultsFired is how many times injected faults have fired since the server
// started (ClearFaults does not reset it).
func (s *Server) FaultsFired() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fired
}

// takeFault counts route against every fault and returns the first that
// fires. sub is true for a batch sub-request, which only faults naming its
// route match.
func (s *Server) takeFault(route string, sub ...bool) (Fault, bool) {
	isSub := len(sub) > 0 && sub[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	var chosen *faultState
	for _, f := range s.faults {
		switch {
		case f.Route == route && route != "":
		case f.Route == "" && route != "token" && !isSub:
		default:
			continue
		}
		if f.Times > 0 && f.fired >= f.Times {
			continue
		}
		f.seen++
		if chosen != nil {
			continue
		}
		if f.Every > 0 && f.seen%f.Every != 0 {
			continue
		}
		chosen = f
	}
	if chosen == nil {
		return Fault{}, false
	}
	chosen.fired++
	s.fired++
	return chosen.Fault, true
}

// applyFault delays, drops or answers the request as f says. It reports
// whether the request should still be served normally (a latency-only fault).
// beforeDrop runs just before a connection is dropped.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault, beforeDrop func()) bool {
	if f.Latency > 0 {
		_ = ctxwait.Sleep(r.Context(), f.Latency) // a gone client ends the wait
	}
	if f.Drop {
		if hj, ok := w.(interface{ Unwrap() http.ResponseWriter }); ok {
			if h, ok := hj.Unwrap().(http.Hijacker); ok {
				if conn, _, err := h.Hijack(); err == nil {
					beforeDrop()
					_ = conn.Close()
					return false
				}
			}
		}
		writeFault(w, http.StatusInternalServerError, "InternalServerError", "connection dropped", nil)
		return false
	}
	if f.Status == 0 {
		return true
	}
	writeFaultStatus(w, f)
	return false
}

// writeFaultStatus writes the fault document, and headers, of an injected status.
func writeFaultStatus(w http.ResponseWriter, f Fault) {
	switch f.Status {
	case http.StatusTooManyRequests:
		ra := f.RetryAfter
		if ra <= 0 {
			ra = time.Second
		}
		w.Header().Set("Retry-After", seconds(ra))
	case http.StatusServiceUnavailable:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", seconds(f.RetryAfter))
		}
		load, status := "95", "THROTTLE"
		if f.LoadStatus == "WARN" {
			load, status = "85", "WARN"
		}
		w.Header().Set("sfdc_load", load)
		w.Header().Set("sfdc_load_status", status)
	}
	writeFault(w, f.Status, faultTypes[f.Status], "injected fault", nil)
}

// faultTypes are the OCAPI fault types written for injected statuses.
var faultTypes = map[int]string{
	http.StatusBadRequest:          "InvalidDocumentException",
	http.StatusUnauthorized:        "InvalidAccessTokenException",
	http.StatusForbidden:           "ForbiddenException",
	http.StatusNotFound:            "NotFoundException",
	http.StatusConflict:            "ConflictException",
	http.StatusPreconditionFailed:  "PreconditionFailedException",
	http.StatusTooManyRequests:     "QuotaExceededException",
	http.StatusInternalServerError: "InternalServerError",
	http.StatusBadGateway:          "BadGatewayException",
	http.StatusServiceUnavailable:  "ServiceUnavailableException",
	http.StatusGatewayTimeout:      "GatewayTimeoutException",
}

// seconds is d in whole seconds, rounded up, at least 1.
func seconds(d time.Duration) string {
	n := int64((d + time.Second - 1) / time.Second)
	if n < 1 {
		n = 1
	}
	return strconv.FormatInt(n, 10)
}

// faultDoc is the OCAPI fault document.
type faultDoc struct {
	V     string    `json:"_v"`
	Fault faultBody `json:"fault"`
}

type faultBody struct {
	Type      string            `json:"type"`
	Message   string            `json:"message"`
	Arguments map[string]string `json:"arguments,omitempty"`
}

func writeFault(w http.ResponseWriter, status int, typ, msg string, args map[string]string) {
	if typ == "" {
		typ = "ServerException"
	}
	writeJSON(w, status, faultDoc{V: apiVersion, Fault: faultBody{Type: typ, Message: msg, Arguments: args}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"_v":"`+apiVersion+`","fault":{"type":"InternalServerError","message":"encoding the response failed"}}`)
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// bucket is an integer token bucket on the injected clock: tokens are kept in
// millionths so refills are exact without fractions.
type bucket struct {
	perSecond int64
	capacity  int64 // in millionths
	level     int64 // in millionths
	last      time.Time
}

const unit = 1_000_000

func newBucket(perSecond, burst int, now time.Time) bucket {
	c := int64(burst) * unit
	return bucket{perSecond: int64(perSecond), capacity: c, level: c, last: now}
}

// take takes one token at now, or reports the wait until one is available.
func (b *bucket) take(now time.Time) (time.Duration, bool) {
	if elapsed := now.Sub(b.last); elapsed > 0 {
		// Cap the elapsed time before multiplying so a clock jump cannot overflow.
		full := time.Duration(b.capacity*1000/b.perSecond + 1)
		if elapsed > full {
			elapsed = full
		}
		b.level = min(b.capacity, b.level+int64(elapsed)*b.perSecond/1000)
		b.last = now
	}
	if b.level >= unit {
		b.level -= unit
		return 0, true
	}
	missing := unit - b.level
	return time.Duration((missing*1000 + b.perSecond - 1) / b.perSecond), false
}

// allow applies the server-side rate limit; when refused it returns the
// Retry-After value.
func (s *Server) allow() (string, bool) {
	if s.cfg.ratePerSecond <= 0 {
		return "", true
	}
	s.mu.Lock()
	wait, ok := s.bucket.take(s.now())
	s.mu.Unlock()
	if ok {
		return "", true
	}
	return seconds(wait), false
}

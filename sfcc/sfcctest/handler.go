package sfcctest

import "net/http"

// Handler returns the simulator's routes as an http.Handler, so a host can
// serve the same instance (its state, faults and request log) on a listener
// of its own, e.g. next to other simulated systems under one address. The
// routes keep their absolute paths (/dwsso/..., /s/...): mount it at the
// root of that listener. Clients of that listener use its address as the
// host and token URL instead of URL and TokenURL.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

package main

import (
	"flag"
	"fmt"
	"time"
)

// extrapolationOrders is the day size the -json speed figures extrapolate to.
const extrapolationOrders = 10_000

// addSpeedFlags registers the flags of a run at real SFCC speed: the
// simulator's per-request latency and the client's rate limit.
func addSpeedFlags(fs *flag.FlagSet, cfg *dayConfig) {
	fs.DurationVar(&cfg.SimLatency, "sim-latency", 0,
		"make every simulated SFCC API request take `D` (e.g. 150ms), as a real instance does")
	fs.IntVar(&cfg.Rate, "rate", 0,
		"limit the SFCC client to `N` requests per second (default: unlimited against the simulator, 20 against a real instance)")
}

// checkSpeed rejects speed settings that make no sense.
func checkSpeed(cfg dayConfig) error {
	if cfg.SimLatency < 0 || cfg.Rate < 0 {
		return fmt.Errorf("-sim-latency and -rate must not be negative")
	}
	return nil
}

// finishSpeed fills the day's timing figures. With a rate limit the floor
// is the time the limit alone imposes (SFCC requests ÷ rate) and
// elapsed_vs_floor says how close the day came to it: far above 1 means
// the day waited on something else (too few requests in flight for the
// latency, or steps that run one request at a time).
func (d *day) finishSpeed(elapsed time.Duration) {
	s := &d.sum
	s.DaySeconds = elapsed.Seconds()
	if d.cfg.SimLatency > 0 {
		s.SimLatency = d.cfg.SimLatency.String()
	}
	s.RequestsPerSecond = d.cfg.Rate
	if d.cfg.Rate <= 0 || s.SFCCRequests == 0 {
		return
	}
	rate := float64(d.cfg.Rate)
	s.FloorSeconds = float64(s.SFCCRequests) / rate
	s.ElapsedVsFloor = s.DaySeconds / s.FloorSeconds
	s.ExtrapolatedSeconds = s.SFCCRequestsPerOrder * extrapolationOrders / rate * s.ElapsedVsFloor
}

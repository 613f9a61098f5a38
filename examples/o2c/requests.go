package main

import (
	"context"
	"sort"
	"time"
)

// The steps whose SFCC requests the day counts (sfcc_requests_by_step).
const (
	meterExport     = "export"
	meterFulfilment = "fulfilment"
	meterStock      = "stock"
	meterMonitor    = "monitor"
	// meterOther collects requests made outside the steps above; it appears
	// only when there are some.
	meterOther = "other"
)

// MaxSFCCRequestsPerOrder is the budget of SFCC API requests a generated day
// may spend per order across export, fulfilment, stock and monitoring.
const MaxSFCCRequestsPerOrder = 5

// sfccCounts returns the SFCC API requests and the Account Manager token
// requests the simulator has answered so far (retries included: the log
// records what reached the server). Against a real instance there is no log
// and both are zero.
func (d *day) sfccCounts() (api, token int) {
	if d.srv == nil {
		return 0, 0
	}
	token = d.srv.RequestCount("token")
	return d.srv.RequestCount("") - token, token
}

// metered wraps a step so that the SFCC requests it makes are added to the
// day's count under name; an empty name returns run unchanged.
func (d *day) metered(name string, run func(context.Context) error) func(context.Context) error {
	if name == "" || d.srv == nil {
		return run
	}
	return func(ctx context.Context) error {
		before, _ := d.sfccCounts()
		t0 := time.Now()
		err := run(ctx)
		took := time.Since(t0)
		after, _ := d.sfccCounts()
		d.mu.Lock()
		if d.sum.SFCCRequestsByStep == nil {
			d.sum.SFCCRequestsByStep, d.sum.StepSeconds = map[string]int{}, map[string]float64{}
		}
		d.sum.SFCCRequestsByStep[name] += after - before
		d.sum.StepSeconds[name] += took.Seconds()
		d.mu.Unlock()
		return err
	}
}

// finishRequestCounts fills the request totals of the summary.
func (d *day) finishRequestCounts() {
	if d.srv == nil {
		return
	}
	s := &d.sum
	api, token := d.sfccCounts()
	s.SFCCRequests, s.SFCCTokenRequests = api, token
	if s.SFCCRequestsByStep == nil {
		s.SFCCRequestsByStep = map[string]int{}
	}
	counted := 0
	for _, n := range s.SFCCRequestsByStep {
		counted += n
	}
	if other := api - counted; other > 0 {
		s.SFCCRequestsByStep[meterOther] += other
	}
	if n := len(d.placed); n > 0 {
		s.SFCCRequestsPerOrder = float64(api) / float64(n)
	}
}

// stepNames returns the metered step names in a stable order, for text output.
func stepNames(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	order := map[string]int{meterExport: 0, meterFulfilment: 1, meterStock: 2, meterMonitor: 3}
	sort.Slice(out, func(i, j int) bool {
		oi, iok := order[out[i]]
		oj, jok := order[out[j]]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return out[i] < out[j]
	})
	return out
}

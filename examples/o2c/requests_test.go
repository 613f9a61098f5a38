package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"
)

// A generated day stays within MaxSFCCRequestsPerOrder SFCC requests per
// order, counted from the simulator's request log, and the per-step counts
// add up to the total.
func TestDay_StaysWithinTheSFCCRequestBudgetPerOrder(t *testing.T) {
	d, st := runTestDay(t, dayConfig{Orders: 120, Seed: 20261127, Workers: 8})
	checkDay(t, d, st)
	s := st.Summary
	var logged int
	for _, r := range d.srv.Requests() {
		if r.Route != "token" {
			logged++
		}
	}
	if s.SFCCRequests != logged || s.SFCCRequests == 0 {
		t.Fatalf("sfcc_requests %d, the simulator logged %d", s.SFCCRequests, logged)
	}
	sum := 0
	for _, step := range []string{meterExport, meterFulfilment, meterStock, meterMonitor} {
		if s.SFCCRequestsByStep[step] == 0 {
			t.Errorf("step %s made no SFCC request: %v", step, s.SFCCRequestsByStep)
		}
	}
	for _, n := range s.SFCCRequestsByStep {
		sum += n
	}
	if sum != s.SFCCRequests {
		t.Errorf("steps add up to %d, total %d (%v)", sum, s.SFCCRequests, s.SFCCRequestsByStep)
	}
	if max := MaxSFCCRequestsPerOrder * len(d.placed); s.SFCCRequests > max {
		t.Errorf("%d SFCC requests for %d orders (%.2f per order, %v); the budget is %d per order",
			s.SFCCRequests, len(d.placed), s.SFCCRequestsPerOrder, s.SFCCRequestsByStep, MaxSFCCRequestsPerOrder)
	}
	t.Logf("%d orders, %d packages: %d SFCC requests (%.2f per order) %v",
		len(d.placed), s.PackagesShipped, s.SFCCRequests, s.SFCCRequestsPerOrder, s.SFCCRequestsByStep)
}

func TestRun_JSONReportsSFCCRequestsPerStep(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-n", "30", "-json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var m struct {
		Total  int            `json:"sfcc_requests"`
		ByStep map[string]int `json:"sfcc_requests_by_step"`
	}
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{meterExport, meterFulfilment, meterStock, meterMonitor} {
		if _, ok := m.ByStep[k]; !ok {
			t.Errorf("sfcc_requests_by_step lacks %q: %v", k, m.ByStep)
		}
	}
	if m.Total == 0 {
		t.Error("sfcc_requests is 0")
	}
}

func TestFinishSpeed_ComparesTheDayWithTheFloorTheRateImposes(t *testing.T) {
	d := &day{cfg: dayConfig{Rate: 20, SimLatency: 150 * time.Millisecond}}
	d.sum.SFCCRequests, d.sum.SFCCRequestsPerOrder = 1500, 5
	d.finishSpeed(90 * time.Second)
	s := d.sum
	if s.FloorSeconds != 75 || s.ElapsedVsFloor != 1.2 || s.SimLatency != "150ms" || s.RequestsPerSecond != 20 {
		t.Fatalf("floor %v s, ratio %v, latency %q, rate %d; want 75 s, 1.2, 150ms, 20", s.FloorSeconds, s.ElapsedVsFloor, s.SimLatency, s.RequestsPerSecond)
	}
	// 10,000 orders × 5 requests ÷ 20 per second × 1.2.
	if s.ExtrapolatedSeconds != 3000 {
		t.Errorf("extrapolated %v s, want 3000", s.ExtrapolatedSeconds)
	}
	unlimited := &day{}
	unlimited.sum.SFCCRequests = 1500
	unlimited.finishSpeed(time.Second)
	if unlimited.sum.FloorSeconds != 0 || unlimited.sum.ElapsedVsFloor != 0 {
		t.Errorf("without a rate there is no floor: %+v", unlimited.sum)
	}
}

func TestRun_NegativeSpeedSettingsAreRefused(t *testing.T) {
	for _, args := range [][]string{{"-rate", "-1"}, {"-sim-latency", "-5ms"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), append(args, "-n", "1"), &out, &errb); code == 0 {
			t.Errorf("%v: exit 0, want an error", args)
		}
	}
}

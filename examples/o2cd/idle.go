package main

import (
	"context"
	"strings"
	"time"
)

// The -until-idle rule. o2cd exits once every due job is done, which it
// decides from the shared database alone, so any worker of a group can
// decide it for all of them. The service is idle when all of these hold:
//
//  1. No work job (export_order, retry_export, apply_shipment,
//     reconcile_settlement, deliver_event) is pending,
//     available, scheduled (a retry or a snooze), running or retryable.
//  2. Every periodic job (find_ready, pull_shipments, flush_stock, monitor,
//     and find_settlements with -settlements)
//     reported the last run that started (a run in progress may find
//     work), and none is retryable (it failed to look). Runs report in
//     o2cd's own table: River records completions in batches, so its
//     "running" lags, and with short schedules a run is nearly always due.
//  3. Every periodic job completed a run that started after this process
//     started, and one that started after the last work was done, and found
//     nothing (rows left by an earlier run do not count). "Work" is a periodic run that found
//     something (orders queued, confirmations or levels fetched) or a work
//     job that completed.
//  4. The last work is at least -idle-quiet old. The systems around o2cd act
//     on their own time (the WMS ships exported orders in rounds), so a feed
//     that was empty right after an export may fill a moment later: the
//     quiet period must outlast that reaction time plus one schedule.
//
// The check runs every -idle-quiet/4 (at least 50 ms), and the service is
// idle when two checks in a row say so: a periodic run that started just
// before the first check has reported by the second.

// idleReport says whether the service is idle and, if not, why.
type idleReport struct {
	Idle   bool
	Reason string
}

func (s *service) idle(ctx context.Context, now time.Time) (idleReport, error) {
	n, err := s.countJobs(ctx, workKinds, []string{"pending", "available", "scheduled", "running", "retryable"})
	if err != nil {
		return idleReport{}, err
	}
	if n > 0 {
		return idleReport{Reason: "work jobs to do"}, nil
	}
	n, err = s.countJobs(ctx, periodicKinds, []string{"retryable"})
	if err != nil {
		return idleReport{}, err
	}
	if n > 0 {
		return idleReport{Reason: "periodic jobs retrying"}, nil
	}
	act, err := s.stores.activity.all(ctx)
	if err != nil {
		return idleReport{}, err
	}
	scheduled := s.scheduledKinds()
	for _, k := range scheduled {
		if a := act[k]; a.started.After(a.found) && a.started.After(a.empty) {
			return idleReport{Reason: k + " is running"}, nil
		}
	}
	var last time.Time
	for _, a := range act {
		if a.found.After(last) {
			last = a.found
		}
	}
	for _, k := range scheduled {
		// Rows left by an earlier run say nothing about this one: every
		// periodic job must have run empty since this process started.
		if a := act[k]; !a.empty.After(s.startedAt) {
			return idleReport{Reason: k + " has not run empty since o2cd started"}, nil
		}
	}
	for _, k := range scheduled {
		if a := act[k]; a.empty.IsZero() || !a.empty.After(last) {
			return idleReport{Reason: k + " has not run empty since the last work"}, nil
		}
	}
	if now.Sub(last) < s.cfg.IdleQuiet {
		return idleReport{Reason: "inside the quiet period after the last work"}, nil
	}
	return idleReport{Idle: true}, nil
}

// countJobs counts River's jobs of the kinds in the states.
func (s *service) countJobs(ctx context.Context, kinds, states []string) (int, error) {
	args := make([]any, 0, len(kinds)+len(states))
	for _, k := range kinds {
		args = append(args, k)
	}
	for _, st := range states {
		args = append(args, st)
	}
	q := "SELECT COUNT(*) FROM river_job WHERE kind IN (" + placeholders(len(kinds)) + ") AND state IN (" + placeholders(len(states)) + ")"
	var n int
	err := s.db.QueryRow(ctx, q, args...).Scan(&n)
	return n, err
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// waitIdle returns when the service is idle or ctx ends.
func (s *service) waitIdle(ctx context.Context) error {
	every := max(s.cfg.IdleQuiet/4, 50*time.Millisecond)
	t := time.NewTicker(every)
	defer t.Stop()
	lastReason := ""
	idleChecks := 0
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		rep, err := s.idle(ctx, time.Now())
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.log.WarnContext(ctx, "idle check failed", "err", err.Error())
			continue
		}
		if !rep.Idle {
			idleChecks = 0
		} else if idleChecks++; idleChecks == 2 {
			return nil
		}
		if rep.Reason != lastReason {
			s.log.InfoContext(ctx, "not idle", "reason", rep.Reason)
			lastReason = rep.Reason
		}
	}
}

// scheduledKinds are the periodic kinds this process schedules.
func (s *service) scheduledKinds() []string {
	fs := s.scheduledFlows()
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.periodic
	}
	return out
}

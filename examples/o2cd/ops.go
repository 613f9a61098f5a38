package main

import (
	"context"
	"time"

	"github.com/o2ckit/o2c/internal/opsmetrics"
)

// What the operations console and the metrics show of the jobs: the queue
// by kind and state, and the state of each flow, read from River's table
// and o2cd's activity rows in the shared database, so every worker shows
// the group's.

// queueStates are the River job states counted as the queue.
var queueStates = []string{"available", "scheduled", "retryable", "running", "pending"}

// queueKey is a job kind and state.
type queueKey struct{ kind, state string }

// queueDepth counts River's jobs by kind and state (those in queueStates).
func (s *service) queueDepth(ctx context.Context) (map[queueKey]int64, error) {
	args := make([]any, len(queueStates))
	for i, st := range queueStates {
		args[i] = st
	}
	rows, err := s.db.Query(ctx, `SELECT kind, state, COUNT(*) FROM river_job WHERE state IN (`+placeholders(len(queueStates))+`) GROUP BY kind, state`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[queueKey]int64{}
	for rows.Next() {
		var k queueKey
		var n int64
		if err := rows.Scan(&k.kind, &k.state, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// discarded counts River's jobs that failed their last attempt, by kind.
func (s *service) discarded(ctx context.Context) (map[string]int64, error) {
	rows, err := s.db.Query(ctx, `SELECT kind, COUNT(*) FROM river_job WHERE state = 'discarded' GROUP BY kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// flow is one flow of the day: the periodic job that finds its work and the
// job kinds that do it.
type flow struct {
	name     string
	periodic string
	work     []string
}

var flows = []flow{
	{"export", kindFindReady, []string{kindExportOrder, kindRetryExport}},
	{"shipments", kindPullShipments, []string{kindApplyShipment}},
	{"stock", kindFlushStock, nil},
	{"monitor", kindMonitor, nil},
	{"settlement", kindFindSettlements, []string{kindReconcileSettlement}},
}

// flowState is what the console shows of one flow.
type flowState struct {
	Name string
	// LastRun is when its periodic job last started; LastWork when a run
	// last found work; LastEmpty when one last found none.
	LastRun, LastWork, LastEmpty time.Time
	// Backlog are its jobs waiting (available, scheduled, pending,
	// retryable); Running those running; Failures those that failed their
	// last attempt (each an exception).
	Backlog, Running, Failures int64
	// Lag is how long the flow has been behind: since its last run that
	// found no work, when a later run found some; zero when caught up.
	Lag time.Duration
}

// scheduledFlows are the flows this process schedules: settlement only
// with -settlements.
func (s *service) scheduledFlows() []flow {
	out := make([]flow, 0, len(flows))
	for _, f := range flows {
		if f.periodic == kindFindSettlements && s.cfg.SettlementsDir == "" {
			continue
		}
		out = append(out, f)
	}
	return out
}

// flowStates reads the state of every flow this process schedules.
func (s *service) flowStates(ctx context.Context, now time.Time) ([]flowState, error) {
	q, err := s.queueDepth(ctx)
	if err != nil {
		return nil, err
	}
	dead, err := s.discarded(ctx)
	if err != nil {
		return nil, err
	}
	act, err := s.stores.activity.all(ctx)
	if err != nil {
		return nil, err
	}
	var out []flowState
	for _, f := range s.scheduledFlows() {
		a := act[f.periodic]
		st := flowState{Name: f.name, LastRun: a.started, LastWork: a.found, LastEmpty: a.empty}
		if a.found.After(a.empty) {
			// Work found since the last run that found none: behind by
			// at least the time since that run (or since it first ran).
			since := a.empty
			if since.IsZero() {
				since = a.found
			}
			st.Lag = max(now.Sub(since), 0)
		}
		for _, k := range append([]string{f.periodic}, f.work...) {
			for key, n := range q {
				if key.kind != k {
					continue
				}
				if key.state == "running" {
					st.Running += n
				} else if k != f.periodic {
					st.Backlog += n
				}
			}
			st.Failures += dead[k]
		}
		out = append(out, st)
	}
	return out, nil
}

// newMetrics builds the service's metrics with the gauges read from the
// shared database: exceptions open by owner and kind, River's queue by kind
// and state, and each flow's last run that ended well.
func (s *service) newMetrics() (*opsmetrics.Metrics, error) {
	return opsmetrics.New(opsmetrics.Config{
		OpenExceptions: func(ctx context.Context) (map[opsmetrics.ExceptionGroup]int64, error) {
			open, err := s.openExceptions(ctx)
			if err != nil {
				return nil, err
			}
			out := map[opsmetrics.ExceptionGroup]int64{}
			for _, r := range open {
				out[opsmetrics.ExceptionGroup{Owner: string(r.Owner), Kind: string(r.Kind)}]++
			}
			return out, nil
		},
		JobQueue: func(ctx context.Context) (map[opsmetrics.JobGroup]int64, error) {
			q, err := s.queueDepth(ctx)
			if err != nil {
				return nil, err
			}
			out := map[opsmetrics.JobGroup]int64{}
			for k, n := range q {
				out[opsmetrics.JobGroup{Kind: k.kind, State: k.state}] += n
			}
			return out, nil
		},
		LastSuccess: func(ctx context.Context) (map[string]time.Time, error) {
			act, err := s.stores.activity.all(ctx)
			if err != nil {
				return nil, err
			}
			out := map[string]time.Time{}
			for _, f := range s.scheduledFlows() {
				out[f.name] = act[f.periodic].lastDone()
			}
			return out, nil
		},
		Logger: s.log,
	})
}

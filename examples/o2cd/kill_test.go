package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
)

// outcome is the part of a world summary that must not depend on how many
// workers did the day or whether one died: everything but the fault counts.
func outcome(s worldSummary) worldSummary {
	s.Faults = worldSummary{}.Faults
	return s
}

// TestO2cd_KillAWorkerMidDay runs a day with three o2cd processes on one
// PostgreSQL database, SIGKILLs one of them while it applies shipments and
// starts a replacement. The world must end exactly as after a clean run of
// one worker: every order exported once, one notification per package, no
// duplicates. River rescues the dead worker's running jobs (after
// -rescue-after), its order and customer claims expire (-claim-ttl,
// -customer-claim-ttl), and the WMS
// delivers again what it had fetched but not acknowledged.
func TestO2cd_KillAWorkerMidDay(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four o2cd processes and two worlds")
	}
	const orders = 30
	for _, faults := range []bool{false, true} {
		name := "clean"
		args := []string{"-n", "30", "-ship-every", "100ms"}
		if faults {
			name = "faults"
			args = append(args, "-faults")
		}
		t.Run(name, func(t *testing.T) {
			dsn := sqlstoretest.PostgresDSN(t)

			// The reference, alongside: one worker, nobody killed.
			ref := startWorld(t, args...)
			one := startO2cd(t, ref, "sqlite:"+filepath.Join(t.TempDir(), "ref.db"), "-until-idle")

			w := startWorld(t, args...)
			var workers []*o2cdProc
			for range 3 {
				workers = append(workers, startO2cd(t, w, dsn, "-until-idle", "-workers", "4"))
			}
			victim := workers[0]
			// Mid-day: the victim has applied some shipments, and more are
			// on their way.
			timeout := time.After(60 * time.Second)
			for range 6 {
				select {
				case <-victim.applied:
				case <-timeout:
					t.Fatalf("the first worker applied fewer than 6 shipments within 60s\n%s", tail(victim.log.String(), 4000))
				}
			}
			if err := victim.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killedAt, kill := w.summary(t), time.Now()
			workers[0] = startO2cd(t, w, dsn, "-until-idle", "-workers", "4")
			for _, p := range workers {
				p.wait(t, 90*time.Second)
			}
			one.wait(t, 30*time.Second)
			want := ref.summary(t)
			checkDay(t, want, orders)
			got := w.summary(t)
			t.Logf("killed a worker at %d/%d notifications; the others were done %s later; faults %+v",
				killedAt.NotificationsSent, got.PackagesShipped, time.Since(kill).Round(time.Second), got.Faults)
			if killedAt.NotificationsSent >= got.PackagesShipped {
				t.Errorf("the worker was killed after the day's work was done (%d of %d notifications)", killedAt.NotificationsSent, got.PackagesShipped)
			}
			checkDay(t, got, orders)
			if diff := cmp.Diff(outcome(want), outcome(got)); diff != "" {
				t.Errorf("the day with a killed worker differs from a clean single-worker day (-clean +killed):\n%s", diff)
			}
		})
	}
}

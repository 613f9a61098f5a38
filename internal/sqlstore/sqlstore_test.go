package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/o2ckit/o2c/internal/sqlstore"
	"github.com/o2ckit/o2c/internal/sqlstore/sqlstoretest"
)

func TestOpen_ConcurrentStartsMigrateOnce(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		dsn := b.DSN(t)
		ms, err := sqlstore.Migrations()
		if err != nil || len(ms) == 0 {
			t.Fatalf("Migrations() = %v, %v", ms, err)
		}
		// Each Open has its own pool, as separate processes would.
		var wg sync.WaitGroup
		errs := make([]error, 5)
		for i := range errs {
			wg.Go(func() {
				db, err := sqlstore.Open(context.Background(), dsn)
				if err == nil {
					db.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("concurrent Open: %v", err)
		}
		db := sqlstoretest.Open(t, dsn)
		var n, maxV int
		if err := db.QueryRow(context.Background(), "SELECT COUNT(*), MAX(version) FROM o2c_migrations").Scan(&n, &maxV); err != nil {
			t.Fatal(err)
		}
		if n != len(ms) || maxV != ms[len(ms)-1].Version {
			t.Fatalf("o2c_migrations has %d rows up to %d; want %d up to %d", n, maxV, len(ms), ms[len(ms)-1].Version)
		}
	})
}

func TestWriteTx_ConcurrentIncrementsLoseNothing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, b sqlstoretest.Backend) {
		ctx := context.Background()
		dsn := b.DSN(t)
		db := sqlstoretest.Open(t, dsn)
		other := sqlstoretest.Open(t, dsn)
		if _, err := db.Exec(ctx, "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, "INSERT INTO counter (id, n) VALUES (1, 0)"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 20 {
			use := db
			if i%2 == 1 {
				use = other
			}
			wg.Go(func() {
				err := use.WriteTx(ctx, func(tx *sqlstore.Tx) error {
					var n int
					if err := tx.QueryRow(ctx, "SELECT n FROM counter WHERE id = ?", 1).Scan(&n); err != nil {
						return err
					}
					_, err := tx.Exec(ctx, "UPDATE counter SET n = ? WHERE id = ?", n+1, 1)
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		var n int
		if err := db.QueryRow(ctx, "SELECT n FROM counter WHERE id = 1").Scan(&n); err != nil || n != 20 {
			t.Fatalf("counter = %d, %v; want 20 (read-modify-write lost updates)", n, err)
		}
	})
}

func TestOpen_RejectsUnusableDSNWithoutEchoingIt(t *testing.T) {
	for _, dsn := range []string{"", "mysql://u:secret@h/db", "sqlite:"} {
		_, err := sqlstore.Open(context.Background(), dsn)
		var de *sqlstore.DSNError
		if !errors.As(err, &de) {
			t.Fatalf("Open(%q) = %v; want *DSNError", dsn, err)
		}
		if dsn != "" && contains(err.Error(), "secret") {
			t.Fatalf("error %q repeats the password", err)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestRebind(t *testing.T) {
	db, err := sqlstore.OpenUnmigrated(context.Background(), sqlstoretest.SQLiteDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := "SELECT a FROM t WHERE b = ? AND c = '?'"
	if got := db.Rebind(q); got != q {
		t.Fatalf("SQLite Rebind changed the query: %q", got)
	}
}

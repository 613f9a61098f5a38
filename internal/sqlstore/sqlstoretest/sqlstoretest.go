// Package sqlstoretest gives each test a fresh store database: a new SQLite
// file, and a new PostgreSQL schema when a server is reachable
// (O2C_TEST_POSTGRES, a postgres:// URL, or a local server on
// 127.0.0.1:5432). Without PostgreSQL those tests skip with a message; when
// CI=true they fail instead, so CI can never pass without running them.
// It registers the drivers, so only tests and examples import it.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/o2ckit/o2c/internal/sqlstore"
	_ "github.com/o2ckit/o2c/internal/sqlstore/drivers" // the drivers under test
)

// EnvPostgres names the environment variable holding the PostgreSQL server
// URL tests use.
const EnvPostgres = "O2C_TEST_POSTGRES"

// localPostgres is tried when EnvPostgres is unset.
const localPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	probeOnce sync.Once
	probeURL  string
)

// PostgresURL returns the server URL tests use, or "" when none is
// reachable.
func PostgresURL() string {
	probeOnce.Do(func() {
		if u := os.Getenv(EnvPostgres); u != "" {
			probeURL = u
			return
		}
		c, err := net.DialTimeout("tcp", "127.0.0.1:5432", time.Second)
		if err != nil {
			return
		}
		c.Close()
		probeURL = localPostgres
	})
	return probeURL
}

// SQLiteDSN returns the DSN of a new, empty SQLite file in t's temp dir.
func SQLiteDSN(t testing.TB) string {
	t.Helper()
	return "sqlite:" + filepath.Join(t.TempDir(), "o2c.db")
}

// PostgresDSN returns the DSN of a new, empty schema on the test server,
// dropped when t ends. Without a server it skips t, or fails it when
// CI=true.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL tests must run in CI: set %s to a postgres:// URL (.ci/run starts a server)", EnvPostgres)
		}
		t.Skipf("no PostgreSQL: set %s to a postgres:// URL or run .ci/run to test on PostgreSQL", EnvPostgres)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "o2c_test_" + hex.EncodeToString(b[:])
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s is not a URL", EnvPostgres)
	}
	ctx := context.Background()
	admin, err := sqlstore.OpenUnmigrated(ctx, base)
	if err != nil {
		t.Fatalf("PostgreSQL at %s: %v", u.Redacted(), err)
	}
	defer admin.Close()
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL at %s: create schema: %v", u.Redacted(), err)
	}
	t.Cleanup(func() {
		admin, err := sqlstore.OpenUnmigrated(context.Background(), base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens (and migrates) dsn, closed when t ends.
func Open(t testing.TB, dsn string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Backend names a database a store test runs on and makes fresh ones.
type Backend struct {
	// Name is "sqlite" or "postgres": the subtest name.
	Name string
	// DSN returns the DSN of a fresh, empty database.
	DSN func(t testing.TB) string
}

// Backends are SQLite and PostgreSQL, in that order.
var Backends = []Backend{{"sqlite", SQLiteDSN}, {"postgres", PostgresDSN}}

// Each runs fn as a subtest per backend.
func Each(t *testing.T, fn func(t *testing.T, b Backend)) {
	for _, b := range Backends {
		t.Run(b.Name, func(t *testing.T) { fn(t, b) })
	}
}

package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one embedded schema step, applied once per database.
type Migration struct {
	// Version is the file's number prefix (0001_wms.sql → 1).
	Version int
	// Name is the file name.
	Name string
	sql  string
}

// Migrations lists the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	ents, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range ents {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("sqlstore: migration %s: name must start with a positive number and _", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: e.Name(), sql: string(b)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("sqlstore: migrations %s and %s share version %d", out[i-1].Name, out[i].Name, out[i].Version)
		}
	}
	return out, nil
}

// statements splits a migration into statements at semicolons that end a
// line (migrations hold no procedural code).
func (m Migration) statements() []string {
	var out []string
	for _, s := range strings.SplitAfter(m.sql, ";\n") {
		var kept []string
		for _, line := range strings.Split(s, "\n") {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
				kept = append(kept, line)
			}
		}
		if stmt := strings.TrimSuffix(strings.TrimSpace(strings.Join(kept, "\n")), ";"); stmt != "" {
			out = append(out, stmt)
		}
	}
	return out
}

// migrationLockID is the PostgreSQL advisory lock that serialises
// migrations of processes starting at once ("o2c" in ASCII).
const migrationLockID = 0x6f3263

// migrate applies every migration not yet recorded in o2c_migrations, in
// one write transaction: SQLite's BEGIN IMMEDIATE and PostgreSQL's advisory
// transaction lock make a second process wait, then find nothing to do.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	err = db.WriteTx(ctx, func(tx *Tx) error {
		if db.dialect == Postgres {
			if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", migrationLockID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS o2c_migrations (
			version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
			return err
		}
		applied := map[int]bool{}
		rows, err := tx.Query(ctx, "SELECT version FROM o2c_migrations")
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			applied[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range ms {
			if applied[m.Version] {
				continue
			}
			for _, stmt := range m.statements() {
				if _, err := tx.Exec(ctx, stmt); err != nil {
					return fmt.Errorf("migration %s: %w", m.Name, err)
				}
			}
			if _, err := tx.Exec(ctx, "INSERT INTO o2c_migrations (version, name) VALUES (?, ?)", m.Version, m.Name); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlstore: migrate %s: %w", db.dialect, err)
	}
	return nil
}

// Package drivers registers the database/sql drivers sqlstore.Open uses:
// modernc.org/sqlite as "sqlite" and pgx's stdlib driver as "pgx". Import it
// for its side effect in a main package, a test or an example; the core
// packages never do, so a host that imports them links no database.
package drivers

import (
	// SQLite, pure Go: the embedded default store.
	_ "modernc.org/sqlite"
	// PostgreSQL through database/sql.
	_ "github.com/jackc/pgx/v5/stdlib"
)

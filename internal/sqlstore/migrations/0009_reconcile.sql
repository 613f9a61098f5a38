-- reconcile: the open expected items (with a version every change names),
-- the keys of closed items with their closing time (purged after a
-- retention), the settlement files already reconciled and their batches,
-- and the exceptions people resolve.
CREATE TABLE IF NOT EXISTS reconcile_open (
    item_key      TEXT   NOT NULL PRIMARY KEY,
    expected      TEXT   NOT NULL,
    settled       TEXT   NOT NULL,
    first_seen_ns BIGINT NOT NULL,
    version       BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS reconcile_closed (
    item_key  TEXT   NOT NULL PRIMARY KEY,
    closed_ns BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS reconcile_closed_at ON reconcile_closed (closed_ns);
CREATE TABLE IF NOT EXISTS reconcile_files (
    digest        TEXT   NOT NULL PRIMARY KEY,
    name          TEXT   NOT NULL,
    provider      TEXT   NOT NULL,
    first_seen_ns BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS reconcile_batches (
    batch  TEXT NOT NULL PRIMARY KEY,
    digest TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reconcile_batches_digest ON reconcile_batches (digest);
CREATE TABLE IF NOT EXISTS reconcile_exceptions (
    kind          TEXT   NOT NULL,
    exception_key TEXT   NOT NULL,
    owner         TEXT   NOT NULL,
    detail        TEXT   NOT NULL,
    first_seen_ns BIGINT NOT NULL,
    last_seen_ns  BIGINT NOT NULL,
    resolved_by   TEXT   NOT NULL,
    resolved_ns   BIGINT NOT NULL,
    note          TEXT   NOT NULL,
    PRIMARY KEY (kind, exception_key)
);
CREATE INDEX IF NOT EXISTS reconcile_exceptions_owner ON reconcile_exceptions (owner, kind, exception_key);
CREATE INDEX IF NOT EXISTS reconcile_exceptions_open ON reconcile_exceptions (resolved_ns, kind, exception_key);

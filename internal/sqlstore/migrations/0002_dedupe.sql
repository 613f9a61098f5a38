-- dedupe: one claim per normalised email (hashed), so resolves of one email
-- are serialised across processes; a claim past its expiry may be taken over.
CREATE TABLE IF NOT EXISTS dedupe_claims (
    email_key  TEXT   NOT NULL PRIMARY KEY,
    owner      TEXT   NOT NULL,
    expires_ns BIGINT NOT NULL
);

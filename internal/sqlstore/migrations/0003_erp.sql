-- erp: the export ledger, one row per SFCC order: how far its export got and
-- which ERP sales order and journal it made.
CREATE TABLE IF NOT EXISTS erp_export_ledger (
    order_no         TEXT   NOT NULL PRIMARY KEY,
    state            TEXT   NOT NULL,
    document_no      TEXT   NOT NULL,
    journal_entry_no TEXT   NOT NULL,
    reason           TEXT   NOT NULL,
    updated_ns       BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS erp_export_ledger_state ON erp_export_ledger (state);

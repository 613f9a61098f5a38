-- wms: per-location stock levels, the allocation last pushed per SKU, and
-- the shipment events a Sequencer has seen.
CREATE TABLE IF NOT EXISTS wms_levels (
    list      TEXT   NOT NULL,
    sku       TEXT   NOT NULL,
    location  TEXT   NOT NULL,
    available TEXT   NOT NULL,
    sequence  BIGINT NOT NULL,
    at_ns     BIGINT NOT NULL,
    PRIMARY KEY (list, sku, location)
);
CREATE TABLE IF NOT EXISTS wms_pushed (
    list       TEXT   NOT NULL,
    sku        TEXT   NOT NULL,
    allocation TEXT   NOT NULL,
    pushed_ns  BIGINT NOT NULL,
    PRIMARY KEY (list, sku)
);
CREATE TABLE IF NOT EXISTS wms_events (
    order_no     TEXT   NOT NULL,
    event_id     TEXT   NOT NULL,
    sequence     BIGINT NOT NULL,
    shipped_ns   BIGINT NOT NULL,
    confirmation TEXT   NOT NULL,
    state        TEXT   NOT NULL,
    reason       TEXT   NOT NULL,
    recorded_ns  BIGINT NOT NULL,
    updated_ns   BIGINT NOT NULL,
    PRIMARY KEY (order_no, event_id)
);
CREATE INDEX IF NOT EXISTS wms_events_state ON wms_events (state);
CREATE INDEX IF NOT EXISTS wms_events_shipped ON wms_events (shipped_ns);

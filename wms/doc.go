// Package wms is the fulfilment boundary of o2c: what the warehouse (WMS) or
// ERP knows about shipments and stock, carried into SFCC.
//
// Two flows live here:
//
//   - Shipments. A [Sequencer] applies [ShipmentConfirmation] events to the
//     SFCC order in a fixed per-order sequence: record the event in an
//     [EventStore], write the tracking data as order custom attributes and
//     set the order's shipping status (PART_SHIPPED while quantities remain,
//     SHIPPED when all are shipped) and tell the customer through a
//     [Notifier]; the default [FlagNotifier]'s attributes travel in the
//     same write as the tracking data, so a package costs at most three
//     SFCC requests (read, PATCH, status). Each package is notified exactly
//     once, also across a crash between any two steps; re-delivered events are no-ops; one order's
//     events are applied one at a time in a defined order while different
//     orders proceed in parallel. A [Monitor] lists orders the WMS shipped
//     but SFCC still does not show as shipped after an agreed time.
//
//   - Stock. A [Pusher] takes absolute [StockLevel] values per SKU (and
//     location), applies [SafetyStock] rules, coalesces so the latest level
//     wins and an unchanged allocation is never re-sent, and pushes
//     allocations to SFCC in OCAPI batches of at most 50 on an interval and
//     on demand. Each location's latest level and the allocation last pushed
//     live per SKU in a [LevelStore] (memory by default; wms/wmssql keeps
//     them in SQLite or PostgreSQL), so a restart pushes exactly what a
//     Pusher that never stopped would. [Pusher.Resync] writes a full
//     inventory.xsd import file.
//
// The package talks to SFCC only through narrow interfaces ([OrderUpdater],
// [InventoryWriter]) that *ocapi.Client satisfies, so hosts can substitute
// their own transport. It does not poll a WMS itself: a host adapter
// implements [ConfirmationSource] or [LevelSource] (package wms/wmstest holds
// a fake and a conformance suite for them) and feeds the events in.
//
// # Tracking attributes
//
// The OCAPI Data API accepts custom attributes on the order only (a shipment
// exposes just its address), so tracking data is written at order level,
// under attribute ids chosen in [Attributes]:
//
//   - Attributes.TrackingNumbers (default "trackingNumbers"): a multi-value
//     attribute with every tracking number of the order, in the sequencing
//     order described on [Sequencer].
//   - Attributes.Packages (default "wmsPackages"): one JSON text holding an
//     array of packages, each with its WMS shipment id, carrier, service,
//     tracking number and URL, shipped-at time and lines.
//   - Attributes.ShipmentPrefix (default "" = off): when set, for every SFCC
//     shipment that a package contains lines of, the multi-value attribute
//     ShipmentPrefix + SFCC shipment id (non [A-Za-z0-9_] characters become
//     "_") lists that shipment's tracking numbers. This is the per-shipment
//     naming scheme for storefronts that render tracking per shipment.
//
// The default [FlagNotifier] keeps, per order, a multi-value attribute of the
// package ids it has notified, a count and a boolean flag that a storefront
// job sends from and clears.
//
// Define the attributes on the Order system object in Business Manager with
// these types (ids are the defaults): trackingNumbers and every
// per-shipment attribute "Set of String"; wmsPackages "Text" (a String is
// capped at 4,000 characters, too short for many packages);
// shipmentNotified "Set of String"; shipmentNotifyCount "Integer";
// shipmentNotifyPending "Boolean".
//
// # Telemetry
//
// The MeterProvider and TracerProvider fields of SequencerConfig,
// PusherConfig and MonitorConfig receive OpenTelemetry metrics (MetricShipments,
// MetricNotifications, MetricInventoryPushes, MetricInventoryLag,
// MetricStuckShipments) and spans (SpanApply, SpanApplyAll, SpanResume,
// SpanFlush, SpanLagging). Both default to no-op; the package never reads
// the global providers. Give the SFCC client the same TracerProvider and its
// request spans nest under the flow's span. Spans name orders, events,
// packages and counts, never a customer: an email address in an error's
// text is redacted before it reaches a span.
package wms

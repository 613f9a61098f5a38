// Package wmstest helps test code that consumes a WMS: FakeWMS is an
// in-memory, seeded, deterministic source of shipment confirmations and
// stock levels (with optional shuffled and duplicated delivery), and
// RunConfirmationSource / RunLevelSource are conformance suites a host runs
// against its real WMS adapter to prove it honours the wms.ConfirmationSource
// and wms.LevelSource contracts the fake honours. RunEventStore does the same
// for a durable wms.EventStore replacing wms.MemoryEventStore, and
// RunLevelStore (a table of named LevelStoreTests plus LevelStoreFeatures)
// for a wms.LevelStore, including the restart case: a Pusher restarted on
// the store pushes the sum of every location, as one that never stopped.
//
// It owns no production logic; the sequencing and pushing live in package wms.
package wmstest

// Package opsmetrics is the metrics plumbing of the o2c service: an
// OpenTelemetry MeterProvider the library components (the SFCC clients,
// erp.Exporter, wms.Sequencer, wms.Pusher, wms.Monitor) record into, and
// the Prometheus handler that serves it at /metrics from a registry of its
// own — never the process-wide default registry.
//
// It also publishes the gauges only the service can know, read through
// callbacks at scrape time: exceptions open by owner and kind, the job
// queue by job kind and state, and the age of each flow's last successful
// run. Each callback runs under a timeout; one that fails or hangs drops
// its own series from that scrape and counts an error, and the rest of the
// scrape is served.
//
// It does not authenticate: the service mounts Handler behind the same
// guard as its API. docs/alerts.md lists the alerting rules written
// against the names it exports.
package opsmetrics

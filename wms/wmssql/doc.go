// Package wmssql implements wms.LevelStore and wms.EventStore on an
// internal/sqlstore database (SQLite or PostgreSQL), so stock pushes and
// shipment events survive restarts and can be shared by several processes.
// It registers no driver.
package wmssql

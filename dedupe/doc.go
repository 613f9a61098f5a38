// Package dedupe resolves the customer of an order to one master record
// (in the ERP or CRM) by normalised email, creating the record only when
// none exists, so repeat guest checkouts and registered customers who also
// check out as guests never become two customers.
//
// It owns email normalisation (Normalize, Normalizer with optional provider
// rules), the Directory contract a master system satisfies (erp.Customers
// does), and the Resolver: per-email serialisation inside a process,
// recovery from duplicate-email rejections caused by other processes, the
// registered-over-guest rule, a deterministic choice among legacy duplicate
// records reported as a MergeCandidate, and a bounded TTL cache of matches.
//
// It does not talk to any system itself, does not merge records (it reports
// candidates for a person to merge), and does not import the sfcc or erp
// packages: callers convert their order into an OrderCustomer (for an SFCC
// order, erp.OrderCustomer is the one conversion).
package dedupe

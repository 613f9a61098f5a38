// Package reconcile settles every SFCC payment against what the payment
// providers actually paid out, and gives every exception of the order-to-cash
// flow an owner.
//
// It owns: the settlement readers (Adyen settlement details, Stripe itemized
// payout reconciliation, PayPal STL, and a generic CSV described by a column
// mapping) that turn provider files into one normalised SettlementLine; the
// expected side built from sfcc.Order payments and host-reported refunds; the
// deterministic matcher; open items carried across days through a Store; the
// per-payout report (JSON, CSV, HTML) with balanced fee and payout journals;
// and the Exception vocabulary with a Classifier for the typed errors and
// findings of the other o2c packages.
//
// It does not fetch settlement files or orders (the host does), post journals
// to an ERP (the host hands Report.Journals to its ledger), or decide how an
// exception is resolved (docs/operations.md is the manual for that).
package reconcile

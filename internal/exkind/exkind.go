// Package exkind holds the names of the exception kinds and owners that
// typed errors of the o2c packages report through their ExceptionKind and
// Owner methods, so every package spells them the way reconcile does
// without importing it. Errors of packages outside o2c return the same
// plain strings.
package exkind

// Owners: the teams that resolve exceptions.
const (
	OwnerFinance    = "finance"
	OwnerOperations = "operations"
	OwnerEcommerce  = "ecommerce"
)

// Kinds of exceptions (see reconcile.Kind for what each means).
const (
	SettlementMismatch     = "settlement-mismatch"
	PaymentMissing         = "payment-missing"
	SettlementUnexpected   = "settlement-unexpected"
	SettlementReview       = "settlement-review"
	PayoutDifference       = "payout-difference"
	Chargeback             = "chargeback"
	DuplicateSettlement    = "duplicate-settlement"
	SettlementUnreadable   = "settlement-unreadable"
	MappingMissing         = "mapping-missing"
	SFCCSyncFailure        = "sfcc-sync-failure"
	ShipmentStuck          = "shipment-stuck"
	ShipmentRejected       = "shipment-rejected"
	CustomerMergeCandidate = "customer-merge-candidate"
	CustomerEmailConflict  = "customer-email-conflict"
	CustomerResolveFailure = "customer-resolve-failure"
	ERPRejected            = "erp-order-rejected"
	InventoryPushFailure   = "inventory-push-failure"
	SystemUnavailable      = "system-unavailable"
	Unclassified           = "unclassified"
)

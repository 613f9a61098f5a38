package dedupe

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Finding is something a successful resolve noticed that a person should
// look at, such as legacy duplicate records. The order was still resolved;
// the host routes findings (a ticket for the data team, an exception report)
// by their concrete type. Findings carry record ids and redacted emails, no
// personal data.
type Finding interface {
	// Kind names the finding for routing: "merge_candidate" or
	// "customer_no_conflict".
	Kind() string
	// String describes the finding without personal data.
	String() string
	slog.LogValuer
}

// RecordRef identifies a master record in a Finding.
type RecordRef struct {
	ID         string
	CustomerNo string
	Registered bool
	Created    time.Time
}

func refOf(c Customer) RecordRef {
	return RecordRef{ID: c.ID, CustomerNo: c.CustomerNo, Registered: c.Registered, Created: c.Created}
}

// MergeCandidate reports that the Directory holds several records for one
// email, which the Resolver never creates itself but older integrations and
// manual entry did. The order was linked to Kept, chosen by the rule
// documented on Resolver; the data team should merge Records into one.
type MergeCandidate struct {
	// OrderNo is the order whose resolve found the duplicates.
	OrderNo string
	// Email is the shared email, redacted.
	Email string
	// Kept is the id of the record the order was linked to.
	Kept string
	// Records are all records for the email, the kept one first, in the
	// order of the selection rule.
	Records []RecordRef
}

// Kind returns "merge_candidate".
func (m *MergeCandidate) Kind() string { return "merge_candidate" }

// String describes the candidate by order, record ids and the kept record.
func (m *MergeCandidate) String() string {
	ids := make([]string, len(m.Records))
	for i, r := range m.Records {
		ids[i] = r.ID
	}
	return fmt.Sprintf("order %s: %d customer records share email %s (%s); linked to %s",
		m.OrderNo, len(m.Records), m.Email, strings.Join(ids, ", "), m.Kept)
}

// LogValue implements slog.LogValuer.
func (m *MergeCandidate) LogValue() slog.Value {
	ids := make([]string, len(m.Records))
	for i, r := range m.Records {
		ids[i] = r.ID
	}
	return slog.GroupValue(
		slog.String("kind", m.Kind()),
		slog.String("order_no", m.OrderNo),
		slog.String("email", m.Email),
		slog.String("kept", m.Kept),
		slog.Any("record_ids", ids),
	)
}

// CustomerNoConflict reports that a registered customer's order resolved to a
// record that belongs to a different registered customer with the same
// email (in SFCC a customer can change their email to one that another
// account used before). The order was linked to that record, since the Directory
// cannot hold a second record for the email; someone must decide whose
// email it is.
type CustomerNoConflict struct {
	// OrderNo is the order being resolved.
	OrderNo string
	// Email is the shared email, redacted.
	Email string
	// CustomerNo is the order's SFCC customer number.
	CustomerNo string
	// Record is the record the order was linked to.
	Record RecordRef
}

// Kind returns "customer_no_conflict".
func (c *CustomerNoConflict) Kind() string { return "customer_no_conflict" }

// String describes the conflict by order, customer numbers and record id.
func (c *CustomerNoConflict) String() string {
	return fmt.Sprintf("order %s: customer %s resolved by email %s to record %s of customer %s",
		c.OrderNo, c.CustomerNo, c.Email, c.Record.ID, c.Record.CustomerNo)
}

// LogValue implements slog.LogValuer.
func (c *CustomerNoConflict) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("kind", c.Kind()),
		slog.String("order_no", c.OrderNo),
		slog.String("email", c.Email),
		slog.String("customer_no", c.CustomerNo),
		slog.String("record_id", c.Record.ID),
		slog.String("record_customer_no", c.Record.CustomerNo),
	)
}

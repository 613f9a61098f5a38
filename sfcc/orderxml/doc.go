// Package orderxml reads and writes the SFCC impex XML formats that carry
// orders and inventory between Salesforce B2C Commerce and the back office.
//
// It owns:
//   - a streaming [Decoder] for Order XML exports (order.xsd, written by the
//     ExportOrders job) that yields one [sfcc.Order] at a time with memory
//     bounded by the largest order, not the file;
//   - an [Encoder] that writes orders back as schema-valid Order XML;
//   - [Check], which lists the business inconsistencies of a decoded order
//     (totals that do not add up, payments that do not cover the order,
//     lines pointing at missing shipments) without failing the decode;
//   - an [InventoryReader] and [InventoryWriter] for inventory impex files
//     (inventory.xsd), as read and written by the ImportInventoryLists and
//     ExportInventoryLists jobs.
//
// It does not own the order model (package sfcc), the OCAPI clients, or what
// happens to an order after it is decoded (packages erp, mapping, reconcile).
//
// The Decoder reads the orders of an export with a lexer on
// github.com/orisano/gosax that checks every token against encoding/xml's
// strict rules, several times faster than encoding/xml. Whatever that lexer
// cannot certify (an error, input near a cap, a rare construct) is replayed
// from the start of the order through encoding/xml, the reference
// implementation, so results, errors and their positions are exactly the
// reference's; a differential fuzz target holds the two to that.
//
// Decoding is namespace-correct: an export that binds the order namespace to
// a prefix decodes exactly like one that uses it as the default namespace,
// and elements of other namespaces are skipped. Amounts are decimal.Decimal
// parsed from the exact text, in both xsd:decimal and xsd:double lexical
// forms. Hostile input is bounded by caps on nesting depth, token size,
// and the bytes and elements of one order; DTDs are refused.
package orderxml

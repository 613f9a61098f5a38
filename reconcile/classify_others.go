package reconcile

import "fmt"

// ClassifyFinding turns a finding into an exception: a dedupe finding (a
// merge candidate, a customer number conflict), an order the wms Monitor
// found lagging (shipped in the WMS, not shipped in SFCC after the SLA), or
// any value that is Exceptional. Findings are not errors: the order went
// through, but a person should look. The detail is the finding's
// ExceptionDetail, else its String; FirstSeen is the classifier's now. A
// finding that is not Exceptional becomes KindUnclassified, its detail
// prefixed with its Kind() if it has one.
func (c Classifier) ClassifyFinding(f fmt.Stringer) Exception {
	at := c.now()
	if x, ok := f.(Exceptional); ok {
		return fromMethods(x, at)
	}
	detail := f.String()
	if k, ok := f.(interface{ Kind() string }); ok {
		detail = k.Kind() + ": " + detail
	}
	return newException(KindUnclassified, "", detail, at)
}

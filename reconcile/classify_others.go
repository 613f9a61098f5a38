package reconcile

import (
	"cmp"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/orderxml"
	"github.com/o2ckit/o2c/wms"
)

// classifyOther recognises the typed errors of wms, dedupe, erp and the SFCC
// order readers.
func classifyOther(err error, at time.Time) (Exception, bool) {
	switch e := err.(type) {
	case *wms.PushError:
		return newException(KindInventoryPushFailure, e.SKU, e.Error(), at), true
	case *wms.LevelError:
		// A stock level the WMS sent was refused: it never reaches SFCC.
		return newException(KindInventoryPushFailure, e.SKU, e.Error(), at), true
	case *wms.QuantityError:
		return newException(KindShipmentRejected, e.OrderNo, e.Error(), at), true
	case *wms.ConfirmationError:
		return newException(KindShipmentRejected, e.OrderNo, e.Error(), at), true
	case *wms.ApplyError:
		// The shipment was accepted but SFCC was not updated: the order
		// stays unshipped for the shopper until someone acts.
		return newException(KindSFCCSyncFailure, e.OrderNo, e.Error(), at), true
	case *wms.MonitorError:
		kind := KindUnclassified
		var se *sfcc.Error
		if errors.As(e.Err, &se) {
			kind = KindSFCCSyncFailure
		}
		return newException(kind, e.OrderNo, e.Error(), at), true
	case *dedupe.ResolveError:
		return newException(KindCustomerResolveFailure, e.OrderNo, e.Error(), at), true
	case *erp.TotalMismatchError:
		return newException(KindERPRejected, e.OrderNo, e.Error(), at), true
	case *erp.OrderError:
		return newException(KindERPRejected, e.OrderNo, e.Error(), at), true
	case *erp.FieldTooLongError:
		return newException(KindERPRejected, e.OrderNo, e.Error(), at), true
	case *erp.ConfigError:
		// A finance mapping row that is there but unusable for the order.
		return newException(KindERPRejected, e.OrderNo, e.Error(), at), true
	case *erp.UnbalancedJournalError:
		return newException(KindERPRejected, e.Reference, e.Error(), at), true
	case *dedupe.InvalidEmailError:
		// Email is already redacted.
		return newException(KindCustomerResolveFailure, e.Email, e.Error(), at), true
	case *orderxml.DecodeError:
		// An order in the SFCC export that cannot be read (its Error never
		// quotes text fields, so no personal data).
		return newException(KindSFCCSyncFailure, cmp.Or(e.OrderNo, e.ProductID), e.Error(), at), true
	case *sfcc.ShopJSONError:
		return newException(KindSFCCSyncFailure, e.OrderNo, e.Error(), at), true
	}
	return Exception{}, false
}

// ClassifyFinding turns a dedupe finding (a merge candidate, a customer
// number conflict) into an exception. Findings are not errors: the order
// went through, but a person should look.
func (c Classifier) ClassifyFinding(f dedupe.Finding) Exception {
	at := c.now()
	switch v := f.(type) {
	case *dedupe.MergeCandidate:
		return newException(KindCustomerMergeCandidate, v.OrderNo, v.String(), at)
	case *dedupe.CustomerNoConflict:
		return newException(KindCustomerEmailConflict, v.OrderNo, v.String(), at)
	}
	return newException(KindUnclassified, "", f.Kind()+": "+f.String(), at)
}

// Stuck turns the orders the wms Monitor found lagging (shipped in the WMS,
// not shipped in SFCC after the SLA) into shipment-stuck exceptions. The
// detail names the packages and how long ago they shipped; FirstSeen is the
// classifier's now.
func (c Classifier) Stuck(lagging []wms.Lagging) []Exception {
	at := c.now()
	out := make([]Exception, 0, len(lagging))
	for _, l := range lagging {
		out = append(out, newException(KindShipmentStuck, l.OrderNo,
			fmt.Sprintf("WMS %s, SFCC %s; packages %s shipped %s (%s ago)", l.WMSStatus, l.SFCCStatus,
				strings.Join(l.Packages, ", "), l.Since.UTC().Format(time.DateTime), l.Age.Round(time.Minute)), at))
	}
	return out
}

// Entry converts the journal for erp.Ledger.PostJournal. The reference
// ("settlement:" + ID) makes posting it twice a no-op in the ledger.
func (j Journal) Entry() erp.JournalEntry {
	e := erp.JournalEntry{Reference: "settlement:" + j.ID, Date: j.Date, Currency: j.Currency,
		Memo: j.Provider + " payout " + j.PayoutID}
	for _, l := range j.Lines {
		e.Lines = append(e.Lines, erp.JournalLine{Account: l.Account, Debit: l.Debit, Credit: l.Credit, Memo: l.Memo})
	}
	return e
}

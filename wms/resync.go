package wms

import (
	"bufio"
	"encoding/xml"
	"io"
	"slices"
	"time"

	"github.com/o2ckit/o2c/sfcc"
)

// InventoryNamespace is the XML namespace of inventory.xsd.
const InventoryNamespace = "http://www.demandware.com/xml/impex/inventory/2007-05-31"

// Snapshot returns, per inventory list, a record of every SKU the Pusher
// has a level for: the current allocation (after safety stock) and, as the
// allocation timestamp, the oldest source time of its levels. Records are
// sorted by SKU.
func (p *Pusher) Snapshot() map[string][]sfcc.InventoryRecord {
	p.mu.Lock()
	out := map[string][]sfcc.InventoryRecord{}
	for k, st := range p.skus {
		if len(st.levels) == 0 {
			continue
		}
		out[k.list] = append(out[k.list], sfcc.InventoryRecord{ProductID: k.sku, InventoryListID: k.list,
			Allocation: st.want, AllocationResetDate: st.resetAt})
	}
	p.mu.Unlock()
	for _, recs := range out {
		slices.SortFunc(recs, func(a, b sfcc.InventoryRecord) int { return compareStrings(a.ProductID, b.ProductID) })
	}
	return out
}

// Resync writes an inventory import file (inventory.xsd) with every SKU of
// every list the Pusher knows (see Snapshot), for the ImportInventoryLists
// job step — the full reconciliation to run nightly or after an outage,
// next to the incremental pushes. It does not change what the Pusher
// believes SFCC holds: the job runs later and may fail.
func (p *Pusher) Resync(w io.Writer) error {
	snap := p.Snapshot()
	lists := make([]string, 0, len(snap))
	for l := range snap {
		lists = append(lists, l)
	}
	slices.Sort(lists)
	files := make([]InventoryList, len(lists))
	for i, l := range lists {
		files[i] = InventoryList{ID: l, Records: snap[l]}
	}
	return WriteInventoryXML(w, files...)
}

// InventoryList is one inventory list for WriteInventoryXML.
type InventoryList struct {
	ID string
	// DefaultInStock is the list header's default-instock: whether products
	// without a record count as in stock. Usually false.
	DefaultInStock bool
	Description    string
	Records        []sfcc.InventoryRecord
}

// WriteInventoryXML writes lists as an inventory.xsd document. Per record it
// writes allocation, allocation-timestamp (when set), perpetual (when true),
// pre-order/back-order handling and allocation (when set) and
// in-stock-datetime (when set); computed fields (ATS, turnover, on-order)
// cannot be imported and are left out.
func WriteInventoryXML(w io.Writer, lists ...InventoryList) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(xml.Header); err != nil {
		return err
	}
	e := xml.NewEncoder(bw)
	e.Indent("", "    ")
	start := func(name string, attrs ...xml.Attr) error {
		return e.EncodeToken(xml.StartElement{Name: xml.Name{Local: name}, Attr: attrs})
	}
	end := func(name string) error { return e.EncodeToken(xml.EndElement{Name: xml.Name{Local: name}}) }
	text := func(name, value string) error {
		if err := start(name); err != nil {
			return err
		}
		if err := e.EncodeToken(xml.CharData(value)); err != nil {
			return err
		}
		return end(name)
	}
	stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	err := func() error {
		if err := start("inventory", xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: InventoryNamespace}); err != nil {
			return err
		}
		for _, l := range lists {
			if err := start("inventory-list"); err != nil {
				return err
			}
			if err := start("header", xml.Attr{Name: xml.Name{Local: "list-id"}, Value: l.ID}); err != nil {
				return err
			}
			if err := text("default-instock", boolText(l.DefaultInStock)); err != nil {
				return err
			}
			if l.Description != "" {
				if err := text("description", l.Description); err != nil {
					return err
				}
			}
			if err := end("header"); err != nil {
				return err
			}
			if err := start("records"); err != nil {
				return err
			}
			for _, r := range l.Records {
				if err := start("record", xml.Attr{Name: xml.Name{Local: "product-id"}, Value: r.ProductID}); err != nil {
					return err
				}
				if err := text("allocation", r.Allocation.String()); err != nil {
					return err
				}
				if !r.AllocationResetDate.IsZero() {
					if err := text("allocation-timestamp", stamp(r.AllocationResetDate)); err != nil {
						return err
					}
				}
				if r.Perpetual {
					if err := text("perpetual", "true"); err != nil {
						return err
					}
				}
				if r.PreOrderBackOrderHandling != "" {
					if err := text("preorder-backorder-handling", string(r.PreOrderBackOrderHandling)); err != nil {
						return err
					}
					if err := text("preorder-backorder-allocation", r.PreOrderBackOrderAllocation.String()); err != nil {
						return err
					}
				}
				if !r.InStockDate.IsZero() {
					if err := text("in-stock-datetime", stamp(r.InStockDate)); err != nil {
						return err
					}
				}
				if err := end("record"); err != nil {
					return err
				}
			}
			if err := end("records"); err != nil {
				return err
			}
			if err := end("inventory-list"); err != nil {
				return err
			}
		}
		return end("inventory")
	}()
	if err != nil {
		return err
	}
	if err := e.Flush(); err != nil {
		return err
	}
	if _, err := bw.WriteString("\n"); err != nil {
		return err
	}
	return bw.Flush()
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

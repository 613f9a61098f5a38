package wms

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestPusher_ResyncWritesEverySKUOfEveryList(t *testing.T) {
	p, _ := newTestPusher(t, newFakeInventory(), func(c *PusherConfig) {
		c.Lists = map[string]string{"DE": "inv-de"}
		c.Safety = &SafetyStock{Normal: Profile{Global: Rule{Units: qty("1")}}}
	})
	p.Offer(lvl("B&Q<1>", "4", 1), lvl("A", "0", 2),
		StockLevel{SKU: "A", Location: "DE", Available: qty("2.5"), Sequence: 1, At: t0})
	p.Flush(context.Background())
	var buf bytes.Buffer
	if err := p.Resync(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Lists []struct {
			Header struct {
				ID string `xml:"list-id,attr"`
			} `xml:"header"`
			Records []struct {
				SKU        string `xml:"product-id,attr"`
				Allocation string `xml:"allocation"`
				Stamp      string `xml:"allocation-timestamp"`
			} `xml:"records>record"`
		} `xml:"inventory-list"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	var got []string
	for _, l := range doc.Lists {
		for _, r := range l.Records {
			got = append(got, l.Header.ID+"/"+r.SKU+"="+r.Allocation+"@"+r.Stamp)
		}
	}
	want := "inv-de/A=1.5@2026-11-20T09:00:00.000Z inv-main/A=0@2026-11-20T09:00:02.000Z inv-main/B&Q<1>=3@2026-11-20T09:00:01.000Z"
	if strings.Join(got, " ") != want {
		t.Fatalf("records:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	validateInventoryXSD(t, buf.Bytes())
}

// validateInventoryXSD checks doc against Salesforce's inventory.xsd with
// xmllint, when it is installed (CI installs libxml2-utils).
func validateInventoryXSD(t *testing.T, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Log("xmllint not installed; schema validation skipped")
		return
	}
	f := filepath.Join(t.TempDir(), "inventory.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	xsd, _ := filepath.Abs("testdata/xsd/inventory.xsd")
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", xsd, f).CombinedOutput()
	if err != nil {
		t.Fatalf("inventory file does not validate against inventory.xsd: %v\n%s\n%s", err, out, doc)
	}
}

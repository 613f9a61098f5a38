package orderxml

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// xsdDir finds Salesforce's schemas: $O2C_SFCC_XSD_DIR, or shared/ beside
// the module root (where CI puts a copy). Without them the test is skipped
// locally and fails in CI.
func xsdDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("O2C_SFCC_XSD_DIR"); dir != "" {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			cand := filepath.Join(dir, "..", "shared", "reference", "sfcc", "xsd")
			if _, err := os.Stat(filepath.Join(cand, "order.xsd")); err == nil {
				return cand
			}
			break
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	missing(t, "the SFCC schemas (set O2C_SFCC_XSD_DIR or put shared/ beside the repository)")
	return ""
}

func missing(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI needs %s", what)
	}
	t.Skipf("skipped: %s not available", what)
}

// validate checks data against the schema with xmllint.
func validate(t *testing.T, schema string, data []byte) {
	t.Helper()
	xsd := filepath.Join(xsdDir(t), schema)
	if _, err := exec.LookPath("xmllint"); err != nil {
		missing(t, "xmllint (package libxml2-utils)")
	}
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("xmllint", "--noout", "--nonet", "--schema", xsd, f).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
}

package sqlstore_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The core packages and their test kits give a host business rules, not a
// database: no driver may be linked into them, nor into the SQL stores.
func TestCorePackagesLinkNoDriver(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH")
	}
	pkgs := []string{"sfcc", "erp", "wms", "mapping", "reconcile", "dedupe",
		"erp/erptest", "wms/wmstest", "dedupe/dedupetest", "wms/wmssql", "dedupe/dedupesql", "erp/erpsql", "internal/sqlstore",
		"reconcile/reconciletest", "reconcile/reconcilesql"}
	for _, p := range pkgs {
		out, err := exec.Command(goTool, "list", "-deps", "github.com/o2ckit/o2c/"+p).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", p, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "modernc.org/sqlite") || strings.HasPrefix(dep, "github.com/jackc/pgx") {
				t.Errorf("%s links %s", p, dep)
			}
		}
	}
}

package erptest_test

import (
	"testing"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
)

func TestMemoryExportLedger_PassesTheExportLedgerSuite(t *testing.T) {
	erptest.RunExportLedger(t, erptest.ExportLedgerFeatures{}, func(t *testing.T) erp.ExportLedger {
		return &erp.MemoryExportLedger{}
	})
}

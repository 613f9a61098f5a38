package ocapi_test

import (
	"github.com/o2ckit/o2c/sfcc/ocapi"
	"github.com/o2ckit/o2c/wms"
)

// The fulfilment and stock flows run on *ocapi.Client unchanged.
var (
	_ wms.OrderUpdater     = (*ocapi.Client)(nil)
	_ wms.InventoryWriter  = (*ocapi.Client)(nil)
	_ wms.InventoryCreator = (*ocapi.Client)(nil)
	_ wms.InventoryLister  = (*ocapi.Client)(nil)
)

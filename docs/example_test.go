package docs_test

import (
	"bytes"
	"fmt"

	"github.com/o2ckit/o2c/docs"
)

// The operations guide explains each exception kind under a
// "### <kind> — <owner>" heading.
func Example() {
	fmt.Println(bytes.Contains(docs.Operations, []byte("\n### erp-order-rejected — finance\n")))
	// Output: true
}

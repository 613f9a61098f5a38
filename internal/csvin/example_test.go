package csvin_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/o2ckit/o2c/internal/csvin"
)

// A spreadsheet's BOM is dropped, and a row with a quote that never closes
// is reported at its own line; the rows after it are still read.
func Example() {
	in := "\ufeff\"order_no\",\"amount\"\n1001,\"20.00\n1002,30.00\n"
	r := csvin.NewReader(strings.NewReader(in), csvin.Config{})
	for {
		rec, line, err := r.Read()
		if err == io.EOF {
			break
		}
		var re *csvin.RecordError
		if errors.As(err, &re) {
			fmt.Println("broken:", re)
			continue
		}
		fmt.Println(line, rec)
	}
	// Output:
	// 1 [order_no amount]
	// broken: line 2: quoted field not closed, or text after its closing "
	// 3 [1002 30.00]
}

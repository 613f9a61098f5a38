package mapping_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/mapping"
)

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

func Example() {
	tax := `country,rate_percent,tax_class,tax_code,tax_account,valid_from,valid_to
GB,20,*,S20,2200,,2025-12-31
GB,20,*,S20-NEW,2201,2026-01-01,
GB,5,*,R5,2200,,
`
	tables, err := mapping.Read(mapping.Input{Table: mapping.Tax, Name: "tax.csv", Format: mapping.CSV, R: strings.NewReader(tax)})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, date := range []string{"2025-12-31", "2026-01-01"} {
		on, _ := time.Parse(time.DateOnly, date)
		row, _ := tables.Tax("GB", decimal.MustParse("0.2"), "", on)
		fmt.Println(date, row.TaxCode, row.TaxAccount, row.Source)
	}
	_, err = tables.Tax("GB", decimal.MustParse("0.125"), "", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	var miss *mapping.MissingError
	fmt.Println(errors.As(err, &miss), miss.Table, miss.Key)
	// Output:
	// 2025-12-31 S20 2200 tax.csv:2
	// 2026-01-01 S20-NEW 2201 tax.csv:3
	// true tax country=GB rate_percent=12.5 tax_class=
}

package main

import (
	"fmt"

	"github.com/govalues/decimal"
)

// Exact decimal helpers for the day's settlement and summary arithmetic; an
// overflow is a bug in the example's data, not an input error.

func dec(s string) decimal.Decimal { return decimal.MustParse(s) }

func mul(a, b decimal.Decimal) decimal.Decimal {
	r, err := a.Mul(b)
	if err != nil {
		panic(fmt.Sprintf("arithmetic overflow: %v", err))
	}
	return r
}

func add(a, b decimal.Decimal) decimal.Decimal {
	r, err := a.Add(b)
	if err != nil {
		panic(fmt.Sprintf("arithmetic overflow: %v", err))
	}
	return r
}

func sub(a, b decimal.Decimal) decimal.Decimal {
	r, err := a.Sub(b)
	if err != nil {
		panic(fmt.Sprintf("arithmetic overflow: %v", err))
	}
	return r
}

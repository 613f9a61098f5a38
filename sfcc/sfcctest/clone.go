package sfcctest

import "github.com/o2ckit/o2c/sfcc"

// cloneOrder deep-copies an order so the server's state and the caller's
// values never share slices or pointers.
func cloneOrder(o sfcc.Order) sfcc.Order { return o.Clone() }

// Package sfcc is the SFCC side of o2c: typed clients for the OCAPI Data and
// Shop APIs with Account Manager authentication, a transport stack (rate
// limit, retries, auth), typed errors, and the canonical Order model that
// every other o2c package consumes.
//
// It knows nothing of ERPs, warehouses or mapping tables. Decoding Order XML
// exports lives in sfcc/orderxml; the simulator lives in sfcc/sfcctest.
package sfcc

// Package ordergen generates realistic SFCC orders from a seed for tests,
// examples and the simulated world: a UK site with gross taxation and a US
// site with net taxation, repeat and new shoppers (guests typing their email
// in other case or with spaces), line and order promotions, free shipping,
// split shipments, gift messages, gift certificates bought and redeemed, and
// card, PayPal and Apple Pay payments. Every order adds up the way SFCC
// computes it, so an ERP translation must reproduce its total to the penny.
//
// It owns no SFCC behaviour (sfcctest serves the orders) and no mapping
// tables; examples/o2c/tables map everything it generates.
package ordergen

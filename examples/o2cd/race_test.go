//go:build race

package main

// raceEnabled builds the binaries the tests run with the race detector
// too, so the service's own concurrency is checked, not only the tests'.
const raceEnabled = true

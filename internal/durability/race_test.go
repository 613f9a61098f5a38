//go:build race

package durability_test

// raceEnabled: this binary runs under the race detector.
const raceEnabled = true

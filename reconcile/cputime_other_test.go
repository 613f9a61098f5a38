//go:build !unix

package reconcile

import "time"

// processCPU is unknown on this platform; the CPU metrics read zero.
func processCPU() time.Duration { return 0 }

//go:build !unix

package reconcile

import "os"

// lockFile is a no-op where flock is not available: there one process at a
// time must use a state directory, as the host arranges.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) error { return nil }

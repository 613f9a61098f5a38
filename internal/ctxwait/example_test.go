package ctxwait_test

import (
	"context"
	"fmt"
	"time"

	"github.com/o2ckit/o2c/internal/ctxwait"
)

// A retry loop waits between attempts and stops as soon as its context
// ends.
func ExampleSleep() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	for attempt := 1; ; attempt++ {
		if err := ctxwait.Sleep(ctx, time.Hour); err != nil {
			fmt.Println("gave up after attempt", attempt, "-", err)
			return
		}
	}
	// Output: gave up after attempt 1 - context deadline exceeded
}

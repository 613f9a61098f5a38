package reconcile

import (
	"context"
	"fmt"
	"time"
)

// An exception seen on two days is one record: first seen on the first,
// last seen on the second, until a person resolves it.
func ExampleMemoryExceptionStore() {
	ctx := context.Background()
	var s MemoryExceptionStore
	day := time.Date(2026, 11, 9, 8, 0, 0, 0, time.UTC)
	x := Exception{Kind: KindPaymentMissing, Key: "00002001", Detail: "not settled after 5 days"}
	_ = s.Record(ctx, day, x)
	_ = s.Record(ctx, day.AddDate(0, 0, 1), x)
	_ = s.Resolve(ctx, x.ID(), "anna", "paid by bank transfer", day.AddDate(0, 0, 1).Add(time.Hour))
	r, _ := s.Get(ctx, x.ID())
	fmt.Println(r.Owner, r.FirstSeen.Format(time.DateOnly), r.LastSeen.Format(time.DateOnly), r.ResolvedBy, r.Note)
	open, _ := s.List(ctx, ExceptionQuery{Owner: OwnerFinance, Status: StatusOpen})
	fmt.Println("open:", len(open.Records))
	// Output:
	// finance 2026-11-09 2026-11-10 anna paid by bank transfer
	// open: 0
}

package dedupe_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/o2ckit/o2c/dedupe"
)

// mapDirectory is the smallest Directory: records in a slice, emails unique
// ignoring case, as an ERP enforces.
type mapDirectory struct {
	mu   sync.Mutex
	recs []dedupe.Customer
}

func (d *mapDirectory) FindCustomersByEmail(_ context.Context, email string) ([]dedupe.Customer, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []dedupe.Customer
	for _, c := range d.recs {
		if strings.EqualFold(c.Email, email) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (d *mapDirectory) CreateCustomer(_ context.Context, c dedupe.Customer) (dedupe.Customer, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range d.recs {
		if strings.EqualFold(r.Email, c.Email) {
			return dedupe.Customer{}, dedupe.ErrDuplicateEmail
		}
	}
	c.ID = fmt.Sprintf("C%03d", len(d.recs)+1)
	d.recs = append(d.recs, c)
	return c, nil
}

func Example() {
	dir := &mapDirectory{}
	r, err := dedupe.NewResolver(dedupe.Config{Directory: dir})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	orders := []dedupe.OrderCustomer{
		{OrderNo: "00001001", Email: " Jane.Doe@Example.com", Guest: true, FirstName: "Jane"},
		{OrderNo: "00001002", Email: "JANE.DOE@example.com", Guest: true},
		{OrderNo: "00001003", Email: "jane.doe@example.com", CustomerNo: "00042"},
		{OrderNo: "00001004", Email: "ünal@xn--bcher-kva.de", Guest: true},
		{OrderNo: "00001005", Email: "Ünal@Bücher.de", Guest: true},
		{OrderNo: "00001006", Email: "jane.doe(at)example.com", Guest: true},
	}
	for _, oc := range orders {
		res, err := r.Resolve(ctx, oc)
		if errors.Is(err, dedupe.ErrInvalidEmail) {
			fmt.Println(oc.OrderNo, "rejected:", err)
			continue
		}
		fmt.Println(oc.OrderNo, res.CustomerID, res.Outcome)
	}
	fmt.Println("records:", len(dir.recs), dir.recs[0].Email, dir.recs[1].Email)
	// Output:
	// 00001001 C001 created
	// 00001002 C001 matched
	// 00001003 C001 matched
	// 00001004 C002 created
	// 00001005 C002 matched
	// 00001006 rejected: dedupe: order 00001006 (***): normalise: dedupe: "***" is not an email address: no @
	// records: 2 Jane.Doe@example.com ünal@bücher.de
}

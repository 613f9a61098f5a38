package dedupesql_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/o2ckit/o2c/dedupe"
	"github.com/o2ckit/o2c/dedupe/dedupesql"
	"github.com/o2ckit/o2c/internal/sqlstore"
	_ "github.com/o2ckit/o2c/internal/sqlstore/drivers"
)

// Resolvers in several processes share claims through one database, so an
// email is resolved by one of them at a time.
func ExampleNewClaimStore() {
	dir, _ := os.MkdirTemp("", "o2c")
	defer os.RemoveAll(dir)
	db, err := sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(dir, "o2c.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	var directory dedupe.Directory = exampleDirectory{}
	r, err := dedupe.NewResolver(dedupe.Config{Directory: directory, Claims: dedupesql.NewClaimStore(db)})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := r.Resolve(context.Background(), dedupe.OrderCustomer{OrderNo: "00001", Email: "Ann@Example.com", Guest: true})
	fmt.Println(res.Outcome, err)
	// Output: created <nil>
}

type exampleDirectory struct{}

func (exampleDirectory) FindCustomersByEmail(context.Context, string) ([]dedupe.Customer, error) {
	return nil, nil
}

func (exampleDirectory) CreateCustomer(_ context.Context, c dedupe.Customer) (dedupe.Customer, error) {
	c.ID = "C1"
	return c, nil
}

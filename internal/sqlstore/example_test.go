package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/o2ckit/o2c/internal/sqlstore"
	_ "github.com/o2ckit/o2c/internal/sqlstore/drivers"
)

// A host opens its store by DSN; the schema is created on first use.
func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "o2c")
	defer os.RemoveAll(dir)
	db, err := sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(dir, "o2c.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	fmt.Println(db.Dialect())
	// Output: sqlite
}

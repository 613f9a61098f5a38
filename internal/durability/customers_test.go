package durability_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/o2ckit/o2c/erp"
	"github.com/o2ckit/o2c/erp/erptest"
)

// customerMaster is a customer master that, like many CRMs, does not refuse
// a second record with an email it holds.
type customerMaster struct {
	mu   sync.Mutex
	recs []erp.Customer
}

// perEmail counts the records per email, ignoring case.
func (m *customerMaster) perEmail() map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int{}
	for _, c := range m.recs {
		out[strings.ToLower(c.Email)]++
	}
	return out
}

// lenientERP is the strict fake ERP with the lenient customer master.
type lenientERP struct {
	*erptest.ERP
	customers *customerMaster
}

func (e lenientERP) FindCustomersByEmail(ctx context.Context, email string) ([]erp.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m := e.customers
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []erp.Customer{}
	for _, c := range m.recs {
		if strings.EqualFold(c.Email, email) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (e lenientERP) CreateCustomer(ctx context.Context, c erp.Customer) (erp.Customer, error) {
	if err := ctx.Err(); err != nil {
		return erp.Customer{}, err
	}
	m := e.customers
	m.mu.Lock()
	defer m.mu.Unlock()
	c.ID = "C" + strconv.Itoa(len(m.recs)+1)
	c.Created = time.Date(2026, 11, 27, 0, 0, len(m.recs), 0, time.UTC)
	m.recs = append(m.recs, c)
	return c, nil
}

func (e lenientERP) GetCustomer(ctx context.Context, id string) (erp.Customer, error) {
	m := e.customers
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.recs {
		if c.ID == id {
			return c, nil
		}
	}
	return erp.Customer{}, erp.ErrNotFound
}

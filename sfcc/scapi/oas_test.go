package scapi_test

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/o2ckit/o2c/sfcc"
)

// specPath is Salesforce's Orders OAS 1.5.2 in the shared reference tree.
const specPath = "../../../shared/reference/sfcc/specs/scapi-orders-oas-v1-1.5.2.yaml"

// spec is the part of an OpenAPI document the shape check reads.
type spec struct {
	Servers []struct {
		URL string `yaml:"url"`
	} `yaml:"servers"`
	Paths      map[string]map[string]operation `yaml:"paths"`
	Components struct {
		Parameters map[string]parameter `yaml:"parameters"`
		Schemas    map[string]*schema   `yaml:"schemas"`
	} `yaml:"components"`
}

type operation struct {
	OperationID string      `yaml:"operationId"`
	Parameters  []parameter `yaml:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema *schema `yaml:"schema"`
		} `yaml:"content"`
	} `yaml:"requestBody"`
}

type parameter struct {
	Ref      string  `yaml:"$ref"`
	Name     string  `yaml:"name"`
	In       string  `yaml:"in"`
	Required bool    `yaml:"required"`
	Schema   *schema `yaml:"schema"`
}

type schema struct {
	Ref                  string             `yaml:"$ref"`
	Type                 string             `yaml:"type"`
	Enum                 []string           `yaml:"enum"`
	Pattern              string             `yaml:"pattern"`
	Minimum              *int               `yaml:"minimum"`
	Maximum              *int               `yaml:"maximum"`
	Properties           map[string]*schema `yaml:"properties"`
	Required             []string           `yaml:"required"`
	AdditionalProperties any                `yaml:"additionalProperties"`
	Items                *schema            `yaml:"items"`
	AllOf                []*schema          `yaml:"allOf"`
}

func loadSpec(t *testing.T) *spec {
	t.Helper()
	data, err := os.ReadFile(specPath)
	if err != nil {
		t.Skipf("Orders OAS not found (%v); the shape check needs the shared reference tree", err)
	}
	var s spec
	if err := yaml.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

func (s *spec) param(p parameter) parameter {
	if p.Ref != "" {
		return s.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
	}
	return p
}

func (s *spec) resolve(sc *schema) *schema {
	for sc != nil && sc.Ref != "" {
		sc = s.Components.Schemas[strings.TrimPrefix(sc.Ref, "#/components/schemas/")]
	}
	if sc != nil && len(sc.AllOf) == 1 {
		return s.resolve(sc.AllOf[0])
	}
	return sc
}

// checkValue checks one scalar value against a schema's enum, pattern and bounds.
func (s *spec) checkValue(t *testing.T, where, v string, sc *schema) {
	t.Helper()
	sc = s.resolve(sc)
	if sc == nil {
		return
	}
	if sc.Type == "array" {
		for _, item := range strings.Split(v, ",") {
			s.checkValue(t, where, item, sc.Items)
		}
		return
	}
	if len(sc.Enum) > 0 && !contains(sc.Enum, v) {
		t.Errorf("%s: %q not in %v", where, v, sc.Enum)
	}
	if sc.Pattern != "" && !regexp.MustCompile(sc.Pattern).MatchString(v) {
		t.Errorf("%s: %q does not match %s", where, v, sc.Pattern)
	}
	if sc.Type == "integer" {
		n, err := strconv.Atoi(v)
		if err != nil || (sc.Minimum != nil && n < *sc.Minimum) || (sc.Maximum != nil && n > *sc.Maximum) {
			t.Errorf("%s: %q out of the integer bounds", where, v)
		}
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// match finds the spec path template of an actual path.
func (s *spec) match(path string) (string, map[string]string) {
	for tmpl := range s.Paths {
		ts, ps := strings.Split(tmpl, "/"), strings.Split(path, "/")
		if len(ts) != len(ps) {
			continue
		}
		vars, ok := map[string]string{}, true
		for i := range ts {
			if strings.HasPrefix(ts[i], "{") {
				vars[strings.Trim(ts[i], "{}")] = ps[i]
			} else if ts[i] != ps[i] {
				ok = false
				break
			}
		}
		if ok {
			return tmpl, vars
		}
	}
	return "", nil
}

// Every request the client sends to the Admin Orders API is an operation of
// the Orders OAS: a declared path and method, only declared query
// parameters with valid values, every required one present, and a body the
// operation's request schema accepts.
func TestRequests_MatchTheOrdersOAS(t *testing.T) {
	s := loadSpec(t)
	basePath := strings.TrimPrefix(s.Servers[0].URL, "https://{shortCode}.api.commercecloud.salesforce.com")
	e := setup(t)
	ctx := context.Background()
	e.srv.AddOrders(order("00001", 1, sfcc.ExportStatusReady), order("00002", 2, sfcc.ExportStatusReady))
	for _, err := range e.client.SearchOrders(ctx, sfcc.OrderQuery{ExportStatus: sfcc.ExportStatusReady, Status: sfcc.OrderStatusNew,
		ShippingStatuses: []sfcc.ShippingStatus{sfcc.ShippingStatusNotShipped, sfcc.ShippingStatusPartShipped}, PageSize: 1}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.client.GetOrder(ctx, "00001"); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		e.client.SetExportStatus(ctx, "00001", sfcc.ExportStatusExported),
		e.client.SetShippingStatus(ctx, "00001", sfcc.ShippingStatusPartShipped),
		e.client.SetPaymentStatus(ctx, "00001", sfcc.PaymentStatusPaid),
		e.client.SetConfirmationStatus(ctx, "00001", sfcc.ConfirmationStatusConfirmed),
		e.client.SetOrderStatus(ctx, "00001", sfcc.OrderStatusCompleted),
		e.client.SetExternalStatus(ctx, "00001", "in_delivery"),
		e.client.PatchOrderCustom(ctx, "00001", map[string]any{"erpOrderId": "SO-1", "tags": []string{"a"}}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	ops := map[string]bool{}
	for _, r := range e.rec.requests() {
		path, ok := strings.CutPrefix(r.Path, basePath)
		if !ok {
			continue // the token endpoint
		}
		tmpl, vars := s.match(path)
		op, found := s.Paths[tmpl][strings.ToLower(r.Method)]
		if tmpl == "" || !found {
			t.Errorf("%s %s is no operation of the spec", r.Method, path)
			continue
		}
		ops[op.OperationID] = true
		declared := map[string]parameter{}
		for _, p := range op.Parameters {
			p = s.param(p)
			declared[p.In+":"+p.Name] = p
			if p.In == "path" {
				s.checkValue(t, op.OperationID+" path "+p.Name, vars[p.Name], p.Schema)
			}
			if p.In == "query" && p.Required && len(r.Query[p.Name]) == 0 {
				t.Errorf("%s: required query parameter %s missing", op.OperationID, p.Name)
			}
		}
		for name, vs := range r.Query {
			p, ok := declared["query:"+name]
			if !ok {
				t.Errorf("%s: query parameter %s is not declared", op.OperationID, name)
				continue
			}
			for _, v := range vs {
				s.checkValue(t, op.OperationID+" query "+name, v, p.Schema)
			}
		}
		if op.RequestBody == nil {
			if len(r.Body) > 0 {
				t.Errorf("%s: body sent to an operation without one", op.OperationID)
			}
			continue
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q", op.OperationID, ct)
		}
		sc := s.resolve(op.RequestBody.Content["application/json"].Schema)
		var body map[string]any
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Errorf("%s: body is not a JSON object: %s", op.OperationID, r.Body)
			continue
		}
		for _, req := range sc.Required {
			if _, ok := body[req]; !ok {
				t.Errorf("%s: required property %s missing", op.OperationID, req)
			}
		}
		for k, v := range body {
			prop, ok := sc.Properties[k]
			switch {
			case ok:
				if str, isStr := v.(string); isStr {
					s.checkValue(t, op.OperationID+" body "+k, str, prop)
				}
			case sc.AdditionalProperties == false:
				t.Errorf("%s: property %s not allowed", op.OperationID, k)
			case !strings.HasPrefix(k, "c_"):
				// additionalProperties here admits only c_ custom attributes.
				t.Errorf("%s: additional property %s is not a c_ attribute", op.OperationID, k)
			}
		}
	}
	for _, id := range []string{"getOrders", "getOrder", "updateOrder", "updateOrderExportStatus", "updateOrderShippingStatus",
		"updateOrderPaymentStatus", "updateOrderConfirmationStatus", "updateOrderStatus", "updateOrderExternalStatus"} {
		if !ops[id] {
			t.Errorf("operation %s was not exercised", id)
		}
	}
}

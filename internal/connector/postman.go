package connector

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// PostmanSchema is the collection format Postman and Patchworks'
// connector builder import.
const PostmanSchema = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

type postmanCollection struct {
	Info     postmanInfo   `json:"info"`
	Auth     *postmanAuth  `json:"auth,omitempty"`
	Variable []postmanKV   `json:"variable"`
	Item     []postmanItem `json:"item"`
}

type postmanInfo struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Schema      string `json:"schema"`
}

type postmanAuth struct {
	Type   string      `json:"type"`
	APIKey []postmanKV `json:"apikey,omitempty"`
}

type postmanKV struct {
	Key         string `json:"key"`
	Value       string `json:"value"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
}

type postmanItem struct {
	Name    string         `json:"name"`
	Request postmanRequest `json:"request"`
}

type postmanRequest struct {
	Method      string       `json:"method"`
	Description string       `json:"description,omitempty"`
	Auth        *postmanAuth `json:"auth,omitempty"`
	Header      []postmanKV  `json:"header"`
	URL         postmanURL   `json:"url"`
	Body        *postmanBody `json:"body,omitempty"`
}

type postmanURL struct {
	Raw      string      `json:"raw"`
	Host     []string    `json:"host"`
	Path     []string    `json:"path"`
	Variable []postmanKV `json:"variable,omitempty"`
}

type postmanBody struct {
	Mode    string         `json:"mode"`
	Raw     string         `json:"raw,omitempty"`
	Options map[string]any `json:"options,omitempty"`
}

// openAPIDoc is the part of an OpenAPI document the conversion reads.
type openAPIDoc struct {
	Info struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"info"`
	Paths map[string]map[string]struct {
		OperationID string `json:"operationId"`
		Summary     string `json:"summary"`
		Description string `json:"description"`
		Security    *[]any `json:"security"`
		RequestBody *struct {
			Content map[string]any `json:"content"`
		} `json:"requestBody"`
	} `json:"paths"`
}

// Postman converts an OpenAPI document into a Postman v2.1 collection: one
// request per operation, {{baseUrl}} and {{apiKey}} variables, the API key
// sent as X-API-Key on every operation that needs credentials, path
// parameters as :name, and a JSON body placeholder where the operation
// takes one.
func Postman(openapi []byte) ([]byte, error) {
	var doc openAPIDoc
	if err := json.Unmarshal(openapi, &doc); err != nil {
		return nil, fmt.Errorf("connector: reading the OpenAPI document: %w", err)
	}
	c := postmanCollection{
		Info: postmanInfo{Name: doc.Info.Title, Description: doc.Info.Description, Schema: PostmanSchema},
		Auth: &postmanAuth{Type: "apikey", APIKey: []postmanKV{{Key: "key", Value: "X-API-Key", Type: "string"},
			{Key: "value", Value: "{{apiKey}}", Type: "string"}, {Key: "in", Value: "header", Type: "string"}}},
		Variable: []postmanKV{{Key: "baseUrl", Value: "http://localhost:8080", Description: "Where o2cd listens."},
			{Key: "apiKey", Value: "", Description: "One of o2cd's O2C_API_KEYS."}},
	}
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		methods := make([]string, 0, len(doc.Paths[p]))
		for m := range doc.Paths[p] {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			op := doc.Paths[p][m]
			req := postmanRequest{Method: strings.ToUpper(m), Description: op.Description, Header: []postmanKV{}}
			if op.Security != nil && len(*op.Security) == 0 {
				req.Auth = &postmanAuth{Type: "noauth"}
			}
			var segs []string
			var vars []postmanKV
			for _, s := range strings.Split(strings.Trim(p, "/"), "/") {
				if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
					name := s[1 : len(s)-1]
					s = ":" + name
					vars = append(vars, postmanKV{Key: name, Value: ""})
				}
				segs = append(segs, s)
			}
			req.URL = postmanURL{Raw: "{{baseUrl}}/" + strings.Join(segs, "/"), Host: []string{"{{baseUrl}}"}, Path: segs, Variable: vars}
			if op.RequestBody != nil {
				ct := "application/json"
				if _, ok := op.RequestBody.Content[ct]; !ok {
					for k := range op.RequestBody.Content {
						ct = k
						break
					}
				}
				req.Header = append(req.Header, postmanKV{Key: "Content-Type", Value: ct})
				if ct == "application/x-www-form-urlencoded" {
					req.Body = &postmanBody{Mode: "urlencoded"}
				} else {
					req.Body = &postmanBody{Mode: "raw", Raw: "{}", Options: map[string]any{"raw": map[string]string{"language": "json"}}}
				}
			}
			name := op.Summary
			if name == "" {
				name = op.OperationID
			}
			c.Item = append(c.Item, postmanItem{Name: name, Request: req})
		}
	}
	return json.MarshalIndent(c, "", "  ")
}

package ocapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/o2ckit/o2c/sfcc"
)

// MaxBatchSize is the most sub-requests OCAPI accepts in one batch.
const MaxBatchSize = 50

// maxPartBody caps the body read of one batch sub-response.
const maxPartBody = 1 << 20

// ErrNoSubResponse is the error of a batch sub-request SFCC did not answer.
var ErrNoSubResponse = errors.New("sfcc: batch answered without this sub-request")

// BatchRequest is one sub-request of an OCAPI batch against the Data API.
type BatchRequest struct {
	ID     string // x-dw-content-id; the client assigns one if empty
	Method string // GET, PUT, PATCH, DELETE
	Path   string // relative to the Data API base, e.g. "inventory_lists/l1/product_inventory_records/SKU1"
	Body   any    // marshalled with encoding/json ([]byte and json.RawMessage are sent as they are); nil = no body
}

// BatchResult is the outcome of one sub-request.
type BatchResult struct {
	ID     string
	Status int
	Body   []byte
	Err    error // *Error when Status >= 400, else nil
}

type batchItem struct {
	index  int
	method string
	path   string
	body   []byte
}

// Batch sends any number of sub-requests in OCAPI batches of at most 50 and
// returns one result per request, in request order. The error is for the
// whole call (context ended, a batch failed after retries); results already
// obtained are still returned, and every result names its own outcome: a
// sub-request that was invalid, refused by SFCC, or never sent carries an Err.
//
// Sub-requests are applied independently by SFCC; a batch holds only GET,
// PUT, PATCH and DELETE, so a whole batch is safe to retry and is retried
// like any idempotent request.
func (c *Client) Batch(ctx context.Context, reqs []BatchRequest) ([]BatchResult, error) {
	results := make([]BatchResult, len(reqs))
	taken := make(map[string]bool, len(reqs))
	for _, r := range reqs {
		if r.ID != "" {
			taken[r.ID] = true
		}
	}
	seen := make(map[string]bool, len(reqs))
	items := make([]batchItem, 0, len(reqs))
	auto := 0
	for i, r := range reqs {
		id := r.ID
		if id == "" {
			for {
				auto++
				id = "r" + strconv.Itoa(auto)
				if !taken[id] {
					break
				}
			}
		}
		results[i].ID = id
		if seen[id] {
			results[i].Err = fmt.Errorf("%w: batch request %d: duplicate id %q", sfcc.ErrInvalidArgument, i, id)
			continue
		}
		seen[id] = true
		it, err := c.batchItem(i, r)
		if err != nil {
			results[i].Err = fmt.Errorf("%w: batch request %q (%s %s): %v", sfcc.ErrInvalidArgument, id, r.Method, r.Path, err)
			continue
		}
		items = append(items, it)
	}
	var firstErr error
	for lo := 0; lo < len(items); lo += MaxBatchSize {
		chunk := items[lo:min(lo+MaxBatchSize, len(items))]
		if err := ctx.Err(); err != nil {
			for _, it := range items[lo:] {
				results[it.index].Err = fmt.Errorf("sfcc: batch request %q not sent: %w", results[it.index].ID, err)
			}
			if firstErr == nil {
				firstErr = fmt.Errorf("sfcc: batch: %w", err)
			}
			break
		}
		if err := c.sendBatch(ctx, chunk, results); err != nil {
			for _, it := range chunk {
				if results[it.index].Status == 0 && results[it.index].Err == nil {
					results[it.index].Err = err
				}
			}
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	return results, firstErr
}

func (c *Client) batchItem(i int, r BatchRequest) (batchItem, error) {
	it := batchItem{index: i, method: strings.ToUpper(r.Method), path: strings.TrimPrefix(r.Path, "/")}
	switch it.method {
	case http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return it, fmt.Errorf("method %q not allowed in a batch", r.Method)
	}
	if it.path == "" || strings.ContainsAny(it.path, "?#\r\n") || strings.Contains(it.path, "..") {
		return it, fmt.Errorf("path %q is not a Data API resource path", r.Path)
	}
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		it.body = b
	case json.RawMessage:
		it.body = b
	default:
		data, err := jsonBody(b)
		if err != nil {
			return it, err
		}
		it.body = data
	}
	return it, nil
}

// sendBatch sends one batch of at most MaxBatchSize items and fills their
// results. The error is for the whole batch.
func (c *Client) sendBatch(ctx context.Context, chunk []batchItem, results []BatchResult) error {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	byID := make(map[string]batchItem, len(chunk))
	for _, it := range chunk {
		id := results[it.index].ID
		byID[id] = it
		h := textproto.MIMEHeader{}
		h.Set("x-dw-content-id", id)
		h.Set("x-dw-http-method", it.method)
		h.Set("x-dw-resource-path-extension", it.path)
		h.Set("Content-Type", "application/json")
		pw, err := mw.CreatePart(h)
		if err != nil {
			return fmt.Errorf("sfcc: batch: %w", err)
		}
		if _, err := pw.Write(it.body); err != nil {
			return fmt.Errorf("sfcc: batch: %w", err)
		}
	}
	if err := mw.Close(); err != nil {
		return fmt.Errorf("sfcc: batch: %w", err)
	}
	hdr := http.Header{}
	hdr.Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	hdr.Set("Accept", "multipart/mixed")
	hdr.Set("x-dw-resource-path", c.dataPath+"/")
	resp, err := c.send(ctx, request{method: http.MethodPost, path: "/s/-/dw/batch", body: buf.Bytes(), header: hdr, idempotent: true})
	if err != nil {
		return err
	}
	defer drain(resp.Body)
	return c.readBatchResponse(ctx, resp.Header.Get("Content-Type"), resp.Body, chunk, byID, results)
}

// readBatchResponse maps the parts of a multipart batch answer back to
// their sub-requests by x-dw-content-id. A sub-request without an answer
// gets ErrNoSubResponse; parts with an unknown or repeated id are ignored.
func (c *Client) readBatchResponse(ctx context.Context, contentType string, body io.Reader, chunk []batchItem, byID map[string]batchItem, results []BatchResult) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mt, "multipart/") || params["boundary"] == "" {
		return fmt.Errorf("sfcc: batch: response is %q, not multipart", contentType)
	}
	mr := multipart.NewReader(body, params["boundary"])
	answered := make(map[string]bool, len(chunk))
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			// Parts already read keep their results; the rest are reported
			// below as unanswered.
			c.log.WarnContext(ctx, "sfcc: batch response cut short", slog.String("error", err.Error()))
			break
		}
		id := part.Header.Get("x-dw-content-id")
		it, ok := byID[id]
		if !ok || answered[id] {
			c.log.WarnContext(ctx, "sfcc: batch sub-response with unknown id", slog.String("id", id))
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, maxPartBody))
		if err != nil {
			continue
		}
		answered[id] = true
		res := &results[it.index]
		res.Status, _ = strconv.Atoi(strings.TrimSpace(part.Header.Get("x-dw-status-code")))
		res.Body = data
		switch {
		case res.Status < 100 || res.Status > 599:
			res.Err = fmt.Errorf("sfcc: batch request %q (%s %s): sub-response without a valid status", id, it.method, unescape(it.path))
		case res.Status >= 400:
			res.Err = c.scrubErr(faultError(res.Status, it.method, c.dataPath+"/"+unescape(it.path), data))
		}
	}
	for _, it := range chunk {
		id := results[it.index].ID
		if !answered[id] {
			results[it.index].Err = fmt.Errorf("%w: %q (%s %s)", ErrNoSubResponse, id, it.method, unescape(it.path))
		}
	}
	return nil
}

// UpdateInventory patches many records of list through batches of at most
// 50 and reports each update's outcome, in update order. An invalid update
// or one SFCC refuses fails alone; the others still go through. Give each
// SKU once: SFCC does not promise an order among the sub-requests of a
// batch, so coalesce updates of one SKU before calling.
func (c *Client) UpdateInventory(ctx context.Context, list string, updates []sfcc.InventoryUpdate) ([]sfcc.InventoryResult, error) {
	results := make([]sfcc.InventoryResult, len(updates))
	reqs := make([]BatchRequest, 0, len(updates))
	index := make([]int, 0, len(updates))
	for i, u := range updates {
		results[i].ProductID = u.ProductID
		if err := checkInventoryKey(list, u.ProductID, "update"); err != nil {
			results[i].Err = err
			continue
		}
		doc, err := u.PatchDocument()
		if err != nil {
			results[i].Err = &sfcc.InventoryError{List: list, SKU: u.ProductID, Op: "update", Err: err}
			continue
		}
		reqs = append(reqs, BatchRequest{Method: http.MethodPatch, Path: c.inventoryRel(list, u.ProductID), Body: json.RawMessage(doc)})
		index = append(index, i)
	}
	if len(reqs) == 0 {
		return results, nil
	}
	brs, err := c.Batch(ctx, reqs)
	for j, br := range brs {
		res := &results[index[j]]
		if br.Err != nil {
			res.Err = br.Err
			continue
		}
		if len(bytes.TrimSpace(br.Body)) == 0 {
			continue
		}
		if err := json.Unmarshal(br.Body, &res.Record); err != nil {
			res.Err = &sfcc.InventoryError{List: list, SKU: res.ProductID, Op: "update: decode record", Err: err}
		}
	}
	return results, err
}

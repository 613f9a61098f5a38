package scapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
	"github.com/o2ckit/o2c/sfcc/internal/wire"
)

// MaxBatchRecords is the most records OCI's availability batch-update
// takes in one call.
const MaxBatchRecords = 100

// maxParallelBatches bounds the batch calls in flight for one
// UpdateInventory: enough that one slow or retried batch does not hold the
// others up, few enough to stay clear of OCI's rate limits.
const maxParallelBatches = 4

// ErrImportFailed is matched by the per-SKU error of an update whose
// import OCI reported as failed, or that the import's result file names.
var ErrImportFailed = errors.New("scapi: inventory import failed")

// ErrImportPending is matched when an import was still running after
// ImportMaxPolls polls; OCI may still apply it (its recordIds make a
// repeated import harmless).
var ErrImportPending = errors.New("scapi: inventory import still running")

// ociFuture is a future restock: quantity > 0 arriving at expectedDate.
type ociFuture struct {
	Quantity     json.Number `json:"quantity"`
	ExpectedDate string      `json:"expectedDate"`
}

// ociBatchRecord is one record of availability-records/actions/batch-update.
type ociBatchRecord struct {
	ActionRequestID    string      `json:"actionRequestId"`
	EffectiveDate      string      `json:"effectiveDate"`
	LocationIdentifier string      `json:"locationIdentifier"`
	StockKeepingUnit   string      `json:"stockKeepingUnit"`
	OnHand             json.Number `json:"onHand"`
	FutureStock        []ociFuture `json:"futureStock,omitempty"`
}

// ociImportRecord is one inventory line of an NDJSON import.
type ociImportRecord struct {
	RecordID      string      `json:"recordId"`
	SKU           string      `json:"sku"`
	OnHand        json.Number `json:"onHand"`
	EffectiveDate string      `json:"effectiveDate"`
	Futures       []ociFuture `json:"futures,omitempty"`
}

// ociChange is a validated update with its place in the caller's slice.
type ociChange struct {
	index  int
	sku    string
	onHand decimal.Decimal
	future []ociFuture
	record sfcc.InventoryRecord
}

// UpdateInventory sets the on-hand quantity (Allocation) and future stock
// (PreOrderBackOrderAllocation arriving at InStockDate) of many SKUs at the
// OCI location named list, and reports each update's outcome in update
// order. It chooses the API by size: up to Config.ImportThreshold valid
// updates go out as availability batch-updates of at most MaxBatchRecords
// (a few in parallel; a failed batch is retried by the transport and fails
// only its own SKUs), more as one NDJSON delta import (UPDATE mode, a unique
// recordId per record) whose status is polled with Config.Sleep.
//
// An update OCI has no field for (Perpetual, PreOrderBackOrderHandling, a
// cleared InStockDate), a negative quantity or a SKU OCI cannot carry fails
// alone with an *sfcc.InventoryError matching sfcc.ErrInvalidArgument. The
// error return is for the whole call: the context ended, or batches or the
// import failed (their SKUs carry the cause too).
func (c *Client) UpdateInventory(ctx context.Context, list string, updates []sfcc.InventoryUpdate) ([]sfcc.InventoryResult, error) {
	results := make([]sfcc.InventoryResult, len(updates))
	if c.impexPath == "" {
		err := &ConfigError{Field: "InventoryGroupID", Reason: "required for inventory updates"}
		for i, u := range updates {
			results[i] = sfcc.InventoryResult{ProductID: u.ProductID, Err: err}
		}
		return results, err
	}
	now := c.cfg.Now().UTC()
	changes := make([]ociChange, 0, len(updates))
	for i, u := range updates {
		results[i].ProductID = u.ProductID
		ch, err := ociChangeOf(list, u)
		if err != nil {
			results[i].Err = err
			continue
		}
		ch.index = i
		changes = append(changes, ch)
	}
	if len(changes) == 0 {
		return results, ctx.Err()
	}
	var err error
	if len(changes) > c.cfg.ImportThreshold {
		err = c.importInventory(ctx, list, now, changes, results)
	} else {
		err = c.batchUpdate(ctx, list, now, changes, results)
	}
	return results, err
}

// ociSKUForbidden are the characters OCI refuses in a SKU.
const ociSKUForbidden = ":\\<>;%/ \t\r\n"

func ociChangeOf(list string, u sfcc.InventoryUpdate) (ociChange, error) {
	bad := func(format string, args ...any) (ociChange, error) {
		return ociChange{}, &sfcc.InventoryError{List: list, SKU: u.ProductID, Op: "update",
			Err: fmt.Errorf("%w: "+format, append([]any{sfcc.ErrInvalidArgument}, args...)...)}
	}
	switch {
	case list == "":
		return bad("empty location (inventory list) id")
	case strings.ContainsAny(list, ociSKUForbidden):
		return bad("location id %q has a character OCI refuses", list)
	case u.ProductID == "":
		return bad("empty SKU")
	case strings.ContainsAny(u.ProductID, ociSKUForbidden):
		return bad("SKU has a character OCI refuses (one of : \\ < > ; %% / or white space)")
	case u.Perpetual != nil:
		return bad("OCI has no perpetual flag")
	case u.PreOrderBackOrderHandling != "":
		return bad("OCI has no pre-order/back-order handling; send future stock instead")
	case u.InStockDate != nil && u.InStockDate.IsZero():
		return bad("OCI cannot clear an in-stock date")
	case u.Allocation == nil:
		return bad("no on-hand quantity (Allocation) to send")
	case u.Allocation.IsNeg():
		return bad("negative on-hand quantity %s", u.Allocation)
	}
	ch := ociChange{sku: u.ProductID, onHand: *u.Allocation,
		record: sfcc.InventoryRecord{ProductID: u.ProductID, InventoryListID: list, Allocation: *u.Allocation}}
	if q := u.PreOrderBackOrderAllocation; q != nil {
		switch {
		case q.IsNeg():
			return bad("negative future quantity %s", q)
		case q.IsPos() && u.InStockDate == nil:
			return bad("future quantity without an in-stock date")
		case q.IsPos():
			ch.future = []ociFuture{{Quantity: json.Number(q.String()), ExpectedDate: u.InStockDate.UTC().Format(time.RFC3339)}}
			ch.record.PreOrderBackOrderAllocation = *q
			ch.record.InStockDate = u.InStockDate.UTC()
		}
	}
	return ch, nil
}

// newRecordID is a random UUID (version 4): OCI deduplicates on it.
func newRecordID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

type ociBatchResponse struct {
	Errors []struct {
		ActionRequestID  string `json:"actionRequestId"`
		StockKeepingUnit string `json:"stockKeepingUnit"`
		ErrorCode        string `json:"errorCode"`
		Message          string `json:"message"`
	} `json:"errors"`
}

// batchUpdate sends the changes in batches of MaxBatchRecords, a few at a
// time. Each batch carries an actionRequestId per record, so a retried
// batch is recognised by OCI and the transport may retry it like a read.
func (c *Client) batchUpdate(ctx context.Context, list string, now time.Time, changes []ociChange, results []sfcc.InventoryResult) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		failed   int
	)
	sem := make(chan struct{}, min(maxParallelBatches, max(c.cfg.MaxConcurrency, 1)))
	batches := 0
	for start := 0; start < len(changes); start += MaxBatchRecords {
		chunk := changes[start:min(start+MaxBatchRecords, len(changes))]
		batches++
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			for _, ch := range chunk {
				results[ch.index].Err = ctx.Err()
			}
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			// Each goroutine writes only its own chunk's results.
			if err := c.sendBatch(ctx, list, now, chunk, results); err != nil {
				mu.Lock()
				failed++
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("scapi: inventory %s: %d of %d batches failed: %w", list, failed, batches, firstErr)
	}
	return ctx.Err()
}

func (c *Client) sendBatch(ctx context.Context, list string, now time.Time, chunk []ociChange, results []sfcc.InventoryResult) error {
	recs := make([]ociBatchRecord, len(chunk))
	byID := make(map[string]int, len(chunk))
	bySKU := make(map[string]int, len(chunk))
	for i, ch := range chunk {
		id := newRecordID()
		recs[i] = ociBatchRecord{ActionRequestID: id, EffectiveDate: now.Format(time.RFC3339Nano), LocationIdentifier: list,
			StockKeepingUnit: ch.sku, OnHand: json.Number(ch.onHand.String()), FutureStock: ch.future}
		byID[id] = i
		bySKU[ch.sku] = i
	}
	path := c.availPath + "/availability-records/actions/batch-update"
	body, err := wire.JSONBody(map[string]any{"records": recs})
	var res ociBatchResponse
	if err == nil {
		err = c.call(ctx, wire.Request{Method: http.MethodPost, Path: path, Body: body, Idempotent: true}, &res)
	}
	if err != nil {
		for _, ch := range chunk {
			results[ch.index].Err = err
		}
		return err
	}
	// OCI answers partial success: the records it refused are listed in
	// errors; every other record of the batch was applied.
	failed := make(map[int]error, len(res.Errors))
	for _, e := range res.Errors {
		i, ok := byID[e.ActionRequestID]
		if !ok {
			if i, ok = bySKU[e.StockKeepingUnit]; !ok {
				continue
			}
		}
		failed[i] = &sfcc.InventoryError{List: list, SKU: chunk[i].sku, Op: "batch update",
			Err: &sfcc.Error{StatusCode: http.StatusBadRequest, FaultType: e.ErrorCode, Message: c.wire.Scrub(e.Message),
				Method: http.MethodPost, Path: wire.Unescape(path)}}
	}
	for i, ch := range chunk {
		if ferr, ok := failed[i]; ok {
			results[ch.index].Err = ferr
			continue
		}
		results[ch.index].Record = ch.record
	}
	return nil
}

type ociImportStart struct {
	ImportID         string `json:"importId"`
	UploadLink       string `json:"uploadLink"`
	ImportStatusLink string `json:"importStatusLink"`
}

type ociImportStatus struct {
	Status      string `json:"status"`
	FullResults *struct {
		Href string `json:"href"`
	} `json:"fullResults"`
}

// importInventory runs one NDJSON delta import: initiate, upload the file
// to the upload link, poll the status, and read the result file for the
// records that failed.
func (c *Client) importInventory(ctx context.Context, list string, now time.Time, changes []ociChange, results []sfcc.InventoryResult) error {
	fail := func(err error) error {
		for _, ch := range changes {
			results[ch.index].Err = err
		}
		return fmt.Errorf("scapi: inventory %s: import of %d records: %w", list, len(changes), err)
	}
	var buf bytes.Buffer
	header, _ := json.Marshal(map[string]string{"location": list, "mode": "UPDATE"})
	buf.Write(header)
	buf.WriteByte('\n')
	byID := make(map[string]*ociChange, len(changes))
	for i := range changes {
		ch := &changes[i]
		id := newRecordID()
		byID[id] = ch
		line, err := json.Marshal(ociImportRecord{RecordID: id, SKU: ch.sku, OnHand: json.Number(ch.onHand.String()),
			EffectiveDate: now.Format(time.RFC3339Nano), Futures: ch.future})
		if err != nil {
			return fail(err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	// An initiated import that is never uploaded never runs, so initiating
	// again after a lost answer is harmless.
	var start ociImportStart
	err := c.call(ctx, wire.Request{Method: http.MethodPost, Path: c.impexPath + "/availability-records/imports",
		Body: []byte(`{"fileFormat":"JSON"}`), Idempotent: true}, &start)
	if err != nil {
		return fail(err)
	}
	if start.ImportID == "" || wire.IsDotSegment(start.ImportID) || strings.ContainsAny(start.ImportID, "/?#") {
		return fail(errors.New("OCI answered no usable importId"))
	}
	upload, err := c.sameHostPath(start.UploadLink, c.impexPath+"/availability-records/imports/uploadlink/"+url.PathEscape(start.ImportID))
	if err != nil {
		return fail(err)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("fileUpload", "inventory-"+start.ImportID+".ndjson")
	_, _ = fw.Write(buf.Bytes())
	_ = mw.Close()
	// Re-uploading the same records is harmless: OCI skips recordIds it
	// has imported.
	err = c.call(ctx, wire.Request{Method: http.MethodPost, Path: upload, Body: form.Bytes(),
		Header: http.Header{"Content-Type": {mw.FormDataContentType()}}, Idempotent: true}, nil)
	if err != nil {
		return fail(err)
	}
	statusPath, err := c.sameHostPath(start.ImportStatusLink, c.impexPath+"/availability-records/imports/"+url.PathEscape(start.ImportID)+"/status")
	if err != nil {
		return fail(err)
	}
	var st ociImportStatus
	for poll := 0; ; poll++ {
		if err := c.call(ctx, wire.Request{Method: http.MethodGet, Path: statusPath, Idempotent: true}, &st); err != nil {
			return fail(err)
		}
		if st.Status == "COMPLETED" || st.Status == "FAILED" {
			break
		}
		if poll+1 >= c.cfg.ImportMaxPolls {
			return fail(fmt.Errorf("%w: import %s is %s after %d polls", ErrImportPending, start.ImportID, st.Status, poll+1))
		}
		if err := c.cfg.Sleep(ctx, c.cfg.ImportPollInterval); err != nil {
			return fail(err)
		}
	}
	if st.Status == "FAILED" {
		return fail(fmt.Errorf("%w: import %s", ErrImportFailed, start.ImportID))
	}
	href := ""
	if st.FullResults != nil {
		href = st.FullResults.Href
	}
	resultsPath, err := c.sameHostPath(href, c.impexPath+"/availability-records/imports/"+url.PathEscape(start.ImportID)+"/file-content")
	if err != nil {
		return fail(err)
	}
	failedRecords, err := c.importFailures(ctx, resultsPath)
	if err != nil {
		return fail(err)
	}
	for i := range changes {
		results[changes[i].index].Record = changes[i].record
	}
	for id, msg := range failedRecords {
		ch := byID[id]
		if ch == nil {
			continue
		}
		results[ch.index] = sfcc.InventoryResult{ProductID: ch.sku, Err: &sfcc.InventoryError{List: list, SKU: ch.sku,
			Op: "import", Err: fmt.Errorf("%w: %s", ErrImportFailed, c.wire.Scrub(msg))}}
	}
	return ctx.Err()
}

// importFailures reads an import's result file: a status line, then one
// line per failed record.
func (c *Client) importFailures(ctx context.Context, path string) (map[string]string, error) {
	resp, err := c.wire.Send(ctx, wire.Request{Method: http.MethodGet, Path: path, Idempotent: true,
		Header: http.Header{"Accept": {"application/x-ndjson, application/json"}}})
	if err != nil {
		return nil, err
	}
	defer wire.Drain(resp.Body)
	dec := json.NewDecoder(http.MaxBytesReader(nil, resp.Body, wire.MaxResponseBody))
	out := map[string]string{}
	for line := 0; ; line++ {
		var rec struct {
			Status   string `json:"status"`
			RecordID string `json:"recordId"`
			Message  string `json:"message"`
		}
		if err := dec.Decode(&rec); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, fmt.Errorf("import result line %d: %w", line+1, err)
		}
		if rec.RecordID != "" {
			out[rec.RecordID] = rec.Message
		}
	}
}

// sameHostPath turns a link OCI answered (absolute or a path) into a path
// below the client's base URL, refusing a link to another host so the
// bearer token never leaves the configured API host. An empty link uses
// fallback.
func (c *Client) sameHostPath(link, fallback string) (string, error) {
	if link == "" {
		return fallback, nil
	}
	u, err := url.Parse(link)
	if err != nil {
		return "", errors.New("OCI answered a link that does not parse")
	}
	base := c.wire.Base()
	if u.IsAbs() && (u.Scheme != base.Scheme || u.Host != base.Host) {
		return "", errors.New("OCI answered a link to another host; not following it with the access token")
	}
	p := u.EscapedPath()
	if base.Path != "" && strings.HasPrefix(p, base.Path+"/") {
		p = strings.TrimPrefix(p, base.Path)
	}
	if !strings.HasPrefix(p, "/") {
		return "", errors.New("OCI answered a relative link")
	}
	return p, nil
}

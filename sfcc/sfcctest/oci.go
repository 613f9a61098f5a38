package sfcctest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/o2ckit/o2c/sfcc"
)

// OCI routes keep inventory in the same state as the Data API routes: an
// OCI location is an inventory list, onHand its allocation, and a future
// restock its pre-order/back-order allocation with the in-stock date.

// maxOCIBatch is the most records one batch-update takes.
const maxOCIBatch = 100

// OCIImport is an NDJSON availability import as the simulator received it.
type OCIImport struct {
	ID string
	// Status is PENDING (initiated), RUNNING (uploaded, not yet polled to
	// the end), COMPLETED or FAILED.
	Status string
	// Locations and Modes are those of the file's location headers.
	Locations []string
	Modes     []string
	// RecordIDs and SKUs are those of the file's inventory lines, in order.
	RecordIDs []string
	SKUs      []string
}

type ociImport struct {
	OCIImport
	polls    int
	failures []ociImportFailure
}

type ociImportFailure struct {
	RecordID   string `json:"recordId"`
	LocationID string `json:"locationId"`
	SKU        string `json:"sku"`
	Message    string `json:"message"`
}

// OCIImports returns the imports received so far, oldest first.
func (s *Server) OCIImports() []OCIImport {
	st := &s.scapi
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]OCIImport, 0, len(st.imports))
	for i := 1; i <= st.seq; i++ {
		if imp, ok := st.imports["imp-"+strconv.Itoa(i)]; ok {
			c := imp.OCIImport
			c.Locations = append([]string(nil), c.Locations...)
			c.Modes = append([]string(nil), c.Modes...)
			c.RecordIDs = append([]string(nil), c.RecordIDs...)
			c.SKUs = append([]string(nil), c.SKUs...)
			out = append(out, c)
		}
	}
	return out
}

type ociFutureIn struct {
	Quantity     json.Number `json:"quantity"`
	ExpectedDate string      `json:"expectedDate"`
}

// applyOCI sets one SKU's on-hand and future stock at a location (an
// inventory list, created if needed). It returns a message when the values
// are refused. Callers hold s.mu.
func (s *Server) applyOCI(location, sku string, onHand json.Number, effective string, futures []ociFutureIn) string {
	switch {
	case location == "":
		return "location is required"
	case sku == "" || strings.ContainsAny(sku, ":\\<>;%/ \t\r\n"):
		return "invalid sku"
	}
	q, err := decimal.Parse(onHand.String())
	if err != nil || q.IsNeg() {
		return "onHand must be a non-negative number"
	}
	eff := s.now().UTC()
	if effective != "" {
		t, err := time.Parse(time.RFC3339Nano, effective)
		if err != nil {
			return "effectiveDate is not an ISO date"
		}
		eff = t.UTC()
	}
	l := s.list(location, true)
	rec := l[sku]
	rec.ProductID, rec.InventoryListID = sku, location
	rec.Allocation, rec.AllocationResetDate = q, eff.Truncate(time.Millisecond)
	for _, f := range futures {
		fq, err := decimal.Parse(f.Quantity.String())
		if err != nil || !fq.IsPos() {
			return "future quantity must be greater than 0"
		}
		d, err := time.Parse(time.RFC3339Nano, f.ExpectedDate)
		if err != nil {
			return "future expectedDate is not an ISO date"
		}
		rec.PreOrderBackOrderAllocation, rec.InStockDate = fq, d.UTC()
		rec.PreOrderBackOrderHandling = sfcc.HandlingBackorder
	}
	recompute(&rec)
	l[sku] = rec
	return ""
}

// handleOCIBatch is availability-records/actions/batch-update: at most 100
// records; partial success, the refused records listed in errors. A record
// whose actionRequestId was applied before is not applied again.
func (s *Server) handleOCIBatch(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Records []struct {
			ActionRequestID    string        `json:"actionRequestId"`
			EffectiveDate      string        `json:"effectiveDate"`
			LocationIdentifier string        `json:"locationIdentifier"`
			StockKeepingUnit   string        `json:"stockKeepingUnit"`
			OnHand             json.Number   `json:"onHand"`
			FutureStock        []ociFutureIn `json:"futureStock"`
		} `json:"records"`
	}
	if err := decodeBody(r, &body); err != nil {
		badRequest(w, "the request body is not a batch-update document")
		return
	}
	if len(body.Records) == 0 || len(body.Records) > maxOCIBatch {
		badRequest(w, fmt.Sprintf("records must hold 1 to %d entries", maxOCIBatch))
		return
	}
	type detail struct {
		ActionRequestID  string `json:"actionRequestId"`
		StockKeepingUnit string `json:"stockKeepingUnit"`
	}
	type failure struct {
		ActionRequestID  string `json:"actionRequestId"`
		StockKeepingUnit string `json:"stockKeepingUnit"`
		ErrorCode        string `json:"errorCode"`
		Message          string `json:"message"`
	}
	details, failures := []detail{}, []failure{}
	s.mu.Lock()
	st := &s.scapi
	st.mu.Lock()
	if st.actionIDs == nil {
		st.actionIDs = map[string]bool{}
	}
	for _, rec := range body.Records {
		switch {
		case rec.ActionRequestID == "":
			failures = append(failures, failure{StockKeepingUnit: rec.StockKeepingUnit, ErrorCode: "INVALID_INPUT", Message: "actionRequestId is required"})
			continue
		case st.actionIDs[rec.ActionRequestID]:
			details = append(details, detail{rec.ActionRequestID, rec.StockKeepingUnit})
			continue
		}
		if msg := s.applyOCI(rec.LocationIdentifier, rec.StockKeepingUnit, rec.OnHand, rec.EffectiveDate, rec.FutureStock); msg != "" {
			failures = append(failures, failure{rec.ActionRequestID, rec.StockKeepingUnit, "INVALID_INPUT", msg})
			continue
		}
		st.actionIDs[rec.ActionRequestID] = true
		details = append(details, detail{rec.ActionRequestID, rec.StockKeepingUnit})
	}
	st.mu.Unlock()
	s.mu.Unlock()
	w.Header().Set("X-Sim-Records", strconv.Itoa(len(body.Records)))
	writeJSON(w, http.StatusOK, map[string]any{"details": details, "errors": failures})
}

func (s *Server) ociImportPath(id string) string {
	return "/inventory/impex/v1/organizations/" + s.InventoryGroupID() + "/availability-records/imports/" + id
}

// handleOCIImportStart initiates an import and answers its upload and
// status links.
func (s *Server) handleOCIImportStart(w http.ResponseWriter, _ *http.Request) {
	st := &s.scapi
	st.mu.Lock()
	st.seq++
	id := "imp-" + strconv.Itoa(st.seq)
	if st.imports == nil {
		st.imports = map[string]*ociImport{}
	}
	st.imports[id] = &ociImport{OCIImport: OCIImport{ID: id, Status: "PENDING"}}
	st.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]string{
		"importId":         id,
		"uploadLink":       "/inventory/impex/v1/organizations/" + s.InventoryGroupID() + "/availability-records/imports/uploadlink/" + id,
		"uploadMethod":     http.MethodPost,
		"importStatusLink": s.ociImportPath(id) + "/status",
	})
}

// handleOCIUpload takes the NDJSON file (multipart field fileUpload):
// location headers {"location","mode":"UPDATE"} followed by records
// {recordId, sku, onHand, effectiveDate, futures}, or records carrying
// their own locationId. Every record needs a recordId unique in the file;
// a recordId imported before is skipped. Records are applied at once; the
// import reports COMPLETED on its second status poll.
func (s *Server) handleOCIUpload(w http.ResponseWriter, r *http.Request, id string) {
	f, _, err := r.FormFile("fileUpload")
	if err != nil {
		badRequest(w, "the upload must be multipart/form-data with a fileUpload part")
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 64<<20))
	if err != nil {
		badRequest(w, "the file cannot be read")
		return
	}
	st := &s.scapi
	s.mu.Lock()
	defer s.mu.Unlock()
	st.mu.Lock()
	defer st.mu.Unlock()
	imp, ok := st.imports[id]
	if !ok {
		writeProblem(w, http.StatusNotFound, "import-not-found", "Import Not Found", "no import '"+id+"'")
		return
	}
	if imp.Status != "PENDING" {
		// A repeated upload (a retry) changes nothing.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if st.recordIDs == nil {
		st.recordIDs = map[string]bool{}
	}
	inFile := map[string]bool{}
	location, mode := "", ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var rec struct {
			Location      string        `json:"location"`
			Mode          string        `json:"mode"`
			RecordID      string        `json:"recordId"`
			SKU           string        `json:"sku"`
			OnHand        json.Number   `json:"onHand"`
			EffectiveDate string        `json:"effectiveDate"`
			Futures       []ociFutureIn `json:"futures"`
			LocationID    string        `json:"locationId"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			imp.failures = append(imp.failures, ociImportFailure{LocationID: location, Message: "line is not JSON"})
			continue
		}
		if rec.Location != "" {
			location, mode = rec.Location, rec.Mode
			imp.Locations = append(imp.Locations, rec.Location)
			imp.Modes = append(imp.Modes, rec.Mode)
			continue
		}
		loc := location
		if rec.LocationID != "" {
			loc, mode = rec.LocationID, "UPDATE"
		}
		imp.RecordIDs = append(imp.RecordIDs, rec.RecordID)
		imp.SKUs = append(imp.SKUs, rec.SKU)
		fail := func(msg string) {
			imp.failures = append(imp.failures, ociImportFailure{RecordID: rec.RecordID, LocationID: loc, SKU: rec.SKU, Message: msg})
		}
		switch {
		case rec.RecordID == "":
			fail("recordId is required")
		case inFile[rec.RecordID]:
			fail("duplicate recordId in the file")
		case mode != "UPDATE":
			fail("mode must be UPDATE")
		case st.recordIDs[rec.RecordID]:
			inFile[rec.RecordID] = true // imported before: skipped
		default:
			inFile[rec.RecordID] = true
			if msg := s.applyOCI(loc, rec.SKU, rec.OnHand, rec.EffectiveDate, rec.Futures); msg != "" {
				fail(msg)
				continue
			}
			st.recordIDs[rec.RecordID] = true
		}
	}
	if err := sc.Err(); err != nil {
		imp.Status = "FAILED"
	} else {
		imp.Status = "RUNNING"
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleOCIImportStatus answers the import's status; an uploaded import
// completes on its second poll, so a client must poll.
func (s *Server) handleOCIImportStatus(w http.ResponseWriter, _ *http.Request, id string) {
	st := &s.scapi
	st.mu.Lock()
	imp, ok := st.imports[id]
	if ok && imp.Status == "RUNNING" {
		imp.polls++
		if imp.polls >= 2 {
			imp.Status = "COMPLETED"
		}
	}
	var doc map[string]any
	if ok {
		doc = map[string]any{"importId": id, "status": imp.Status}
		if imp.Status == "COMPLETED" {
			doc["fullResults"] = map[string]string{"href": s.ociImportPath(id) + "/file-content"}
		}
	}
	st.mu.Unlock()
	if !ok {
		writeProblem(w, http.StatusNotFound, "import-not-found", "Import Not Found", "no import '"+id+"'")
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// handleOCIImportResults is the result file: a status line, then a line
// per failed record.
func (s *Server) handleOCIImportResults(w http.ResponseWriter, _ *http.Request, id string) {
	st := &s.scapi
	st.mu.Lock()
	imp, ok := st.imports[id]
	var buf bytes.Buffer
	if ok {
		status := "COMPLETED_WITHOUT_ERRORS"
		switch {
		case len(imp.failures) > 0 && len(imp.failures) >= len(imp.RecordIDs):
			status = "FAILED"
		case len(imp.failures) > 0:
			status = "COMPLETED_WITH_PARTIAL_FAILURES"
		}
		line, _ := json.Marshal(map[string]string{"status": status})
		buf.Write(line)
		buf.WriteByte('\n')
		for _, f := range imp.failures {
			line, _ := json.Marshal(f)
			buf.Write(line)
			buf.WriteByte('\n')
		}
	}
	st.mu.Unlock()
	if !ok {
		writeProblem(w, http.StatusNotFound, "import-not-found", "Import Not Found", "no import '"+id+"'")
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

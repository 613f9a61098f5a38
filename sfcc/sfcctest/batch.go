package sfcctest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strconv"
	"strings"
)

// MaxBatchParts is the most sub-requests OCAPI accepts in one batch.
const MaxBatchParts = 50

// Batch headers, as OCAPI names them.
const (
	hdrResourcePath = "x-dw-resource-path"
	hdrPathExt      = "x-dw-resource-path-extension"
	hdrContentID    = "x-dw-content-id"
	hdrMethod       = "x-dw-http-method"
	hdrStatus       = "x-dw-status-code"
)

type batchPart struct {
	id, method, base, ext string
	body                  []byte
}

// handleBatch serves POST /s/-/dw/batch: a multipart/mixed document of at
// most 50 sub-requests, each applied on its own (one failing does not stop
// the others), answered by a multipart/mixed document with one part per
// sub-request in request order. It returns the number of sub-requests.
func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) int {
	parts, fault := readBatch(r)
	if fault != nil {
		writeFault(w, http.StatusBadRequest, fault.Type, fault.Message, fault.Arguments)
		return len(parts)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		status, body := s.subRequest(r, p)
		h := textproto.MIMEHeader{}
		h.Set(hdrContentID, p.id)
		h.Set(hdrStatus, strconv.Itoa(status))
		h.Set("Content-Type", "application/json;charset=UTF-8")
		pw, err := mw.CreatePart(h)
		if err == nil {
			_, err = pw.Write(body)
		}
		if err != nil {
			writeFault(w, http.StatusInternalServerError, "InternalServerError", "writing the batch response failed", nil)
			return len(parts)
		}
	}
	if err := mw.Close(); err != nil {
		writeFault(w, http.StatusInternalServerError, "InternalServerError", "writing the batch response failed", nil)
		return len(parts)
	}
	w.Header().Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return len(parts)
}

// readBatch reads and checks every part before any is applied, so a batch
// rejected as a whole changes nothing.
func readBatch(r *http.Request) ([]batchPart, *faultBody) {
	mt, mp, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" || mp["boundary"] == "" {
		return nil, &faultBody{Type: "MalformedDocumentException", Message: "a batch must be multipart/mixed with a boundary"}
	}
	base := r.Header.Get(hdrResourcePath)
	var parts []batchPart
	seen := map[string]bool{}
	mr := multipart.NewReader(io.LimitReader(r.Body, maxBody), mp["boundary"])
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return parts, &faultBody{Type: "MalformedDocumentException", Message: "the batch document cannot be read: " + err.Error()}
		}
		body, err := io.ReadAll(part)
		if err != nil {
			return parts, &faultBody{Type: "MalformedDocumentException", Message: "the batch document cannot be read: " + err.Error()}
		}
		p := batchPart{id: part.Header.Get(hdrContentID), method: strings.ToUpper(part.Header.Get(hdrMethod)),
			base: part.Header.Get(hdrResourcePath), ext: part.Header.Get(hdrPathExt), body: body}
		if p.base == "" {
			p.base = base
		}
		if p.id != "" && seen[p.id] {
			return parts, &faultBody{Type: "InvalidDocumentException", Message: fmt.Sprintf("%s '%s' is used twice", hdrContentID, p.id),
				Arguments: map[string]string{"contentId": p.id}}
		}
		seen[p.id] = true
		parts = append(parts, p)
	}
	switch {
	case len(parts) == 0:
		return parts, &faultBody{Type: "InvalidDocumentException", Message: "the batch has no sub-requests"}
	case len(parts) > MaxBatchParts:
		return parts, &faultBody{Type: "InvalidDocumentException",
			Message:   fmt.Sprintf("the batch has %d sub-requests; at most %d are allowed", len(parts), MaxBatchParts),
			Arguments: map[string]string{"parts": strconv.Itoa(len(parts))}}
	}
	return parts, nil
}

// subRequest runs one sub-request through the same routes as a top-level
// request (the batch itself was already authenticated and rate limited).
func (s *Server) subRequest(outer *http.Request, p batchPart) (int, []byte) {
	rec := httptest.NewRecorder()
	fail := func(status int, typ, msg string) (int, []byte) {
		writeFault(rec, status, typ, msg, map[string]string{"contentId": p.id})
		return rec.Code, rec.Body.Bytes()
	}
	switch {
	case p.id == "":
		return fail(http.StatusBadRequest, "MalformedDocumentException", hdrContentID+" is required")
	case p.method == "":
		return fail(http.StatusBadRequest, "MalformedDocumentException", hdrMethod+" is required")
	case p.base == "":
		return fail(http.StatusBadRequest, "MalformedDocumentException", hdrResourcePath+" is required")
	}
	path := strings.TrimSuffix(p.base, "/") + "/" + strings.TrimPrefix(p.ext, "/")
	req, err := http.NewRequestWithContext(outer.Context(), p.method, "http://sfcctest"+path, bytes.NewReader(p.body))
	if err != nil {
		return fail(http.StatusBadRequest, "MalformedDocumentException", "bad sub-request path")
	}
	req.Header.Set("Content-Type", "application/json")
	rt := match(req)
	switch {
	case rt.name == "token" || rt.name == "batch":
		return fail(http.StatusBadRequest, "InvalidDocumentException", "a batch cannot contain '"+rt.name+"'")
	case rt.status != 0:
		writeFault(rec, rt.status, rt.fault, rt.message, rt.args)
		return rec.Code, rec.Body.Bytes()
	}
	if f, ok := s.takeFault(rt.name, true); ok {
		// A sub-request has no connection of its own: a Drop answers it 500.
		if !s.applyFault(rec, req, f, func() {}) {
			return rec.Code, rec.Body.Bytes()
		}
	}
	if rt.site != "" && rt.site != s.cfg.site {
		writeFault(rec, http.StatusNotFound, "SiteNotFoundException", "no site '"+rt.site+"'", map[string]string{"siteId": rt.site})
		return rec.Code, rec.Body.Bytes()
	}
	rt.handler(s, rec, req, rt.params)
	return rec.Code, rec.Body.Bytes()
}

package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/o2ckit/o2c/internal/csvin"
)

// readCSV reads a CSV table: a header row naming the columns (any order,
// case-insensitive, extra columns ignored), then one row per record. Cells
// are trimmed; a UTF-8 byte order mark, as spreadsheets write it, is dropped
// (also before a quoted header). Records are split by the module's CSV
// opener: a broken row is reported at its own line and the rows after it
// still load; fields and records over in.Limits are errors.
func readCSV(in Input, table Table, required []string, emit func(line int, values map[string]string)) error {
	r := csvin.NewReader(in.R, csvin.Config{MaxFieldBytes: in.Limits.MaxFieldBytes, MaxRecordBytes: in.Limits.MaxRecordBytes})
	header, _, err := r.Read()
	if err == io.EOF {
		return &TableError{File: in.Name, Line: 1, Table: string(table), Err: ErrMissingColumn, Reason: "the file is empty; the first line must name the columns"}
	}
	if err != nil {
		return csvError(in.Name, table, err)
	}
	r.ExpectFields(len(header))
	cols := make([]string, len(header))
	seen := map[string]bool{}
	var errs []error
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if seen[h] && h != "" {
			errs = append(errs, &TableError{File: in.Name, Line: 1, Table: string(table), Column: h, Err: ErrBadValue, Reason: "column appears twice"})
		}
		seen[h] = true
		cols[i] = h
	}
	for _, want := range required {
		if !seen[want] {
			errs = append(errs, &TableError{File: in.Name, Line: 1, Table: string(table), Column: want, Err: ErrMissingColumn})
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for {
		rec, line, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, csvError(in.Name, table, err))
			var re *csvin.RecordError
			if !errors.As(err, &re) {
				break // an I/O error ends the file
			}
			continue
		}
		if len(rec) != len(cols) {
			errs = append(errs, &TableError{File: in.Name, Line: line, Table: string(table), Err: ErrBadValue,
				Reason: fmt.Sprintf("%d cells, the header has %d", len(rec), len(cols))})
			continue
		}
		values := make(map[string]string, len(cols))
		for i, v := range rec {
			if cols[i] != "" {
				values[cols[i]] = strings.TrimSpace(v)
			}
		}
		emit(line, values)
	}
	return errors.Join(errs...)
}

func csvError(name string, table Table, err error) error {
	var re *csvin.RecordError
	if errors.As(err, &re) {
		return &TableError{File: name, Line: re.Line, Table: string(table), Err: ErrBadFile, Reason: re.Err.Error()}
	}
	return &TableError{File: name, Table: string(table), Err: ErrBadFile, Reason: err.Error()}
}

// readJSON reads a JSON table: an array of objects whose member names are
// the CSV column names and whose values are strings (numbers are accepted
// for numeric cells). The line of each object's opening brace is its line.
func readJSON(in Input, table Table, required []string, emit func(line int, values map[string]string)) error {
	data, err := io.ReadAll(in.R)
	if err != nil {
		return &TableError{File: in.Name, Table: string(table), Err: ErrBadFile, Reason: err.Error()}
	}
	lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(int(off), len(data))], []byte{'\n'}) }
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	bad := func(reason string) error {
		return &TableError{File: in.Name, Line: lineAt(dec.InputOffset()), Table: string(table), Err: ErrBadFile, Reason: reason}
	}
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		return bad("want a JSON array of objects")
	}
	var errs []error
	for dec.More() {
		// InputOffset is just past the previous value; skip to the brace.
		off := dec.InputOffset()
		for int(off) < len(data) && (data[off] == ',' || data[off] == ' ' || data[off] == '\n' || data[off] == '\r' || data[off] == '\t') {
			off++
		}
		line := lineAt(off)
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			errs = append(errs, &TableError{File: in.Name, Line: line, Table: string(table), Err: ErrBadFile, Reason: err.Error()})
			return errors.Join(errs...)
		}
		values := make(map[string]string, len(obj))
		ok := true
		for k, v := range obj {
			k = strings.ToLower(strings.TrimSpace(k))
			switch v := v.(type) {
			case string:
				values[k] = strings.TrimSpace(v)
			case json.Number:
				values[k] = v.String()
			case nil:
				values[k] = ""
			default:
				errs = append(errs, &TableError{File: in.Name, Line: line, Table: string(table), Column: k, Err: ErrBadValue, Reason: "want a string"})
				ok = false
			}
		}
		for _, want := range required {
			if _, has := values[want]; !has {
				errs = append(errs, &TableError{File: in.Name, Line: line, Table: string(table), Column: want, Err: ErrMissingColumn})
				ok = false
			}
		}
		if ok {
			emit(line, values)
		}
	}
	if _, err := dec.Token(); err != nil {
		errs = append(errs, bad("unterminated array"))
	}
	return errors.Join(errs...)
}

package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"safetynet/internal/fault"
)

func TestRecoveryLogsOnce(t *testing.T) {
	var logs bytes.Buffer
	s := &server{logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	h := s.withRequestID(s.withAccessLog(withRecovery(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/persons?id_number=652301198005170115", nil))

	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d, Content-Type %q; want a 500 problem", rec.Code, rec.Header().Get("Content-Type"))
	}
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Detail != "internal error" || strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("problem %+v shows the panic to the client", p)
	}
	if n := strings.Count(logs.String(), "boom"); n != 1 {
		t.Errorf("the panic is logged %d times, want once:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "652301198005170115") {
		t.Errorf("the log holds the query string:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `"status":500`) {
		t.Errorf("the access log lacks status 500:\n%s", logs.String())
	}
}

func TestWriteErrorStatuses(t *testing.T) {
	tests := []struct {
		err    error
		status int
	}{
		{fault.Errorf(fault.Invalid, "x"), 422},
		{fault.Errorf(fault.NotFound, "x"), 404},
		{fault.Errorf(fault.Conflict, "x"), 409},
		{fault.Errorf(fault.Forbidden, "x"), 403},
		{fault.Errorf(fault.Unauthenticated, "x"), 401},
		{fault.Errorf(fault.Internal, "x"), 500},
		{fault.Errorf(codeMalformed, "x"), 400},
		{http.ErrBodyNotAllowed, 500},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		writeError(rec, httptest.NewRequest("GET", "/x", nil), tt.err)
		if rec.Code != tt.status {
			t.Errorf("writeError(%v): status %d, want %d", tt.err, rec.Code, tt.status)
		}
	}
}

func TestFieldProblemsSorted(t *testing.T) {
	rec := httptest.NewRecorder()
	writeError(rec, httptest.NewRequest("POST", "/api/v1/persons", nil),
		&fault.Error{Code: fault.Invalid, Message: "invalid person", Fields: map[string]string{"name": "is required", "id_number": "check digit is 4, want 5", "hukou_type": "bad"}})
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range p.Errors {
		got = append(got, e.Field)
	}
	if strings.Join(got, ",") != "hukou_type,id_number,name" {
		t.Errorf("fields %v, want sorted hukou_type,id_number,name", got)
	}
	if p.Detail != "invalid person" || p.Instance != "/api/v1/persons" || p.Status != 422 {
		t.Errorf("problem %+v", p)
	}
}

package rest

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/vigil-monitor/vigil/monitor"
)

// codeStatus is the one table from monitor's error codes to HTTP statuses.
var codeStatus = map[monitor.Code]int{
	monitor.CodeInvalid:      http.StatusBadRequest,
	monitor.CodeNotFound:     http.StatusNotFound,
	monitor.CodeConflict:     http.StatusConflict,
	monitor.CodeUnprofitable: http.StatusUnprocessableEntity,
	monitor.CodeUnavailable:  http.StatusServiceUnavailable,
	monitor.CodeUnauthorized: http.StatusUnauthorized,
	monitor.CodeInternal:     http.StatusInternalServerError,
}

// Reasons the HTTP layer adds to monitor's vocabulary. They never come from
// monitor, so they are answered directly rather than through codeStatus.
const (
	// ReasonUnsupportedMediaType: a PUT body declared a non-JSON Content-Type (415).
	ReasonUnsupportedMediaType monitor.Reason = "unsupported_media_type"
	// ReasonMethodNotAllowed: the route exists but not for this method (405).
	ReasonMethodNotAllowed monitor.Reason = "method_not_allowed"
)

// statusFor returns the HTTP status of e: codeStatus by e's code, refined
// only for body_too_large, which is a 413 wherever it is detected.
func statusFor(e *monitor.Error) int {
	if e.Reason == monitor.ReasonBodyTooLarge {
		return http.StatusRequestEntityTooLarge
	}
	if st, ok := codeStatus[e.Code()]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// writeError answers with err mapped through monitor.AsError and codeStatus.
// Internal detail is never sent: an internal error's message is always
// "internal error". When logIt is set the error is logged here (internal as
// error, unavailable as warn); intake rejections are logged by monitor.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error, logIt bool) {
	if errors.Is(err, monitor.ErrNotFound) && !errors.As(err, new(*monitor.Error)) {
		err = &monitor.Error{Reason: monitor.ReasonNotFound, Message: "not found", Err: err}
	}
	e := monitor.AsError(err)
	reason, msg := e.Reason, e.Message
	code := e.Code()
	if code == monitor.CodeInternal {
		reason, msg = monitor.ReasonInternal, "internal error"
	}
	if logIt {
		attrs := []any{"method", r.Method, "path", r.URL.Path, "reason", string(e.Reason), "err", err}
		switch code {
		case monitor.CodeInternal:
			s.log.Error("request failed", attrs...)
		case monitor.CodeUnavailable:
			s.log.Warn("request failed: dependency unavailable", attrs...)
		default:
			s.log.Debug("request rejected", attrs...)
		}
	}
	writeErrorBody(w, statusFor(e), reason, msg)
}

func writeErrorBody(w http.ResponseWriter, status int, reason monitor.Reason, msg string) {
	writeJSON(w, status, errorBody{Error: string(reason), Message: msg})
}

// writeJSON writes v as the response. The values written here are plain
// structs of strings and numbers, which always encode; the fallback is a
// guard, not a path.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":"internal_error","message":"internal error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

package server

import (
	"net/http"
	"strconv"

	"github.com/argusqa/argus/store"
)

// listRuns lists a project's runs, newest first, one page at a time. Runs
// in a list carry no agents; GET /api/v1/runs/{id} has them.
func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tenant := principal(r).TenantID
	if _, err := s.store.GetProject(r.Context(), tenant, id); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := store.RunFilter{ProjectID: &id}
	if f.After, err = store.ParseCursor(q.Get("cursor")); err != nil {
		s.fail(w, r, invalid("bad cursor", FieldError{"cursor", "not a cursor this API gave out"}))
		return
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > store.MaxPageSize {
			s.fail(w, r, invalid("bad limit", FieldError{"limit", "must be a whole number from 1 to 200"}))
			return
		}
		f.Limit = n
	}
	runs, next, err := s.store.ListRuns(r.Context(), tenant, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]runView, len(runs))
	for i := range runs {
		out[i] = s.viewRun(&runs[i], nil)
	}
	writeJSON(w, http.StatusOK, page(out, next))
}

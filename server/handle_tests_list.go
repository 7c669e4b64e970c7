package server

import (
	"net/http"
	"strconv"

	"github.com/argusqa/argus/store"
)

// listTests lists a project's tests, newest first, searched by q (name and
// goal, trigram index) and filtered by tag, one page at a time.
func (s *Server) listTests(w http.ResponseWriter, r *http.Request) {
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
	f := store.TestFilter{ProjectID: &id, Search: q.Get("q"), Tags: q["tag"]}
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
	tests, next, err := s.store.ListTests(r.Context(), tenant, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]testView, len(tests))
	for i := range tests {
		out[i] = viewTest(&tests[i])
	}
	writeJSON(w, http.StatusOK, page(out, next))
}

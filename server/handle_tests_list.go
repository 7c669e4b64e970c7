package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// listTests lists a project's tests, newest first, searched by q (name and
// goal, trigram index) and filtered by tag, one page at a time.
func (s *Server) listTests(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	tests, next, err := s.app.ListTests(r.Context(), principal(r), app.TestListRequest{Project: pathID(r), Search: q.Get("q"),
		Tags: q["tag"], Page: pageRequest(r)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.PageOf(app.Map(tests, app.TestView), next))
	return nil
}

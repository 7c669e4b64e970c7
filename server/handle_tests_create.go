package server

import "net/http"

// createTest adds a test to a project.
func (s *Server) createTest(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req testRequest
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := req.input()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.store.CreateTest(r.Context(), principal(r).TenantID, id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/tests/"+t.ID.String())
	writeJSON(w, http.StatusCreated, viewTest(t))
}

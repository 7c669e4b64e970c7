package server

import "net/http"

// updateTest replaces a test's editable fields.
func (s *Server) updateTest(w http.ResponseWriter, r *http.Request) {
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
	t, err := s.store.UpdateTest(r.Context(), principal(r).TenantID, id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewTest(t))
}

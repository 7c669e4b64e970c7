package server

import "net/http"

// deleteTest deletes a test; past agents keep its name.
func (s *Server) deleteTest(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.DeleteTest(r.Context(), principal(r).TenantID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

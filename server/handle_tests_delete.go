package server

import "net/http"

// deleteTest deletes a test; past agents keep its name.
func (s *Server) deleteTest(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, s.app.DeleteTest(r.Context(), principal(r), pathID(r)))
}

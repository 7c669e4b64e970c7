package server

import "net/http"

// deleteProject deletes a project with its tests, runs and secrets, and
// the screenshots of its agents.
func (s *Server) deleteProject(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, s.app.DeleteProject(r.Context(), principal(r), pathID(r)))
}

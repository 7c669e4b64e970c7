package server

import "net/http"

// deleteGitHub stops reporting a project's failures to GitHub (admin);
// 404 when it had no GitHub settings.
func (s *Server) deleteGitHub(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, s.app.DeleteGitHub(r.Context(), principal(r), pathID(r)))
}

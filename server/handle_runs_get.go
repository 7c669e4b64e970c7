package server

import "net/http"

// getRun returns a run with its agents.
func (s *Server) getRun(w http.ResponseWriter, r *http.Request) error {
	d, err := s.app.GetRun(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.app.RunView(d.Run, d.Agents))
	return nil
}

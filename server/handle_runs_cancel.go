package server

import "net/http"

// cancelRun cancels every agent of a run that has not finished.
func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) error {
	d, err := s.app.CancelRun(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, s.app.RunView(d.Run, d.Agents))
	return nil
}

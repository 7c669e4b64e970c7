package server

import (
	"net/http"

	"github.com/google/uuid"
)

// runEvents streams a run's progress as Server-Sent Events: `step`,
// `agent` and `run` events, `end` once every agent finished, a heartbeat
// comment every 15 s. Last-Event-ID resumes after the last step received.
func (s *Server) runEvents(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tenant := principal(r).TenantID
	if _, err := s.store.GetRun(r.Context(), tenant, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.serveStream(w, r, tenant, id, uuid.Nil)
}

package server

import (
	"net/http"

	"github.com/argusqa/argus/integrations/storage"
)

// deleteProject deletes a project with its tests, runs and secrets, and
// the screenshots of its agents.
func (s *Server) deleteProject(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tenant := principal(r).TenantID
	if _, err := s.store.GetProject(r.Context(), tenant, id); err != nil {
		s.fail(w, r, err)
		return
	}
	agents, err := s.store.ProjectAgentIDs(r.Context(), tenant, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.DeleteProject(r.Context(), tenant, id); err != nil {
		s.fail(w, r, err)
		return
	}
	// Rows first: a blob without a row is unreachable, a row without its
	// blob would show a broken screenshot.
	for _, a := range agents {
		if err := s.cfg.Blobs.DeletePrefix(r.Context(), storage.AgentPrefix(tenant.String(), a.String())); err != nil {
			s.log.Error("deleting a deleted project's screenshots", "agent", a, "error", err)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

package server

import "net/http"

// listSecrets lists a project's secret names; values are write-only.
func (s *Server) listSecrets(w http.ResponseWriter, r *http.Request) {
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
	secrets, err := s.store.ListSecrets(r.Context(), tenant, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]secretView, len(secrets))
	for i, sec := range secrets {
		out[i] = secretView{Name: sec.Name, UpdatedAt: sec.UpdatedAt.UTC()}
	}
	writeJSON(w, http.StatusOK, list(out))
}

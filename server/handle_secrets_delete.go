package server

import (
	"net/http"

	"github.com/argusqa/argus/store"
)

// deleteSecret removes a secret; an unknown name is a 404.
func (s *Server) deleteSecret(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := r.PathValue("name")
	notFound := problem(http.StatusNotFound, "no secret of this name in this project")
	if !store.SecretNamePattern.MatchString(name) {
		s.fail(w, r, notFound)
		return
	}
	tenant := principal(r).TenantID
	secrets, err := s.store.ListSecrets(r.Context(), tenant, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	found := false
	for _, sec := range secrets {
		found = found || sec.Name == name
	}
	if !found {
		s.fail(w, r, notFound)
		return
	}
	if err := s.store.DeleteSecret(r.Context(), tenant, id, name); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

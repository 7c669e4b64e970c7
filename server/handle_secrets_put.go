package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
)

// putSecret sets a secret's value (sealed at rest, never returned).
func (s *Server) putSecret(w http.ResponseWriter, r *http.Request) error {
	var req api.SecretPut
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	return noContent(w, s.app.PutSecret(r.Context(), principal(r), pathID(r), r.PathValue("name"), req.Value))
}

package server

import (
	"fmt"
	"net/http"

	"github.com/argusqa/argus/store"
)

type secretRequest struct {
	Value string `json:"value"`
}

// putSecret sets a secret's value (sealed at rest, never returned).
func (s *Server) putSecret(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := r.PathValue("name")
	var req secretRequest
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	var fields []FieldError
	if !store.SecretNamePattern.MatchString(name) {
		fields = append(fields, FieldError{"name", "must start with a letter or _ and hold only letters, digits, _, . and -, at most 64"})
	}
	if req.Value == "" || len(req.Value) > store.MaxSecretBytes {
		fields = append(fields, FieldError{"value", fmt.Sprintf("must be 1 to %d bytes", store.MaxSecretBytes)})
	}
	if len(fields) > 0 {
		s.fail(w, r, invalid("cannot store this secret", fields...))
		return
	}
	if _, err := s.store.PutSecret(r.Context(), principal(r).TenantID, id, name, req.Value); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

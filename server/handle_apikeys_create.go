package server

import (
	"net/http"
	"time"

	"github.com/argusqa/argus/store"
)

type apiKeyRequest struct {
	Name          string `json:"name"`
	ExpiresInDays *int   `json:"expires_in_days"`
	// Role defaults to member; an admin key can manage the tenant.
	Role string `json:"role"`
}

// maxKeyDays bounds expires_in_days (ten years).
const maxKeyDays = 3650

// createAPIKey makes a key and returns it once, in "key".
func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request) {
	var req apiKeyRequest
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	p := principal(r)
	in := store.NewAPIKey{Name: req.Name, CreatedBy: p.UserID}
	var fields []FieldError
	if req.Role != "" {
		role, err := store.ParseRole(req.Role)
		if err != nil {
			fields = append(fields, FieldError{"role", `must be "admin" or "member"`})
		}
		in.Role = role
	}
	if req.ExpiresInDays != nil {
		if d := *req.ExpiresInDays; d < 1 || d > maxKeyDays {
			fields = append(fields, FieldError{"expires_in_days", "must be from 1 to 3650"})
		} else {
			exp := time.Now().Add(time.Duration(d) * 24 * time.Hour)
			in.ExpiresAt = &exp
		}
	}
	if len(fields) > 0 {
		s.fail(w, r, invalid("cannot create this key", fields...))
		return
	}
	k, err := s.store.CreateAPIKey(r.Context(), p.TenantID, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, viewAPIKey(k))
}

package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// updateMember changes a person's role; the last admin stays admin.
func (s *Server) updateMember(w http.ResponseWriter, r *http.Request) error {
	var req api.MemberPatch
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	m, err := s.app.SetRole(r.Context(), principal(r), pathUUID(r, "user_id"), req.Role)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.MemberView(m))
	return nil
}

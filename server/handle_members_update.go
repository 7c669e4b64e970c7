package server

import (
	"net/http"

	"github.com/argusqa/argus/store"
)

type memberPatch struct {
	Role string `json:"role"`
}

// updateMember changes a person's role; the last admin stays admin.
func (s *Server) updateMember(w http.ResponseWriter, r *http.Request) {
	user, err := pathID(r, "user_id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req memberPatch
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	role, err := store.ParseRole(req.Role)
	if err != nil {
		s.fail(w, r, invalid("unknown role", FieldError{"role", `must be "admin" or "member"`}))
		return
	}
	tenant := principal(r).TenantID
	if err := s.store.SetRole(r.Context(), tenant, user, role); err != nil {
		s.fail(w, r, err)
		return
	}
	ms, err := s.store.ListMembers(r.Context(), tenant)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i := range ms {
		if ms[i].User.ID == user {
			writeJSON(w, http.StatusOK, viewMember(&ms[i]))
			return
		}
	}
	s.fail(w, r, store.ErrNotFound)
}

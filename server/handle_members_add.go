package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// addMember adds a person to the tenant. A new person gets an account
// with an unusable random password and an invitation whose link sets
// their own (valid one day): mailed, or in the answer when no mail goes out.
func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	var req api.MemberAdd
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	added, err := s.app.AddMember(r.Context(), principal(r), app.MemberInput{Email: req.Email, Name: req.Name, Role: req.Role})
	if err != nil {
		return err
	}
	v := app.MemberView(&added.Member)
	v.InvitationLink = added.Link
	writeJSON(w, http.StatusCreated, v)
	return nil
}

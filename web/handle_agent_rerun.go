package web

import (
	"net/http"
	"strings"
)

// agentRerun starts a new run of the agent's test (its current version).
func (u *UI) agentRerun(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "agent")
	if err != nil {
		return err
	}
	started, err := u.app.RerunAgent(r.Context(), v.p, id, strings.TrimSpace(r.PostFormValue("nonce")))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/runs/"+started.Run.ID.String(), http.StatusSeeOther)
	return nil
}

package web

import (
	"errors"
	"net/http"

	"github.com/argusqa/argus/app"
)

// agentCancel stops a queued or running agent and ends its browser; an
// agent that already finished stays as it is.
func (u *UI) agentCancel(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "agent")
	if err != nil {
		return err
	}
	if _, err := u.app.CancelAgent(r.Context(), v.p, id); err != nil && !errors.Is(err, app.ErrAgentFinished) {
		return err
	}
	http.Redirect(w, r, "/agents/"+id.String(), http.StatusSeeOther)
	return nil
}

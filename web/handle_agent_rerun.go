package web

import (
	"net/http"

	"github.com/google/uuid"
)

// agentRerun starts a new run of the agent's test (its current version).
func (u *UI) agentRerun(w http.ResponseWriter, r *http.Request, v *viewer) error {
	a, err := u.loadAgent(r, v)
	if err != nil {
		return err
	}
	if a.TestID == nil {
		return badRequest("The test of this agent has been deleted, so it cannot run again.")
	}
	run, err := u.store.GetRun(r.Context(), v.TenantID, a.RunID)
	if err != nil {
		return err
	}
	nr, err := u.startRun(r.Context(), v, run.ProjectID, []uuid.UUID{*a.TestID}, r.PostFormValue("nonce"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/runs/"+nr.ID.String(), http.StatusSeeOther)
	return nil
}

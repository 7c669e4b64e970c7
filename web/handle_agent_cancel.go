package web

import "net/http"

// agentCancel asks the scheduler to stop a queued or running agent; it
// marks the agent cancelled and ends its browser.
func (u *UI) agentCancel(w http.ResponseWriter, r *http.Request, v *viewer) error {
	a, err := u.loadAgent(r, v)
	if err != nil {
		return err
	}
	if err := u.cfg.Scheduler.CancelAgent(r.Context(), v.TenantID, a.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/agents/"+a.ID.String(), http.StatusSeeOther)
	return nil
}

package web

import "net/http"

// runCancel cancels every agent of a run that has not finished.
func (u *UI) runCancel(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "run")
	if err != nil {
		return err
	}
	run, err := u.store.GetRun(r.Context(), v.TenantID, id)
	if err != nil {
		return err
	}
	agents, err := u.store.ListAgents(r.Context(), v.TenantID, run.ID)
	if err != nil {
		return err
	}
	for _, a := range agents {
		if a.Status.Final() {
			continue
		}
		if err := u.cfg.Scheduler.CancelAgent(r.Context(), v.TenantID, a.ID); err != nil {
			return err
		}
	}
	http.Redirect(w, r, "/runs/"+run.ID.String(), http.StatusSeeOther)
	return nil
}

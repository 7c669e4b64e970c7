package web

import "net/http"

// runCancel cancels every agent of a run that has not finished.
func (u *UI) runCancel(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "run")
	if err != nil {
		return err
	}
	if _, err := u.app.CancelRun(r.Context(), v.p, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/runs/"+id.String(), http.StatusSeeOther)
	return nil
}

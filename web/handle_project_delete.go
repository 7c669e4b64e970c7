package web

import (
	"net/http"

	"github.com/argusqa/argus/integrations/storage"
)

// projectDelete deletes a project with everything in it, once the admin has
// typed its name.
func (u *UI) projectDelete(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	if r.PostFormValue("confirm") != p.Name {
		return badRequest("Type the project's name exactly to confirm deleting it.")
	}
	agents, err := u.store.ProjectAgentIDs(r.Context(), v.TenantID, p.ID)
	if err != nil {
		return err
	}
	if err := u.store.DeleteProject(r.Context(), v.TenantID, p.ID); err != nil {
		return err
	}
	// Rows first: a blob without a row is unreachable, a row without its
	// blob would show a broken screenshot.
	for _, a := range agents {
		if err := u.cfg.Blobs.DeletePrefix(r.Context(), storage.AgentPrefix(v.TenantID.String(), a.String())); err != nil {
			u.log.Error("deleting a deleted project's screenshots", "agent", a, "error", err)
		}
	}
	http.Redirect(w, r, "/projects", http.StatusSeeOther)
	return nil
}

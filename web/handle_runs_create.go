package web

import (
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/app"
)

// runSelection is what a Run button asks for.
type runSelection struct {
	project uuid.UUID
	tests   []string
	search  string
	tag     string
}

// runCreate starts one run of every test the list shows with its current
// search and tag (all pages).
func (u *UI) runCreate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	sel := runSelection{project: p.ID, search: strings.TrimSpace(r.PostFormValue("q")), tag: strings.TrimSpace(r.PostFormValue("tag"))}
	return u.startRun(w, r, v, sel)
}

// startRun starts the run and shows it; the form's nonce is the
// idempotency key, which the App scopes to the person.
func (u *UI) startRun(w http.ResponseWriter, r *http.Request, v *viewer, sel runSelection) error {
	req := app.RunRequest{Project: sel.project, TestIDs: sel.tests, Search: sel.search, IdempotencyKey: strings.TrimSpace(r.PostFormValue("nonce"))}
	if sel.tag != "" {
		req.Tags = []string{sel.tag}
	}
	started, err := u.app.StartRun(r.Context(), v.p, req)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/runs/"+started.Run.ID.String(), http.StatusSeeOther)
	return nil
}

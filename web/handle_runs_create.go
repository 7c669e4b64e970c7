package web

import (
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// maxRunTests bounds one run started from the tests list, so a click
// cannot queue an unbounded number of agents.
const maxRunTests = 1000

// runCreate starts one run of every test the list shows with its current
// search and tag (all pages, at most maxRunTests).
func (u *UI) runCreate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	f := store.TestFilter{ProjectID: &p.ID, Search: strings.TrimSpace(r.PostFormValue("q")), Limit: store.MaxPageSize}
	if tag := strings.TrimSpace(r.PostFormValue("tag")); tag != "" {
		f.Tags = []string{tag}
	}
	var ids []uuid.UUID
	for {
		tests, next, err := u.store.ListTests(r.Context(), v.TenantID, f)
		if err != nil {
			return err
		}
		for _, t := range tests {
			ids = append(ids, t.ID)
		}
		if next == nil {
			break
		}
		if len(ids) >= maxRunTests {
			return badRequest("More than 1,000 tests match; narrow the search or tag to run them.")
		}
		f.After = next
	}
	if len(ids) == 0 {
		return badRequest("No test matches, so there is nothing to run.")
	}
	run, err := u.startRun(r.Context(), v, p.ID, ids, r.PostFormValue("nonce"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/runs/"+run.ID.String(), http.StatusSeeOther)
	return nil
}
